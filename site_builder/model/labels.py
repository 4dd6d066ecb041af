"""Display labels: the one place that names every key and status in Chinese.

Diagnostics, the site and the staff docs all read from here, so a term is
translated once.
"""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    # ledger
    "round": "轮次",
    "unit": "单位",
    "plan": "整改方案",
    "objective": "整改目标",
    "submitted_on": "提交日期",
    "leading_group": "整改领导小组",
    "review": "方案审核",
    "outcome": "审核结果",
    "reviewer": "审核人",
    "reviewed_on": "审核日期",
    "findings": "审核意见",
    "problems": "问题清单",
    "id": "编号",
    "title": "标题",
    "description": "问题描述",
    "category": "问题类别",
    "source": "问题来源",
    "common_code": "共性问题编号",
    "status": "状态",
    "closed_on": "销号日期",
    "withdrawn_reason": "撤销理由",
    "measures": "整改措施",
    "text": "措施内容",
    "deadline": "完成时限",
    "owner": "责任人",
    "leader": "责任领导",
    "completed_on": "完成日期",
    "progress": "整改进展",
    "evidence": "佐证材料",
    "file": "文件",
    "mechanisms": "长效机制",
    "issued_on": "印发日期",
    "document": "文号",
    "enforcement": "执行情况佐证",
    "accountability": "问责清单",
    "person": "被问责人",
    "post": "职务",
    "responsibility": "责任类型",
    "form": "四种形态",
    "measure": "问责方式",
    "decided_on": "问责日期",
    "leadership_exempt_reason": "不追究领导责任的理由",
    "report": "整改报告",
    "summary": "报告摘要",
    "reviewers": "审核签字",
    "name": "名称",
    "department": "部门",
    "signed_on": "签字日期",
    # district files
    "units": "单位",
    "kind": "单位类型",
    "inspected_in": "被巡察轮次",
    "pilot": "量化评估试点",
    "start": "开始日期",
    "end": "结束日期",
    "rectification_days": "集中整改期（天）",
    "teams": "巡察组",
    "members": "组员",
    "feedback_on": "反馈日期",
    "receipt": "反馈签收单",
    "principal": "被巡察单位主要负责人",
    "team_leader": "巡察组组长",
    "office_director": "巡察办主任",
    "common_problems": "共性问题",
    "code": "编号",
    "named_in": "指出轮次",
    "self_check_points": "自查要点",
    "self_checks": "未巡先改自查",
    "checked_on": "自查日期",
    "result": "自查结果",
    "note": "说明",
    "rectified_on": "整改完成日期",
    "date": "日期",
    "lesson": "警示意义",
    "district": "区名",
    "categories": "问题类别",
    "label": "名称",
    "thresholds": "预警阈值",
    "green_days": "绿色预警天数",
    "yellow_days": "黄色预警天数",
    "stale_days": "停滞天数",
    "vague_phrases": "笼统用语",
    "min_measure_chars": "措施最少字数",
    "sensitive_fields": "敏感字段",
    "time_zone": "时区",
    # quantitative evaluation (rounds/evaluations/)
    "checks": "八查",
    "weight": "权重",
    "items": "评分项",
    "points": "分值",
    "method": "计分方式",
    "field": "录入字段",
    "indicator": "计算指标",
    "per": "每项得分",
    "how": "评分标准",
    "grades": "等次",
    "min": "最低分",
    "shortfalls": "整改不力情形",
    "below": "得分率下限（%）",
    "basically_satisfied_weight": "基本满意折算系数",
    "evaluated_on": "评估日期",
    "evaluators": "评估人员",
    "leadership": "主要领导重视情况",
    "personally_deploys": "主要领导亲自安排部署",
    "drafts_measures": "主要领导亲自研究制定整改措施",
    "holds_to_account": "严格查究相关人员",
    "supervises": "督促整改工作落实",
    "person_in_charge": "整改工作专人",
    "meetings": "研究部署整改的会议",
    "minutes": "会议记录",
    "clues": "移交问题线索及信访事项",
    "clues_received": "移交问题线索（件）",
    "clues_closed": "已办结问题线索（件）",
    "petitions_received": "信访事项（件）",
    "petitions_closed": "已办结信访事项（件）",
    "none_due_reason": "无需问责的理由",
    "site_check": "实地抽查",
    "checked": "抽查事项数",
    "confirmed": "整改到位数",
    "problems_found": "抽查发现的问题",
    "innovations": "创新动作",
    "detail": "具体做法",
    "satisfaction": "民主测评满意度",
    "held_on": "测评日期",
    "participants": "参加测评人员",
    "satisfied": "满意（票）",
    "basically_satisfied": "基本满意（票）",
    "dissatisfied": "不满意（票）",
    "judgements": "评估组评分",
    "item": "评分项",
    "score": "得分",
    "conclusion": "评估意见",
    "bulletins": "警示教育通报",
    "number": "文号",
    "issuer": "发文单位",
    "intro": "导语",
    "cases": "典型案例",
    "requirements": "工作要求",
    # feedback lists, time limits, postponements, deciding bodies
    "answers": "对应反馈问题",
    "plan_due": "整改方案报送时限",
    "time_limit": "整改时限类型",
    "stage_goal": "阶段性目标",
    "stage_due": "阶段性目标完成日期",
    "review_cycle": "复查周期",
    "postponements": "延期申请",
    "requested_on": "申请日期",
    "reason": "延期理由",
    "old_deadline": "原完成时限",
    "new_deadline": "申请延至",
    "approved_by": "批准人",
    "approved_on": "批准日期",
    "decided_by": "决定机关",
    "cadre_level": "干部管理层级",
    "immediate_days": "立行立改天数",
    "plan_days": "方案报送天数",
    "reviews": "方案审核记录",
    "failed_checks": "未通过事项",
    "resubmit_by": "重新报送时限",
    "added_on": "补充反馈日期",
    "handed_over_on": "移交日期",
    "receiver": "接收机关",
    "concluded_on": "了结日期",
    "persons": "被问责人",
    "money": "清退追缴资金",
    "amount": "金额（元）",
    "on": "日期",
}

