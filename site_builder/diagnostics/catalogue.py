"""Every diagnostic code the project can emit, with its severity and Chinese message.

Codes are stable: tools and staff look them up. Never reuse a retired code.
The user docs (docs/diagnostics.md) list every code; a test keeps them in step.

Prefixes: Y file and YAML syntax, S schema, R references across files, D dates,
L ledger logic, P the plan's "three no-pass" rules (三不过), A accountability,
F the inspection team's feedback list,
G sign-offs and receipts, H the git history and changes under review.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    severity: str
    title: str
    template: str


E, W = "error", "warning"

CATALOGUE: dict[str, Entry] = {
    # --- Y: files and YAML syntax -------------------------------------------------
    "Y001": Entry(
        E,
        "YAML 语法错误",
        "YAML 语法错误：{detail}。请检查这一行的缩进、冒号后的空格、引号和括号是否成对。",
    ),
    "Y002": Entry(
        E,
        "重复字段",
        "字段“{key}”重复：第 {first} 行已经写过。请删除其中一处，或把内容合并到一处。",
    ),
    "Y003": Entry(
        E,
        "用了制表符缩进",
        "这一行用制表符（Tab）缩进，YAML 只允许空格。请在编辑器中把 Tab 换成空格"
        "（VS Code：右下角“制表符长度”→“使用空格缩进”，再“将缩进转换为空格”）。",
    ),
    "Y004": Entry(
        W,
        "文件带 BOM",
        "文件以 BOM（字节顺序标记）开头，已照常读取。建议以“UTF-8”（无 BOM）重新保存。",
    ),
    "Y005": Entry(
        E,
        "不是 UTF-8 编码",
        "文件不是 UTF-8 编码（这一行有无法识别的字节）。请在编辑器中以 UTF-8 重新保存"
        "（VS Code：右下角编码 →“通过编码重新打开”选 GB18030 → 再“通过编码保存”选 UTF-8）。",
    ),
    "Y006": Entry(E, "空文件", "文件是空的。请按《数据字段说明》中的示例填写，或删除这个文件。"),
    "Y007": Entry(E, "不支持锚点和别名", "不支持 YAML 锚点和别名（& 和 *）。请把内容直接写出来。"),
    "Y008": Entry(
        E,
        "文件过大",
        "文件过大（{size} 字节，上限 {limit} 字节），为防止恶意输入已拒绝读取。请拆分文件。",
    ),
    "Y009": Entry(E, "无法读取文件", "无法读取文件：{detail}。"),
    "Y010": Entry(E, "不支持类型标签", "不支持显式类型标签“{tag}”。请去掉标签，直接写值。"),
    "Y011": Entry(E, "文件位置不对", "无法识别这个文件：{detail}"),
    "Y012": Entry(
        E,
        "符号链接",
        "这是一个符号链接，指向“{target}”。为防止读到仓库之外的内容，台账数据不能是符号链接，请换成普通文件。",
    ),
    "Y013": Entry(
        E,
        "内容条目过多",
        "文件中的条目（字段、列表项和值）超过 {limit} 个，为防止恶意输入已拒绝读取。请拆分文件。",
    ),
    "Y014": Entry(
        E,
        "含有控制字符",
        "这里有一个不可见的控制字符 {char}，为防止篡改显示内容（如终端控制序列、文字方向反转）已拒绝读取整个文件。"
        "请在编辑器中删除这个字符（VS Code 会把它显示为小方框或红色标记）；文字需要换行时直接换行。",
    ),
    "Y015": Entry(
        E,
        "转义写出了控制字符",
        "带引号的文字中的转义写法“{escape}”表示控制字符 {char}，为防止篡改显示内容已拒绝读取整个文件。"
        "请删除这个转义；文字需要换行时改用“|”多行写法。",
    ),
    # --- S: schema ----------------------------------------------------------------
    "S001": Entry(E, "缺少必填字段", "缺少必填字段“{field}”（{label}）。请补上这一项。"),
    "S002": Entry(E, "未知字段", "未知字段“{field}”。{hint}"),
    "S003": Entry(
        E,
        "类型不对",
        "“{field}”（{label}）应该是{expected}，这里写成了{actual}。请按《数据字段说明》中的示例改写。",
    ),
    "S004": Entry(
        E,
        "日期格式不对",
        "“{field}”（{label}）的日期“{value}”无法识别。请写成“年-月-日”，例如 2020-06-10。",
    ),
    "S005": Entry(E, "取值无效", "“{field}”（{label}）的取值“{value}”无效。可选：{choices}。"),
    "S006": Entry(
        E,
        "编号格式不对",
        "编号“{value}”格式不对。编号只能用英文字母、数字、“-”和“_”，以字母或数字开头，"
        "最长 32 个字符，不能是 CON、NUL、AUX、PRN、COM1、LPT1 等系统保留名，例如 P01、wcjd、r1。",
    ),
    "S007": Entry(
        E, "数字超出范围", "“{field}”（{label}）应为 {low} 到 {high} 的整数，这里写成了“{value}”。"
    ),
    "S008": Entry(E, "内容为空", "“{field}”（{label}）不能为空。请填写内容，或删除这一项。"),
    "S009": Entry(E, "内容无效", "“{field}”（{label}）的内容无效：{detail}。"),
    "S010": Entry(
        E,
        "敏感字段写法不对",
        "sensitive_fields 中的“{path}”{problem}。写法是文件中的字段路径，用“.”连接，列表层不写，"
        "例如 problems.accountability.person（台账）、teams.members（轮次）、cases.body（典型案例）。",
    ),
    # --- R: references across files -----------------------------------------------
    "R001": Entry(E, "单位不在名录中", "单位“{unit}”不在单位名录（rounds/units.yml）中。{hint}"),
    "R002": Entry(
        E, "轮次不存在", "轮次“{round}”不存在（rounds/ 下没有 id 为 {round} 的轮次文件）。{hint}"
    ),
    "R003": Entry(
        E,
        "共性问题编号不存在",
        "共性问题编号“{code}”不在共性问题目录（rounds/common_problems.yml）中。{hint}",
    ),
    "R004": Entry(
        E,
        "编号重复",
        "编号“{id}”重复：{where}已经用过。请换一个新编号（编号一经使用不要改动或复用）。",
    ),
    "R005": Entry(
        E,
        "台账位置与内容不符",
        "台账文件放在 {path}，但内容写的是 round: {round}、unit: {unit}。"
        "台账应放在 ledgers/<轮次>/<单位>.yml，请移动文件或改正这两项。",
    ),
    "R006": Entry(
        E,
        "单位未在该轮被巡察",
        "单位“{unit}”不在轮次“{round}”的被巡察单位中。请核对轮次，或在轮次文件的 teams 中补上该单位。",
    ),
    "R007": Entry(
        E,
        "问题类别不存在",
        "问题类别“{category}”不在设置（rounds/settings.yml）的 categories 中。可选：{choices}。",
    ),
    "R008": Entry(
        E,
        "引用的问题不存在",
        "引用的问题“{ref}”不存在。问题引用写作“轮次/单位/问题编号”，例如 r1/wcjd/P01。",
    ),
    "R009": Entry(
        E,
        "名录与轮次不一致",
        "单位名录与轮次文件不一致：{detail}。请让 rounds/units.yml 的 inspected_in 与轮次文件的 teams 保持一致。",
    ),
    "R010": Entry(
        W,
        "缺少整改台账",
        "单位“{unit}”在轮次“{round}”被巡察，但没有整改台账。请新建 ledgers/{round}/{unit}.yml。",
    ),
    "R011": Entry(
        W,
        "自查不是未巡先改",
        "单位“{unit}”的自查日期 {date} 不早于它被巡察的反馈日期 {feedback}，不属于“未巡先改”。请核对日期或单位。",
    ),
    "R012": Entry(
        E,
        "生成的文件重名",
        "{what}会生成文件 {path}，与{other}的文件同名（不区分大小写），生成站点时会相互覆盖。请换一个编号。",
    ),
    "R013": Entry(
        E,
        "延期审批人不在名单中",
        "措施 {measure} 的延期申请写由“{name}”批准，但审核人名单（rounds/signers.yml）中没有此人。"
        "延期须由名单中的审核人批准，请核对姓名。",
    ),
    "R014": Entry(
        W,
        "延期审批人无权审批该单位",
        "措施 {measure} 的延期申请由“{name}”批准，但名单中此人不负责单位“{unit}”（units 中没有它）。"
        "请由负责该单位的审核人批准，或在 rounds/signers.yml 中补充其负责单位。",
    ),
    "R015": Entry(
        E,
        "问题线索台账位置与内容不符",
        "问题线索台账放在 {path}，但内容写的是 round: {round}。请放在 rounds/clues/{round}.yml，或改正 round。",
    ),
    "R016": Entry(
        E,
        "线索涉及的单位未在该轮被巡察",
        "问题线索 {clue} 涉及的单位“{unit}”不在轮次“{round}”的被巡察单位中。请核对单位编号。",
    ),
    "R017": Entry(
        W,
        "线索关联的被问责人不在问责清单中",
        "问题线索 {clue} 写了被问责人“{person}”，但所关联问题（problems）的问责清单中没有此人。"
        "请核对姓名，或在 problems 中补上对应的问题。",
    ),
    # --- D: dates -----------------------------------------------------------------
    "D001": Entry(
        E, "销号早于反馈", "销号日期 {closed} 早于本单位的巡察反馈日期 {feedback}。请核对日期。"
    ),
    "D002": Entry(
        E, "时限早于反馈", "完成时限 {deadline} 早于本单位的巡察反馈日期 {feedback}。请核对日期。"
    ),
    "D003": Entry(
        E, "完成早于反馈", "完成日期 {done} 早于本单位的巡察反馈日期 {feedback}。请核对日期。"
    ),
    "D004": Entry(E, "结束早于开始", "结束日期 {end} 早于开始日期 {start}。请核对日期。"),
    "D005": Entry(
        E,
        "日期早于反馈",
        "“{field}”（{label}）的日期 {value} 早于本单位的巡察反馈日期 {feedback}。请核对日期。",
    ),
    "D006": Entry(
        E,
        "延期后时限不晚于原时限",
        "措施 {measure} 的延期申请把时限从 {old} 改为 {new}，新时限不晚于原时限，不是延期。请核对日期。",
    ),
    "D007": Entry(
        E,
        "批准早于申请",
        "措施 {measure} 的延期申请批准日期 {approved} 早于申请日期 {requested}。请核对日期。",
    ),
    "D008": Entry(
        E,
        "方案审核日期顺序不对",
        "整改方案第 {n} 次审核：{detail}。请按报送的先后顺序登记，并核对日期。",
    ),
    "D009": Entry(
        E,
        "了结早于移交",
        "问题线索 {clue} 的了结日期 {concluded} 早于移交日期 {handed}。请核对日期。",
    ),
    # --- L: ledger logic ----------------------------------------------------------
    "L001": Entry(
        E,
        "已销号但措施未完成",
        "问题 {problem} 已销号，但措施 {measure} 还没有完成（状态：{status}）。"
        "请先完成该措施，或把问题的 status 改回 open。",
    ),
    "L002": Entry(
        E,
        "完成没有佐证",
        "措施 {measure} 已完成，但没有佐证材料。请在 evidence 下列出佐证材料（会议纪要、制度文件、照片等）。",
    ),
    "L003": Entry(
        E,
        "销号缺少日期",
        "问题 {problem} 已销号（status: closed），但没有销号日期。请填写 closed_on。",
    ),
    "L004": Entry(
        E,
        "未销号却有销号日期",
        "问题 {problem} 填写了销号日期 closed_on，但状态是“{status}”。销号请把 status 改为 closed，否则删除 closed_on。",
    ),
    "L005": Entry(
        E,
        "完成缺少日期",
        "措施 {measure} 已完成（status: done），但没有完成日期。请填写 completed_on。",
    ),
    "L006": Entry(
        E,
        "撤销没有理由",
        "{item} 已撤销（status: withdrawn），但没有写明理由。请在 withdrawn_reason 中说明。",
    ),
    "L007": Entry(
        E,
        "共性问题缺少编号",
        "问题 {problem} 的来源是“共性问题”，但没有填写 common_code（共性问题编号）。",
    ),
    "L008": Entry(
        E,
        "未完成却有完成日期",
        "措施 {measure} 填写了完成日期 completed_on，但状态是“{status}”。完成请把 status 改为 done，否则删除 completed_on。",
    ),
    "L009": Entry(
        E,
        "销号没有佐证",
        "问题 {problem} 已销号，但没有任何佐证材料。销号必须有佐证材料，请在已完成措施的 evidence 中列出。",
    ),
    "L030": Entry(
        E,
        "销号日期在未来",
        "{item} 的销号（完成）日期 {day} 晚于 {today}：事项还没有完成就登记了销号。"
        "请改为实际完成的日期，或等完成后再销号。",
    ),
    "L031": Entry(
        E,
        "更正的问责记录序号不对",
        "第 {number} 条问责记录的 supersedes 写的是 {target}，应是它前面某一条记录的序号（从 1 起）。",
    ),
    "L032": Entry(
        E,
        "更正问责记录没有理由",
        "第 {number} 条问责记录更正了前面的记录，但没有写理由。请在 correction_reason 中写明更正理由。",
    ),
    "L010": Entry(
        W,
        "立行立改超期",
        "措施 {measure} 为立行立改，应在 {window} 前完成（反馈后 {days} 天内），{detail}。"
        "立行立改超期视同逾期，请尽快完成，或经批准改为限期整改（time_limit: deadline）。",
    ),
    "L011": Entry(
        E,
        "阶段性完成只适用于长期坚持",
        "措施 {measure} 的状态是“阶段性完成”（stage_done），但整改时限不是长期坚持。"
        "请把 time_limit 改为 long_term，或把 status 改为 done。",
    ),
    "L012": Entry(
        W,
        "延期未经批准",
        "过关心态：措施 {measure} 的完成时限由 {old} 推迟到 {new}，但延期申请没有批准人和批准日期。"
        "未经批准的延期计入“过关心态”，预警仍按 {old} 计算。请补充 approved_by 和 approved_on。",
    ),
    "L013": Entry(
        E,
        "完成时限与延期申请不符",
        "措施 {measure} 的最后一次延期申请延至 {new}，但 deadline 写的是 {deadline}。"
        "延期时请同时修改 deadline，并在 postponements 中登记延期申请。",
    ),
    "L014": Entry(
        W,
        "线索了结没有写明结果",
        "问题线索 {clue} 已了结（status: concluded），但没有写明办理结果或了结日期。"
        "请填写 outcome 和 concluded_on。",
    ),
    # --- P: the plan's three no-pass rules (三不过) --------------------------------
    "P001": Entry(
        E,
        "任务有漏项",
        "任务有漏项：问题 {problem} 没有整改措施。每个问题至少要有一条措施（measures）。",
    ),
    "P002": Entry(
        E,
        "措施不具体：没有时限",
        "措施不具体：措施 {measure} 没有完成时限。请填写 deadline，例如 2020-06-30。",
    ),
    "P003": Entry(
        E,
        "措施不具体：没有责任人",
        "措施不具体：措施 {measure} 没有责任人。请填写 owner（具体到人）。",
    ),
    "P004": Entry(
        E,
        "措施不具体：内容笼统",
        "措施不具体：措施 {measure} 的内容“{text}”过于笼统。请写明做什么、怎么做、达到什么标准。",
    ),
    "P005": Entry(
        E, "方向不明确", "方向不明确：整改方案没有写明整改目标。请在 plan 下填写 objective。"
    ),
    "P006": Entry(
        W, "缺少责任领导", "措施 {measure} 没有责任领导。整改责任应落实到班子成员，请填写 leader。"
    ),
    "P007": Entry(
        E,
        "措施不具体：长期坚持没有阶段性时限",
        "措施不具体：措施 {measure} 为长期坚持，但没有阶段性目标的完成日期。"
        "请填写 stage_due（例如 2021-06-30）和 stage_goal（阶段性目标）。",
    ),
    "P008": Entry(
        W,
        "长期坚持缺少长效机制",
        "问题 {problem} 的措施 {measure} 为长期坚持，但问题没有长效机制。"
        "请在 mechanisms 中写明保障长期坚持的制度。",
    ),
    "P009": Entry(
        W,
        "立行立改时限过长",
        "措施 {measure} 为立行立改，但完成时限 {deadline} 距反馈日期 {feedback} 超过 {days} 天。"
        "请把时限提前，或改为限期整改（time_limit: deadline）。",
    ),
    "P010": Entry(
        W,
        "长期坚持缺少复查周期",
        "措施 {measure} 为长期坚持，但没有写明复查周期。请填写 review_cycle"
        "（monthly 每月、quarterly 每季度、half_yearly 每半年、yearly 每年）。",
    ),
    "P011": Entry(
        E,
        "方案审核写了两处",
        "整改方案同时写了 review 和 reviews。请把 review 的内容并入 reviews（每次报送和审核一项），"
        "删除 review。",
    ),
    "P012": Entry(
        W,
        "退回没有写明未通过事项",
        "整改方案第 {n} 次审核的结果是退回，但没有写明未通过的事项。请在 failed_checks 中写明"
        "（方向不明确、任务有漏项、措施不具体）。",
    ),
    "P013": Entry(
        W,
        "方案退回后未重新报送",
        "整改方案 {date} 被退回，{detail}。请尽快修改后重新报送，并在 reviews 中登记新的报送和审核。",
    ),
    "P014": Entry(
        W,
        "审核通过却有未通过事项",
        "整改方案第 {n} 次审核的结果是通过，但 failed_checks 写了“{checks}”。请核对审核结果。",
    ),
    # --- A: accountability --------------------------------------------------------
    "A001": Entry(
        W,
        "问责偏轻偏软",
        "问责偏轻偏软：问题 {problem} 只追究了直接责任，没有追究领导责任。"
        "如确无领导责任，请在 leadership_exempt_reason 中写明理由。",
    ),
    "A002": Entry(
        W,
        "超出干部管理权限",
        "干部管理权限：对 {person}（{level}）的问责由“{body}”决定，但{level}的问责应由{allowed}决定。"
        "请核对决定机关（decided_by）或干部管理层级（cadre_level）。",
    ),
    "A003": Entry(
        W,
        "问责缺少决定机关",
        "对 {person} 的问责没有写明{missing}。请补充 decided_by（决定机关，如 区纪委监委、区委组织部、"
        "单位党组织）和 cadre_level（干部管理层级，如 区管干部、单位管理干部），以便核对干部管理权限。",
    ),
    # --- F: the inspection team's feedback list (巡察反馈问题清单) -------------------------
    "F001": Entry(
        E,
        "任务有漏项",
        "任务有漏项：巡察反馈问题 {item}（{text}）在整改台账中没有对应的问题{detail}。"
        "整改方案报送时限 {due} 已过。请在台账中新增问题，或在已有问题的 answers 中写上 {item}。",
    ),
    "F002": Entry(
        W,
        "任务有漏项（方案尚未到期）",
        "任务有漏项：巡察反馈问题 {item}（{text}）在整改台账中还没有对应的问题{detail}。"
        "整改方案须在 {due} 前报送，届时仍未对应即为错误。请在问题的 answers 中写上 {item}。",
    ),
    "F003": Entry(
        E,
        "对应的反馈问题不存在",
        "问题 {problem} 的 answers 写了“{item}”，但反馈问题清单 {list} 中没有这一项。{hint}",
    ),
    "F004": Entry(
        W,
        "未注明对应的反馈问题",
        "问题 {problem} 来源是巡察反馈，但没有写 answers。请对照反馈问题清单 {list} 写上它所整改的"
        "反馈问题编号，例如 answers: [F03]；本单位自己查找的问题请把 source 改为 self（自查）。",
    ),
    "F005": Entry(
        W,
        "没有反馈问题清单",
        "问题 {problem} 写了 answers，但 {list} 不存在，无法对账。请巡察办录入该单位的反馈问题清单。",
    ),
    "F006": Entry(
        E,
        "反馈问题清单位置与内容不符",
        "反馈问题清单放在 {path}，但内容写的是 round: {round}、unit: {unit}。"
        "反馈问题清单应放在 rounds/feedback/<轮次>/<单位>.yml，请移动文件或改正这两项。",
    ),
    "F007": Entry(
        E,
        "反馈对象未在该轮被巡察",
        "反馈问题清单的单位“{unit}”不在轮次“{round}”的被巡察单位中。请核对轮次和单位。",
    ),
    "F008": Entry(
        W,
        "录入的巡察组不符",
        "反馈问题 {item} 的巡察组“{team}”不是轮次 {round} 中巡察该单位的巡察组（{expected}）。请核对。",
    ),
    "F009": Entry(
        W,
        "反馈问题清单为空",
        "反馈问题清单 {list} 没有反馈问题（items）。请按巡察反馈意见逐项录入。",
    ),
    "F010": Entry(
        W,
        "自查问题写了对应的反馈问题",
        "问题 {problem} 的来源是“{source}”，却在 answers 中写了反馈问题 {items}。"
        "整改巡察反馈问题的，请把 source 改为 feedback；否则删除 answers。",
    ),
    "F011": Entry(
        E,
        "反馈问题编号重复",
        "反馈问题编号“{item}”重复：{where}已经用过。反馈问题编号一经使用不要改动或复用。",
    ),
    # --- G: receipts and sign-offs -------------------------------------------------
    "G001": Entry(
        E,
        "签字背书不全",
        "单位“{unit}”的反馈签收单缺少{role}的签字。签字背书需要被巡察单位主要负责人、"
        "巡察组组长、巡察办主任三方签字，请在 receipt 中补上姓名和日期。",
    ),
    "G002": Entry(
        E,
        "整改报告未经审核",
        "整改报告已提交，但缺少{department}的审核签字。整改报告须经纪检机关、组织部门审核签字后报送，"
        "请在 report.reviewers 中补上。",
    ),
    "G010": Entry(
        E,
        "签名公钥无法读取",
        "签字人名单中{owner}的{kind}无法读取：{detail}。这把密钥签的提交一律不予确认。"
        "请从密钥持有人处重新导出公钥（SSH 公钥为“ssh-ed25519 AAAA……”一行；OpenPGP 公钥用 "
        "gpg --armor --export 导出，以 -----BEGIN PGP PUBLIC KEY BLOCK----- 开头，用“|”写成多行文字）。",
    ),
    "G011": Entry(
        E,
        "平台密钥缺少公钥",
        "平台签名密钥“{name}”既没有 ssh_key 也没有 gpg_key。请填写平台用于签名合并提交的公钥"
        "（GitHub 网页合并为 OpenPGP 公钥，Gitea/Forgejo 为实例的签名公钥），或删除这一项。",
    ),
    "G012": Entry(
        E,
        "同一公钥登记给多人",
        "同一把{kind}同时登记给了{first}和{second}。签名只能证明密钥持有人，"
        "一把密钥只能属于一个签字人或一个平台，请核实后删除多余的一处。",
    ),
    # --- H: history and changes under review ----------------------------------------
    "H001": Entry(
        E,
        "删除了问题或措施",
        "删除了{item}（{title}）。台账只增不删：不再整改的事项请改为 status: withdrawn，"
        "并在 withdrawn_reason 中写明理由。",
    ),
    "H002": Entry(
        E,
        "改写已销号事项",
        "{item} 已销号（完成），本次修改改写了它的{what}（“{old}”→“{new}”）。"
        "如需更正，请先把状态改回未完成（重新打开），经审批后再重新销号。",
    ),
    "H003": Entry(
        E,
        "销号没有佐证",
        "本次修改把 {item} 销号（完成），但没有佐证材料。请在 evidence 中列出佐证材料。",
    ),
    "H004": Entry(
        W,
        "历史版本无法解析",
        "提交 {commit} 中的这个台账版本无法解析（{detail}），该版本的变更已跳过。",
    ),
    "H005": Entry(
        W,
        "历史不完整",
        "无法读取完整的 git 历史：{detail}。站点照常生成，但销号的审批签字无法确认。"
        "请用完整克隆（git clone 不加 --depth）构建。",
    ),
    "H006": Entry(
        W,
        "佐证文件已删除",
        "{item} 的佐证材料“{title}”引用的文件 {path} 已在提交 {commit}（{date}）中从仓库删除。"
        "佐证材料是销号的依据，请恢复该文件；如确需更换，请在 evidence 中改写并说明原因。",
    ),
    "H007": Entry(
        W,
        "签字人名单的修改未生效",
        "提交 {commit} 修改了签字人名单，但这次修改没有经过名单中原有的、有权审批治理文件的"
        "审批人审批（{reason}），修改未生效，仍按原名单判断审批。请由巡察办或纪委监委的审批人"
        "审批合并这次修改。",
    ),
    "H008": Entry(
        W,
        "签字人名单的历史版本无法解析",
        "提交 {commit} 中的签字人名单无法解析（{detail}），这一版本未生效，仍按原名单判断审批。",
    ),
    "H009": Entry(
        E,
        "销号日期晚于记录日期",
        "{item} 的销号（完成）日期 {day} 晚于记录它的提交日期 {recorded}：事项还没有完成就登记了销号。"
        "请改为实际完成的日期，或等完成后再销号。",
    ),
    "H011": Entry(
        E,
        "删改了问责记录",
        "{item} 的问责记录“{entry}”被删除或改动。问责记录只增不删：更正请新增一条记录，"
        "用 supersedes 写明被更正记录的序号（从 1 起），并在 correction_reason 中写明理由。",
    ),
    "H012": Entry(
        E,
        "撤销已销号事项没有理由",
        "本次修改撤销了已销号（完成）的 {item}，但没有写撤销理由。请在 withdrawn_reason 中写明理由。",
    ),
    "H013": Entry(
        E,
        "治理文件的修改未经有权审批人审批",
        "本次修改改动了治理文件 {paths}（{reason}）。签字人名单、设置、评估细则、CODEOWNERS "
        "和工作流程的修改，须由修改前名单中角色为{roles}的审批人审批合并，且审批人不能是修改人，"
        "也不能是这次修改新增的人。",
    ),
    # Provenance and the build lock (issue 12): messages of `rectify build`, not of a file.
    "H030": Entry(
        E,
        "历史被改写",
        "{label}的站点来自提交 {commit}{gone}（生成于 {built_at}），但它已不在当前 HEAD {head} "
        "的历史中：仓库历史可能被改写过（强制推送、变基或重置），已销号事项的修改记录和审批可能随之改变。"
        "已停止生成，原站点保持不变。请先查明原因；确认无误后加 --acknowledge-rewrite "
        "--reason “理由”（及 --by 确认人）重新生成，这次确认会记录在站点中（概览页和 build-info.json）。",
    ),
    "H031": Entry(
        E,
        "发布记录无法读取",
        "无法读取上次发布的站点记录（{detail}）。读不到发布记录，就无法确认仓库历史没有被改写，"
        "已停止生成。请检查 --last-published 给出的地址（应为已发布站点的 build-info.json）和网络；"
        "确认发布记录确已损坏的，可加 --acknowledge-rewrite --reason “理由” 重新生成，"
        "这次确认会记录在站点中。",
    ),
    "H032": Entry(
        W,
        "没有发布记录",
        "这里没有上次发布的站点记录（build-info.json），按首次发布处理，本次不做历史改写检查。"
        "如果站点此前已经发布过，请核对 --last-published 给出的地址。",
    ),
    "H033": Entry(
        W,
        "上次生成记录无法读取",
        "构建目录中上次生成的站点记录无法读取（{detail}），已忽略，本次只按其他记录检查历史改写。",
    ),
    "H034": Entry(
        E,
        "另一次生成正在进行",
        "构建目录 {out} 正由另一次生成使用（{holder}），已等待 {waited} 秒仍未结束，本次未生成，"
        "原站点保持不变。请等那次生成结束后重试，或用 --wait 设定更长的等待时间（秒）。",
    ),
    "H035": Entry(
        E,
        "历史改写确认不完整",
        "加 --acknowledge-rewrite 时须写明{missing}：确认会记录在站点中，说明谁在何时、"
        "因何确认了历史改写。请加 --reason “理由”，并用 --by 写明确认人"
        "（未写 --by 时取 git 的 user.name）。",
    ),
    "H036": Entry(
        E,
        "当前提交早于上次站点",
        "当前 HEAD {head} 比{label}的站点所依据的提交 {commit}（生成于 {built_at}）更早，已停止生成，"
        "原站点保持不变：用较早的提交覆盖较新的站点，读者会看到过时的台账。如果只是在较早的提交上生成，"
        "请改在最新的提交上生成（CI 中重新运行最新一次的发布），或用 --out 另选构建目录；"
        "如果是 main 被重置回了较早的提交，这也是历史改写，查明原因后加 --acknowledge-rewrite "
        "--reason “理由”（及 --by 确认人）重新生成，这次确认会记录在站点中。",
    ),
    # --- E: evaluation (八查) records and rubric -------------------------------------
    # (issue 5 adds its codes here)
    "E001": Entry(
        E,
        "权重合计不是 100",
        "评估细则“{name}”八查的权重（weight）合计为 {total}，应为 100。请调整各项检查的权重，使合计正好是 100。",
    ),
    "E002": Entry(
        E,
        "检查编号无效",
        "检查编号“{code}”无效。八查的编号是 1 到 8：1 主要领导重视、2 会议记录、3 整改台账、4 责任追究、"
        "5 佐证材料和实地情况、6 长效机制、7 创新工作、8 群众满意度。",
    ),
    "E003": Entry(
        E,
        "八查不全或重复",
        "{detail}。评估细则应包含第 1 至第 8 查各一项；某项暂不计分时把它的 weight 写成 0，不要删除。",
    ),
    "E004": Entry(
        E,
        "评分项分值与权重不符",
        "第 {code} 查“{name}”各评分项的分值（points）合计为 {total}，与该项检查的权重 {weight} 不一致。请调整评分项分值。",
    ),
    "E005": Entry(E, "评分项设置无效", "评分项“{item}”设置无效：{detail}"),
    "E006": Entry(
        E,
        "等次划分无效",
        "等次划分（grades）无效：{detail}。等次按最低分从高到低排列，最后一档最低分为 0，"
        "例如：好 90、较好 80、一般 60、差 0。",
    ),
    "E007": Entry(
        E,
        "单位未在该轮被巡察",
        "评估记录写的是单位“{unit}”在轮次“{round}”的整改，但该轮没有巡察这个单位。"
        "请核对 round 和 unit：量化检查评估针对的是被巡察单位对该轮巡察反馈问题的整改。",
    ),
    "E008": Entry(
        E,
        "评估记录位置与内容不符",
        "评估记录放在 {path}，但内容写的是 round: {round}、unit: {unit}。"
        "评估记录应放在 rounds/evaluations/<轮次>/<单位>.yml，请移动文件或改正这两项。",
    ),
    "E009": Entry(
        E,
        "评分超出范围",
        "评分项 {item}（{name}）的得分 {score} 超出范围：应在 0 到 {points} 分之间。请按评分标准重新评分。",
    ),
    "E010": Entry(E, "评分项不存在", "judgements 中的评分项“{item}”{detail}"),
    "E011": Entry(
        E,
        "数量为负数",
        "“{field}”（{label}）是 {value}，不能为负数。请填写实际的票数、件数或事项数。",
    ),
    "E012": Entry(
        E,
        "办结数大于总数",
        "{what}：{done_label} {done} 大于 {total_label} {total}。请核对这两个数。",
    ),
    "E013": Entry(
        W,
        "评估早于整改期满",
        "评估日期 {date} 早于集中整改期满日 {due}（反馈日期 {feedback} 后 {days} 天）。"
        "量化检查评估应在集中整改期满、整改报告报送后开展，请核对日期。",
    ),
    "E014": Entry(
        E,
        "缺少评估人员",
        "评估记录没有填写评估人员（evaluators）。请逐行写明参加评估的人员和单位，例如“程志刚（区委巡察办）”。",
    ),
    "E015": Entry(
        W,
        "评分项未评分",
        "评分项 {item}（{name}）需要评估组评分，但 judgements 中没有它，暂按 0 分计。请补上得分（score）和理由（note）。",
    ),
    "E016": Entry(
        E,
        "重复评分",
        "评分项 {item} 评了两次：{where}已经评过。请删除其中一处。",
    ),
    "E017": Entry(
        E,
        "缺少评估细则",
        "有 {count} 份评估记录，但没有评估细则，无法计分。请建立 rounds/evaluations/rubric.yml（可从示例区复制后修改）。",
    ),
    "E018": Entry(
        W,
        "缺少评估录入",
        "没有录入{what}，{item} 按 0 分计。请补上：{fix}",
    ),
    "E019": Entry(
        E,
        "通报引用的案例不存在",
        "通报引用的典型案例“{case}”不存在（rounds/cases/ 下没有这个编号的案例）。{hint}",
    ),
    # --- X: spreadsheets (Excel import) ---------------------------------------------
    # Sheet, row and column are in the message as well as in the location, because the
    # location of an X code is the workbook, which staff open in Excel, not an editor.
    "X001": Entry(
        E,
        "无法读取表格",
        "无法读取表格文件：{detail}。请确认是 .xlsx 文件（Excel 2007 及以上；.xls 或 .et 文件请先“另存为”.xlsx）。",
    ),
    "X002": Entry(
        E,
        "没有这个工作表",
        "工作簿中没有名为“{sheet}”的工作表。现有工作表：{sheets}。请检查 --sheet 的写法。",
    ),
    "X003": Entry(
        E,
        "找不到表头",
        "工作表“{sheet}”的前 {rows} 行中找不到台账表头。表头应有“存在问题”“整改措施”等列名"
        "（可用的列名见《Excel 导入导出》）；台账在别的工作表时，请用 --sheet 指定。",
    ),
    "X004": Entry(
        E,
        "缺少必填列",
        "工作表“{sheet}”第 {row} 行（表头）缺少“{column}”列（也可写作：{synonyms}）。"
        "请在表头加上这一列并填写内容。",
    ),
    "X005": Entry(
        E,
        "表头重复",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：列名“{header}”与第 {other} 列都表示“{field}”，无法确定用哪一列。"
        "请删除或改名其中一列。",
    ),
    "X006": Entry(
        E,
        "日期无法识别",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：日期“{value}”无法识别。请写成 2020-09-30、2020年9月30日、2020.9.30 或 2020/9/30，"
        "或把单元格设为日期格式。",
    ),
    "X007": Entry(
        E,
        "时限不是具体日期",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：“{value}”不是具体日期。“三不过”要求限期整改的措施有完成时限："
        "请填写日期（如 2020-12-31）；立行立改、长期坚持可直接写这几个字，长期坚持的阶段性日期写在“阶段性时限”列。",
    ),
    "X008": Entry(
        E, "问题为空", "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：问题为空：{detail}。"
    ),
    "X009": Entry(
        E,
        "合并单元格不对应",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：{detail}。一个问题占几行时，问题的各列（序号、问题类别、存在问题等）合并为一格并与这几行对齐；"
        "一条措施只占一行；不同的列不要横向合并。",
    ),
    "X010": Entry(
        E,
        "取值无法识别",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：“{value}”无法识别。可填写：{choices}。",
    ),
    "X011": Entry(
        E,
        "必填内容为空",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：{what}不能为空。{hint}",
    ),
    "X012": Entry(
        W,
        "进展没有状态词",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：“{value}”开头没有状态词，已按“{status}”导入。如不对，请在开头写明“已完成”“推进中”或“未开始”，"
        "例如“已完成：制度已印发”。",
    ),
    "X013": Entry(
        E,
        "编号无法识别",
        "工作表“{sheet}”第 {row} 行第 {letter} 列（{column}）：“{value}”无法转换为编号。请写数字（如 3）或编号（如 P03、M2）。",
    ),
    "X014": Entry(
        W,
        "列未导入",
        "工作表“{sheet}”第 {row} 行第 {letter} 列：列名“{header}”不是台账的列，这一列没有导入。"
        "需要保留的内容请并入“整改进展”等列（可用的列名见《Excel 导入导出》）。",
    ),
    "X015": Entry(
        E,
        "没有问题",
        "工作表“{sheet}”的表头（第 {row} 行）下面没有问题。请检查表格内容，或用 --sheet 指定台账所在的工作表。",
    ),
    "X016": Entry(
        E,
        "无法确定轮次或单位",
        "无法从表格标题判断{what}（标题：“{title}”）。请用 {flag} 指定，例如 {example}。",
    ),
    "X017": Entry(
        E,
        "台账已存在",
        "{path} 已存在，导入会整个替换它。确认替换请加 --force；建议先用 rectify export-xlsx "
        "导出现有台账，在导出的表格上修改后再导入，这样表格之外的内容不会丢失。",
    ),
    "X018": Entry(
        E,
        "表格部件解压后过大",
        "表格压缩包中的部件“{part}”解压后有 {size} 字节，超过上限 {limit} 字节，为防止恶意构造的文件耗尽内存已拒绝读取。"
        "整改台账通常远小于此；请确认文件来源，或把台账拆成几个文件。",
    ),
    "X019": Entry(
        E,
        "表格压缩比异常",
        "表格压缩包中的部件“{part}”压缩前后相差 {ratio} 倍（上限 {limit} 倍），"
        "不是正常表格的样子（可能是“压缩炸弹”），已拒绝读取。请确认文件来源，用 Excel 或 WPS 打开后重新“另存为”.xlsx。",
    ),
    "X020": Entry(
        E,
        "表格部件过多",
        "表格压缩包中有 {count} 个部件（上限 {limit} 个），已拒绝读取。请确认文件来源，用 Excel 或 WPS 打开后重新“另存为”.xlsx。",
    ),
    "X021": Entry(
        E,
        "表格解压后合计过大",
        "表格压缩包解压后合计 {size} 字节，超过上限 {limit} 字节，已拒绝读取。请删除表格中的图片和无关工作表，或把台账拆成几个文件。",
    ),
    "X022": Entry(
        E,
        "表格压缩包结构异常",
        "表格压缩包的结构异常：{detail}。正常保存的表格不会这样，已拒绝读取。"
        "请确认文件来源，用 Excel 或 WPS 打开后重新“另存为”.xlsx。",
    ),
    "X023": Entry(
        E,
        "表格含有实体声明",
        "表格压缩包中的部件“{part}”含有 XML 文档类型声明或实体声明（DOCTYPE、ENTITY），"
        "Excel 和 WPS 不会写出这些内容，它们可被用来耗尽内存或读取本机文件，已拒绝读取。请确认文件来源。",
    ),
    "X024": Entry(
        E,
        "工作表内容过多",
        "表格压缩包中的部件“{part}”有 {count} 个{what}（上限 {limit} 个），读取会耗尽内存，已拒绝读取。"
        "请删除空白行列中的格式和多余的合并单元格，或把台账拆成几个文件。",
    ),
    "X025": Entry(
        E,
        "单元格是公式",
        "工作表“{sheet}”第 {row} 行第 {letter} 列：单元格是公式（{formula}），不是录入的内容。"
        "公式的结果可能没有重新计算或来自隐藏的单元格，不能作为台账内容导入。"
        "请选中这些单元格，复制后“选择性粘贴”→“数值”，保存后重新导入。",
    ),
    "X026": Entry(
        E,
        "单元格含有控制字符",
        "工作表“{sheet}”第 {row} 行第 {letter} 列：第 {index} 个字符是不可见的控制字符 {char}，"
        "为防止篡改显示内容（如终端控制序列、文字方向反转）已拒绝导入。请删除这个字符后重新导入"
        "（可在单元格中重新输入这段文字，或用 CLEAN 函数清除后粘贴为数值）。",
    ),
    "X027": Entry(
        E,
        "工作表名称含有控制字符",
        "工作表名称“{sheet}”的第 {index} 个字符是不可见的控制字符 {char}，已拒绝导入。请重命名这个工作表。",
    ),
    "X028": Entry(
        E,
        "更多单元格未列出",
        "工作表“{sheet}”中另有 {count} 个单元格有同样的问题（{what}），未逐一列出。请一并修改后重新导入。",
    ),
    # (issue 6 adds its codes here)
    # --- C: confidentiality (audiences, public disclosure, publishing) ----------------
    "C001": Entry(
        W,
        "正文中出现被问责人姓名",
        "“{field}”中出现被问责人姓名“{name}”。公开版会改写为“{masked}”，但内部版和"
        "单位版照常显示；如无必要，请改写为不含姓名的表述（如“相关责任人”）。",
    ),
    "C002": Entry(
        E,
        "生成范围中的单位不存在",
        "--audience 中的单位编号 {units} 不在单位名录中，未生成站点。"
        "请对照 rounds/units.yml 中的 id 填写，如 unit:wcjd。",
    ),
    "C003": Entry(
        E,
        "工作流会把非公开版发布到公网",
        "{job}任务会发布到公网（{target}），但{reason}。公网只能发布公开版："
        "在生成站点时加 --audience public，或改为发布到内网服务器（见《发布与公开》）。",
    ),
    "C010": Entry(
        W,
        "公开通报没有监督方式",
        "公开版的整改情况公开通报没有刊印任何监督方式（监督电话、电子邮箱、通讯地址）。"
        "请在 rounds/settings.yml 的 disclosure 下填写 phone、email、address（见《发布与公开》）。",
    ),
    # --- V: supervision (督办) records and the data export --------------------------
    "V001": Entry(
        E,
        "督办记录的轮次不存在",
        "督办记录所属轮次“{round}”在 rounds/ 下没有对应的轮次文件。请改为已有的轮次编号（如 r3）。",
    ),
    "V002": Entry(
        E,
        "督办记录文件名与轮次不符",
        "文件名应与其中的 round（“{round}”）一致，即 rounds/supervision/{round}.yml。请改文件名或 round。",
    ),
    "V003": Entry(
        E,
        "督办对象不是该轮被巡察单位",
        "督办对象“{unit}”不是轮次“{round}”的被巡察单位。请核对单位编号（见 rounds/units.yml 和轮次文件）。",
    ),
    "V004": Entry(
        E,
        "督办事项在台账中不存在",
        "督办事项“{item}”在 {ledger} 的台账中找不到。请写问题编号（如 P03）、措施编号（如 P03/M1），"
        "或 plan（整改方案）、report（整改报告）。",
    ),
    "V005": Entry(
        E,
        "督办日期先后颠倒",
        "{what}（{later}）早于督办日期（{date}）。请核对日期。",
    ),
    "V006": Entry(
        E,
        "督办文号重复",
        "文号“{number}”已在第 {first} 行使用。一个文号只能对应一份督办通知或通报，请改正。",
    ),
    "V007": Entry(
        W,
        "督办通知没有文号",
        "{kind}没有填写文号（number）。正式印发的督办通知、通报应有文号，如 区巡办督〔2020〕3号。",
    ),
    "V008": Entry(
        W,
        "督办通知没有回复时限",
        "督办通知没有填写回复时限（response_due），到期未回复时无法提示再次督办。",
    ),
    "V020": Entry(
        E,
        "数据导出版本过新",
        "数据导出文件 {path} 的格式版本为 {found}，本程序只能读取 {supported} 及以下版本。"
        "请升级 rectify 后再读取，或请对方用与本程序相同版本的 rectify 重新导出。",
    ),
    "V021": Entry(
        E,
        "不是数据导出文件",
        "{path} 不是 rectify 的数据导出文件：{detail}。请使用网站 data/export.json 下载的文件。",
    ),
    # --- V030–V039: the city's view (rectify aggregate --city) ----------------------
    "V030": Entry(
        E,
        "区的数据来源不存在",
        "{district}的数据来源 {source} 不存在，本区未汇总，其他区照常汇总。"
        "请检查城市设置中的 path（相对于设置文件所在目录）或 export 是否写对。",
    ),
    "V031": Entry(
        E,
        "区的数据导出无法读取",
        "{district}的数据导出 {source} 无法读取：{detail}。本区未汇总，其他区照常汇总。"
        "请重新生成该区网站（rectify build），或改用该区网站上的 data/export.json。",
    ),
    "V032": Entry(
        E,
        "区的数据导出版本过新",
        "{district}的数据导出 {source} 格式版本为 {found}，本程序只能读取 {supported} 及以下版本，"
        "本区未汇总。请升级市里使用的 rectify，或请该区用相同版本重新生成。",
    ),
    "V033": Entry(
        E,
        "区的台账仓库生成失败",
        "{district}的台账仓库 {source} 没有现成的数据导出，另起进程生成网站时失败：{detail}。"
        "本区未汇总。请在该区仓库运行 rectify validate 查看错误。",
    ),
    "V034": Entry(
        E,
        "区的台账仓库无法取得",
        "{district}的台账仓库 {source} 无法克隆或更新：{detail}。本区未汇总。"
        "请检查地址、网络和访问权限。",
    ),
    "V035": Entry(
        E,
        "区的数据导出无法下载",
        "{district}的数据导出 {source} 无法下载：{detail}。本区未汇总，其他区照常汇总。",
    ),
    "V036": Entry(
        E,
        "区编号重复",
        "区编号“{id}”与第 {first} 行重复。每个区的 id 须不同（用作城市网站中的目录名）。",
    ),
    "V037": Entry(
        E,
        "区的数据来源写法有误",
        "{district}写了 {count} 个数据来源。path（网站目录或台账仓库）、git（仓库地址）、"
        "export（数据导出文件或网址）须写且只写一个。",
    ),
    "V038": Entry(
        W,
        "区名称与数据导出不符",
        "城市设置中的“{name}”与其数据导出中的区名“{exported}”不同，页面按城市设置显示。"
        "请确认 path 或 export 指向的是这个区。",
    ),
    "V039": Entry(
        W,
        "各区统计日期不同",
        "{district}的数据统计截至 {as_of}，与多数区（截至 {common}）不同，并列比较时请注意。"
        "请该区按同一日期重新生成，或在设置中写明 as_of。",
    ),
}
