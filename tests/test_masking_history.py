"""Names held accountable come from every version of the ledgers, and masking is word-aware:
a name removed from the current file is still masked in the text that kept it, and a
listed name is never masked inside a longer name the records give on purpose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_audience import find_values

from site_builder.audience import parse_audience
from site_builder.history import read_history
from site_builder.masking import NameMasker, accountable_names, masker_for
from site_builder.pipeline import build, check_project

from conftest import BASE_FILES
from gitrepo import GitRepo

W = "ledgers/r1/wcjd.yml"
P02_MEASURE = "                text: 建立公务用车使用登记台账，每月在街道公示栏公示\n"
# P02 names 郑海峰 in a measure and holds him accountable; P03 holds 韩立新 accountable
# and 韩立新 is named in P02's description.
ENTRY = (
    "            accountability:\n"
    "              - person: 郑海峰（原车队队长）\n"
    "                responsibility: direct\n"
    "                form: 1\n"
    "                measure: 批评教育\n"
)
P03 = """\
          - id: P03
            title: 违规发放津贴补贴
            category: finance_assets
            measures:
              - id: M1
                text: 清退违规发放的津贴补贴，建立发放审批台账
                deadline: 2017-12-31
                owner: 王芳（党政办副主任）
                leader: 李建军（办事处主任）
            accountability:
              - person: 韩立新
                responsibility: direct
                form: 2
                measure: 诫勉
"""
NAMED = (
    BASE_FILES[W]
    .replace(P02_MEASURE, "                text: 郑海峰退回私自出借车辆所得，建立用车登记台账\n")
    .replace(
        "            title: 公务用车管理不规范\n",
        "            title: 公务用车管理不规范\n            description: 韩立新经手的用车审批缺少记录\n",
    )
)
FIRST = NAMED.rstrip("\n") + "\n" + ENTRY + P03
GONE = ("郑海峰", "韩立新")


@pytest.fixture(scope="module")
def repo_with_removed_accountability(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("removed") / "repo")
    repo.commit({**BASE_FILES, W: FIRST}, "建立台账")
    # Later: the entry is removed and the problem holding the other is deleted; the names
    # stay in the measure and the description.
    repo.commit({W: NAMED}, "调整台账")
    return repo.root


def test_names_come_from_earlier_versions(repo_with_removed_accountability: Path) -> None:
    project, _ = check_project(repo_with_removed_accountability)
    history, _ = read_history(repo_with_removed_accountability)
    assert not set(GONE) & accountable_names(project)
    assert set(GONE) <= accountable_names(project, history)


def test_public_build_holds_no_name_held_accountable_in_any_version(
    repo_with_removed_accountability: Path, tmp_path: Path
) -> None:
    sites = {}
    for audience in ("internal", "public"):
        result = build(
            repo_with_removed_accountability,
            tmp_path / audience,
            as_of=date(2017, 12, 1),
            audience=parse_audience(audience),
        )
        assert result.site_dir is not None, result.diagnostics
        sites[audience] = result.site_dir
    leaks, files = find_values(sites["public"], list(GONE))
    control, _ = find_values(sites["internal"], list(GONE))
    assert files > 30 and set(control) == set(GONE)
    # Pages, the decompressed search fragments, JSON/XLSX/DOCX downloads and the sitemap.
    kinds = {Path(p).suffix for where in control.values() for p in where}
    assert {".html", ".pf_fragment", ".json"} <= kinds, kinds
    assert leaks == {}, leaks
    page = (sites["public"] / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "郑某某退回" in page and "韩某某经手" in page


@pytest.mark.parametrize(
    ("text", "public"),
    [
        # Under-masking: the name followed by words, punctuation or a word it starts.
        ("张伟同志退回款项", "张某同志退回款项"),
        ("经查，张伟、李强违规报销", "经查，张某、李某违规报销"),
        ("张伟台账未建立", "张某台账未建立"),  # 张伟台 is nobody's name: masked
        ("副主任张伟", "副主任张某"),
        # Over-masking: the listed name inside a longer name the records give on purpose.
        ("责任人张伟东已完成", "责任人张伟东已完成"),
        ("张伟和张伟东", "张某和张伟东"),
        ("欧阳海涛", "欧阳某某"),  # a longer listed name wins over the shorter one
        # Overlapping listed names: nothing of either stays readable.
        ("李强生", "李某生"),
    ],
)
def test_word_aware_masking(text: str, public: str) -> None:
    masker = NameMasker(
        frozenset({"张伟", "李强", "欧阳海", "欧阳海涛", "强生"}), frozenset({"张伟东"})
    )
    assert masker.mask(text) == public
    assert masker.mask(public) == public  # masking is idempotent


def test_shields_come_from_person_fields(make_repo) -> None:
    ledger = (
        BASE_FILES[W]
        .replace("owner: 王芳（党政办副主任）", "owner: 孙伟东（党政办副主任）")
        .replace(P02_MEASURE, "                text: 孙伟东牵头建立用车登记台账，孙伟退回款项\n")
    )
    project, _ = check_project(make_repo({W: ledger}))
    masker = masker_for(project)
    assert "孙伟" in masker.names and "孙伟东" in masker.shields
    assert masker.mask("孙伟东牵头，孙伟退回款项") == "孙伟东牵头，孙某退回款项"
    assert masker.found_in("孙伟东牵头") == []