PROBLEM_SOURCE = {
    "feedback": "巡察反馈",
    "common": "共性问题",
    "higher": "上级新要求",
    "self": "自查",
}
PROBLEM_STATUS = {"open": "整改中", "closed": "已销号", "withdrawn": "已撤销"}
MEASURE_STATUS = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "stage_done": "阶段性完成",
    "withdrawn": "已撤销",
}
REVIEW_OUTCOME = {"passed": "通过", "returned": "退回修改", "pending": "待审核"}
RESPONSIBILITY = {"direct": "直接责任", "leadership": "领导责任"}
DEPARTMENT = {
    "discipline": "区纪委监委",
    "organisation": "区委组织部",
    "inspection_office": "区委巡察办",
}
FORM = {
    1: "第一种形态（谈话提醒、批评教育、责令检查、诫勉）",
    2: "第二种形态（党纪轻处分、组织调整）",
    3: "第三种形态（党纪重处分、重大职务调整）",
    4: "第四种形态（严重违纪涉嫌违法立案审查）",
}
UNIT_KIND = {
    "street": "街道",
    "town": "乡镇",
    "bureau": "区直部门",
    "school": "学校",
    "hospital": "医院",
    "enterprise": "国有企业",
    "community": "社区",
    "village": "村",
    "other": "其他",
}
SELF_CHECK_RESULT = {"found": "发现问题", "not_found": "未发现问题"}
SCORING_METHOD = {
    "yes_no": "有无计分",
    "count": "按数量计分",
    "graded": "评估组评分",
    "indicator": "按台账计算",
}
RECEIPT_ROLE = {
    "principal": "被巡察单位主要负责人",
    "team_leader": "巡察组组长",
    "office_director": "巡察办主任",
}

TIME_LIMIT = {"immediate": "立行立改", "deadline": "限期整改", "long_term": "长期坚持"}
REVIEW_CYCLE = {
    "monthly": "每月",
    "quarterly": "每季度",
    "half_yearly": "每半年",
    "yearly": "每年",
}
DECIDING_BODY = {
    "district_committee": "区委",
    "district_discipline": "区纪委监委",
    "organisation": "区委组织部",
    "unit_party": "单位党组织",
    "unit_discipline": "单位纪检组织",
}
CADRE_LEVEL = {
    "district_managed": "区管干部",
    "unit_managed": "单位管理干部",
    "staff": "一般干部职工",
}
PLAN_CHECK = {
    "direction": "方向不明确",
    "missing_tasks": "任务有漏项",
    "vague_measures": "措施不具体",
}
CLUE_STATUS = {"preliminary": "初核", "filed": "立案", "concluded": "了结", "shelved": "暂存"}
CLUE_RECEIVER = {"discipline": "区纪委监委", "organisation": "区委组织部"}
MONEY_KIND = {"refund": "清退", "recovered": "追缴", "loss_recovered": "挽回损失"}
FORM_SHORT = {1: "第一种形态", 2: "第二种形态", 3: "第三种形态", 4: "第四种形态"}

