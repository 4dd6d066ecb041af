"""Shared fixtures: small ledger repositories written from inline YAML."""

from __future__ import annotations

import gzip
import json
import textwrap
from pathlib import Path

import pytest

from site_builder.diagnostics import Diagnostic
from site_builder.pipeline import check_project

ROOT = Path(__file__).resolve().parent.parent

# A minimal valid district: one unit, one round, one ledger. Tests change one thing.
BASE_FILES: dict[str, str] = {
    "rounds/units.yml": """
        units:
          - id: wcjd
            name: 坞城街道党工委
            kind: street
            inspected_in: [r1]
          - id: jyj
            name: 区教育局党委
            kind: bureau
    """,
    "rounds/r1.yml": """
        id: r1
        name: 区委第一轮巡察
        start: 2017-04-10
        end: 2017-06-09
        teams:
          - name: 第一巡察组
            leader: 王建国
            units:
              - unit: wcjd
                feedback_on: 2017-07-05
                receipt:
                  principal: {name: 刘志强, signed_on: 2017-07-05}
                  team_leader: {name: 王建国, signed_on: 2017-07-05}
                  office_director: {name: 陈丽华, signed_on: 2017-07-05}
    """,
    "rounds/common_problems.yml": """
        common_problems:
          - code: GX01
            title: “三重一大”决策制度执行不到位
            description: 重大事项未经集体研究决定，会议记录不完整。
            category: leadership
            named_in: [r1]
    """,
    "ledgers/r1/wcjd.yml": """
        round: r1
        unit: wcjd
        plan:
          objective: 对照反馈意见逐项整改，2017年底前全部销号，并建立长效机制
          submitted_on: 2017-08-01
        problems:
          - id: P01
            title: “三重一大”事项未经集体研究
            category: leadership
            source: common
            common_code: GX01
            status: closed
            closed_on: 2017-10-10
            measures:
              - id: M1
                text: 修订《“三重一大”决策制度实施办法》，明确议事范围和表决程序
                deadline: 2017-09-30
                owner: 张明（党政办主任）
                leader: 刘志强（党工委书记）
                status: done
                completed_on: 2017-09-20
                evidence:
                  - 《坞城街道党工委关于修订“三重一大”决策制度的通知》
            mechanisms:
              - title: “三重一大”决策制度实施办法
                issued_on: 2017-09-20
            accountability:
              - person: 孙伟
                post: 原财务负责人
                responsibility: direct
                form: 1
                measure: 批评教育
                decided_by: 单位党组织
                cadre_level: 单位管理干部
              - person: 周强
                post: 分管副主任
                responsibility: leadership
                form: 1
                measure: 诫勉谈话
                decided_by: 区纪委监委
                cadre_level: 区管干部
          - id: P02
            title: 公务用车管理不规范
            category: work_style
            measures:
              - id: M1
                text: 建立公务用车使用登记台账，每月在街道公示栏公示
                deadline: 2017-12-31
                owner: 王芳（党政办副主任）
                leader: 李建军（办事处主任）
                status: in_progress
    """,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A browser test is a slow test: `-m "not slow"` leaves Chromium out of a quick loop."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


def write_files(root: Path, files: dict[str, str | bytes | None]) -> Path:
    for rel, content in files.items():
        path = root / rel
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path):
    """Write the base district with some files replaced (None deletes a file)."""

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True) -> Path:
        merged: dict[str, str | bytes | None] = dict(BASE_FILES) if base else {}
        merged.update(files or {})
        return write_files(tmp_path / "repo", merged)

    return make


def diagnostics_of(root: Path) -> list[Diagnostic]:
    return check_project(root)[1]


def codes(root: Path) -> list[str]:
    return [d.code for d in diagnostics_of(root)]


# Pagefind's index, metadata and page fragments: gzip, then this signature.
PAGEFIND_FILES = (".pf_fragment", ".pf_index", ".pf_meta")
_PAGEFIND_SIGNATURE = b"pagefind_dcd"


def pagefind_payload(raw: bytes, name: str) -> bytes:
    """What a Pagefind file holds: JSON for a fragment, CBOR for the index."""
    raw = gzip.decompress(raw)
    assert raw.startswith(_PAGEFIND_SIGNATURE), f"{name}: not a Pagefind file we can read"
    return raw[len(_PAGEFIND_SIGNATURE) :]


def search_fragments(site: Path, segmented: bool = False) -> dict[str, str]:
    """Pagefind's stored text of each indexed page, by URL. The index holds every Han
    character as a word, joined by U+200B; unless ``segmented``, the joins are removed
    so that a test finds the text as written."""
    found = {}
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        fragment = json.loads(pagefind_payload(path.read_bytes(), path.name))
        content = fragment["content"]
        found[fragment["url"]] = content if segmented else content.replace("\u200b", "")
    return found
