"""Excel and the office's newer fields: 整改时限 words, repeated problem rows, and a round
trip of a ledger that uses every new field (answers, kinds, stages, postponements, bodies)."""

from __future__ import annotations

from datetime import date

from test_records_rules import SIGNERS
from test_sheets import EPOCH, HEADER, W, ledger_of, make_workbook, same, serial

from site_builder.load import load_project
from site_builder.sheets import import_xlsx, ledger_workbook, read_workbook

assert EPOCH  # the same 1900 date system as test_sheets

# fmt: off
OFFICE = [
    ["坞城街道党工委巡察整改台账"],
    HEADER,
    [1, "作风建设", "公务用车管理不规范", "立即清理公车私用，收回借出的2辆执法车",
     "李建军（办事处主任）", "党政办", "王芳", "立行立改", "已完成（2017年7月20日）",
     "车辆收回登记表", None],
    # The same problem again: its 序号 repeated on the next measure's row.
    [1, "作风建设", "公务用车管理不规范", "建立公务用车使用登记台账，每月在公示栏公示",
     "李建军（办事处主任）", "党政办", "王芳", serial(date(2017, 9, 30)), "推进中", None, None],
    [2, "党的领导", "“三重一大”事项未经集体研究", "每季度由纪工委检查“三重一大”议题执行情况",
     "刘志强（党工委书记）", "纪工委", "赵敏", "长期坚持（2017年12月31日前阶段性完成）",
     "阶段性完成（2017年12月28日）：第三季度检查已完成", "检查通报", None],
    # No 序号, the same text as problem 2: a further measure of it.
    [None, "党的领导", "“三重一大”事项未经集体研究", "修订《“三重一大”决策制度实施办法》",
     "刘志强（党工委书记）", "党政办", "张明", "2017年11月30日", "推进中", None, None],
]
# fmt: on


def test_office_sheet_with_time_limit_words_and_repeated_rows(make_repo, tmp_path) -> None:
    root = make_repo({W: None})
    book = make_workbook(tmp_path / "坞城街道整改台账.xlsx", {"台账": OFFICE})
    result = import_xlsx(root, book)
    assert result.written, [d.as_text() for d in result.diagnostics]
    problems = ledger_of(root).problems
    assert [(p.id, len(p.measures)) for p in problems] == [("P01", 2), ("P02", 2)]
    quick, dated = problems[0].measures
    assert (quick.time_limit, quick.deadline, quick.status) == ("immediate", None, "done")
    assert (dated.time_limit, dated.deadline) == ("deadline", date(2017, 9, 30))
    ongoing, revised = problems[1].measures
    assert ongoing.time_limit == "long_term" and ongoing.deadline is None
    assert ongoing.stage_due == date(2017, 12, 31)
    assert (ongoing.status, ongoing.completed_on) == ("stage_done", date(2017, 12, 28))
    assert [m.id for m in problems[1].measures] == ["M1", "M2"]
    assert revised.deadline == date(2017, 11, 30)


EVERY_FIELD = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改并建立长效机制
  submitted_on: 2017-07-20
  reviews:
    - submitted_on: 2017-07-20
      reviewer: 赵敏（区纪委监委）
      reviewed_on: 2017-07-25
      outcome: returned
      failed_checks: [missing_tasks, vague_measures]
      findings:
        - 反馈问题 F02 没有对应措施。
        - 措施 P01/M2 没有责任领导。
      resubmit_by: 2017-08-01
    - submitted_on: 2017-07-31
      reviewer: 赵敏（区纪委监委）
      reviewed_on: 2017-08-03
      outcome: passed
problems:
  - id: P01
    title: 公务用车管理不规范
    category: work_style
    answers: [F01, F02]
    measures:
      - id: M1
        text: 立即收回借出的2辆执法车并登记
        time_limit: immediate
        deadline: 2017-07-20
        owner: 王芳
        status: done
        completed_on: 2017-07-19
        evidence: [车辆收回登记表]
        money:
          - {kind: 追缴, amount: 1360, on: 2017-07-19, note: 私车公养报销的油费}
      - id: M2
        text: 建立公务用车使用登记台账，每月公示
        deadline: 2018-03-31
        owner: 王芳
        leader: 李建军（办事处主任）
        postponements:
          - requested_on: 2017-12-01
            reason: 公示栏改造延期
            old_deadline: 2017-12-31
            new_deadline: 2018-03-31
            approved_by: 赵敏
            approved_on: 2017-12-05
      - id: M3
        text: 每季度检查公务用车登记和公示情况
        time_limit: long_term
        stage_goal: 2017年第四季度检查覆盖全部车辆
        stage_due: 2017-12-31
        review_cycle: quarterly
        owner: 赵敏
        status: stage_done
        completed_on: 2017-12-28
        evidence: [第四季度检查通报]
    money:
      - {kind: loss_recovered, amount: 1.25万元}
    mechanisms:
      - title: 公务用车管理办法
    accountability:
      - person: 周强
        post: 分管副主任
        responsibility: leadership
        form: 2
        measure: 诫勉
        decided_by: district_discipline
        cadre_level: district_managed
  - id: P02
    title: 自查发现的食堂账目问题
    category: finance_assets
    source: self
    measures:
      - id: M1
        text: 清理2016年以来食堂账目并公示
        owner: 马俊峰
        postponements:
          - requested_on: 2017-10-20
            reason: 账目调取未完成
            new_deadline: 2017-11-30
        deadline: 2017-11-30
"""


def test_round_trip_keeps_every_new_field(make_repo, tmp_path) -> None:
    root = make_repo({W: EVERY_FIELD, "rounds/signers.yml": SIGNERS})
    ledger = ledger_of(root)
    assert ledger.problems[1].measures[0].postponements[0].approved is False
    project, _ = load_project(root)
    path = tmp_path / "every.xlsx"
    ledger_workbook(ledger, project).save(path)
    back, diagnostics = read_workbook(path, project)
    assert back is not None, [d.as_text() for d in diagnostics]
    assert same(back, ledger)