# Value labels by field name, so a diagnostic about an invalid value can list the choices.
CHOICES: dict[str, dict] = {
    "source": PROBLEM_SOURCE,
    "outcome": REVIEW_OUTCOME,
    "responsibility": RESPONSIBILITY,
    "department": DEPARTMENT,
    "kind": UNIT_KIND,
    "result": SELF_CHECK_RESULT,
    "method": SCORING_METHOD,
    "time_limit": TIME_LIMIT,
    "review_cycle": REVIEW_CYCLE,
    "decided_by": DECIDING_BODY,
    "cadre_level": CADRE_LEVEL,
    "failed_checks": PLAN_CHECK,
    "receiver": CLUE_RECEIVER,
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def choices_text(field: str, allowed: list[str], context: str = "") -> str:
    """'open（整改中）、closed（已销号）' for an enumerated field."""
    table = CHOICES.get(field, {})
    if field == "status":
        table = MEASURE_STATUS if context == "measures" else PROBLEM_STATUS
    return "、".join(f"{v}（{table[v]}）" if v in table else v for v in allowed)


# Item changes read from the git history (history.Kind values), as the timelines and
# `rectify log` print them; "problem" and "measure" name the item the change is about.
CHANGE_KIND = {
    "created": {"problem": "新增问题", "measure": "新增措施"},
    "deleted": {"problem": "删除问题", "measure": "删除措施"},
    "status_changed": {"problem": "状态变更", "measure": "状态变更"},
    "closed": {"problem": "销号", "measure": "销号"},
    "completed": {"problem": "完成", "measure": "完成"},
    "reopened": {"problem": "重新打开", "measure": "重新打开"},
    "withdrawn": {"problem": "撤销", "measure": "撤销"},
    "postponed": {"problem": "延期", "measure": "延期"},
    "deadline_changed": {"problem": "调整时限", "measure": "调整时限"},
    "owner_changed": {"problem": "调整责任人", "measure": "调整责任人"},
    "evidence_added": {"problem": "补充佐证", "measure": "补充佐证"},
    "evidence_removed": {"problem": "删除佐证", "measure": "删除佐证"},
    "closure_rewritten": {"problem": "改写销号信息", "measure": "改写完成信息"},
}
# Any status code an event may carry as its old or new value.
STATUS_WORDS = {**MEASURE_STATUS, **PROBLEM_STATUS}
CHINESE_NUMERALS = "一二三四五六七八九十"

# Item events of the audit trail (history.events.Kind values).
EVENT_KIND = {
    "created": "新增",
    "deleted": "删除",
    "status_changed": "状态变更",
    "closed": "销号",
    "completed": "完成",
    "reopened": "重新打开",
    "withdrawn": "撤销",
    "postponed": "延期",
    "deadline_changed": "调整时限",
    "owner_changed": "调整责任人",
    "evidence_added": "补充佐证",
    "evidence_removed": "删除佐证",
    "closure_rewritten": "已销号事项被修改",
    "accountability_altered": "问责记录被删改",
}

# Fields of a closed problem or done measure, named when an edit rewrites them.
FROZEN_FIELD = {
    "title": "标题",
    "description": "问题描述",
    "category": "问题类别",
    "source": "问题来源",
    "common_code": "共性问题编号",
    "closed_on": "销号日期",
    "withdrawn_reason": "撤销理由",
    "text": "措施内容",
    "deadline": "完成时限",
    "owner": "整改责任人",
    "leader": "责任领导",
    "completed_on": "完成日期",
    "evidence": "佐证材料",
    "measures": "整改措施",
}

# Sign-off states of a change (history.signoff.State values).
SIGNOFF_STATE = {
    "confirmed": "已确认",
    "unconfirmed": "未经审批",
    "self_approved": "自我审批",
    "unknown_reviewer": "审批人不在名单",
    "bad_signature": "签名无效",
    "missing_signature": "缺少签名",
}

# The failure patterns of a ledger (形式主义 in rectification).
PATTERN = {
    "strong_start": "虎头蛇尾",
    "box_ticking": "过关心态",
    "incomplete": "不全面",
    "soft_accountability": "问责偏软",
    "symptoms_only": "标本兼治不够",
    "weak_principal": "主体责任不强",
    "relapse": "改后又犯",
}

# Why a unit is due for 督办 (analyse.supervision rules).
DUBIAN_RULE = {
    "overdue": "措施逾期",
    "plan_late": "整改方案逾期未报送",
    "report_late": "整改报告逾期未报送",
    "no_response": "督办逾期未回复",
    "postponed": "反复延期",
}

# The three-colour warning of a measure, in words (analyse.progress.Colour values).
COLOUR_NAMES = {
    "red": "逾期",
    "yellow": "临期",
    "watch": "关注",
    "green": "正常",
    "done": "已完成",
    "none": "无时限",
}
