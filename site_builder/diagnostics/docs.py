"""The diagnostics catalogue as a Markdown page for staff (docs/guide/diagnostics.md)."""

from __future__ import annotations

from site_builder.diagnostics.catalogue import CATALOGUE

_GROUPS = {
    "Y": "文件与 YAML 书写",
    "S": "字段与格式",
    "R": "跨文件引用",
    "D": "日期",
    "L": "销号与状态",
    "P": "整改方案“三不过”",
    "A": "问责",
    "F": "巡察反馈问题清单与对账",
    "G": "签字背书与审核",
    "H": "修改历史与合并请求",
    "E": "量化检查评估",
    "X": "表格导入",
    "C": "保密与发布",
    "V": "督办与数据导出",
}


def catalogue_markdown() -> str:
    lines = [
        "# 校验提示代码表",
        "",
        "`rectify validate` 每条提示的格式是“文件:行:列: 代码 说明”。"
        "“错误”必须修正，否则合并请求不能通过、站点不会生成；“警告”提醒可能存在的整改问题，不阻止合并。",
        "说明中的 {…} 在实际提示里会换成具体的字段、编号或日期。",
        "",
        "本页由 `rectify diagnostics` 生成，请勿手工修改。",
        "",
    ]
    for prefix, title in _GROUPS.items():
        if not any(code.startswith(prefix) for code in CATALOGUE):
            continue
        lines += [
            f"## {prefix}：{title}",
            "",
            "| 代码 | 级别 | 含义 | 提示与改法 |",
            "| --- | --- | --- | --- |",
        ]
        for code, entry in CATALOGUE.items():
            if code.startswith(prefix):
                level = "错误" if entry.severity == "error" else "警告"
                template = entry.template.replace("|", "\\|")
                lines.append(f"| {code} | {level} | {entry.title} | {template} |")
        lines.append("")
    return "\n".join(lines)
