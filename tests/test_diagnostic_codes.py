"""Every diagnostic code in the catalogue, triggered from an inline YAML case.

Each case is the base district of conftest with some files replaced; the test
asserts the code appears, at the expected file and line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_records_rules import CASES as RECORD_CASES

from site_builder.diagnostics import CATALOGUE

from conftest import BASE_FILES, diagnostics_of, write_files

HEAD = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改并建立长效机制
problems:
"""

MEASURE = """\
      - id: M1
        text: 建立公务用车使用登记台账，每月公示
        deadline: 2017-12-31
        owner: 王芳（党政办副主任）
        leader: 李建军（办事处主任）
"""


def ledger(problems: str) -> dict[str, str]:
    return {"ledgers/r1/wcjd.yml": HEAD + problems}


def problem(extra: str = "", measures: str = MEASURE, pid: str = "P01") -> str:
    return (
        f"  - id: {pid}\n    title: 公务用车管理不规范\n    category: work_style\n"
        + extra
        + ("    measures:\n" + measures if measures else "")
    )


W = "ledgers/r1/wcjd.yml"
ACCOUNTABLE = (
    "      - person: 孙伟\n        responsibility: leadership\n        form: 1\n"
    "        measure: 诫勉\n{extra}"
)
# The demo's (fictional, shipped) public key of 赵敏.
DEMO_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINT8QSJYovZuGCkn19Do+nPY0DUiy18QAKk0YiSlII/i"
CASES: dict[str, tuple[dict, str, int]] = {
    # code: (files, file, line)
    "Y001": ({W: "round: r1\nunit: [wcjd\n"}, W, 3),
    "Y002": ({W: HEAD.replace("unit: wcjd\n", "unit: wcjd\nunit: jyj\n") + problem()}, W, 3),
    "Y003": ({W: "round: r1\nplan:\n\tobjective: 整改\n"}, W, 3),
    "Y004": ({W: b"\xef\xbb\xbf" + (HEAD + problem()).encode()}, W, 1),
    "Y005": (
        {
            W: "round: r1\nunit: wcjd\nplan:\n  objective: 整改\n".encode()
            + "  leading_group: 领导小组\n".encode("gbk")
        },
        W,
        5,
    ),
    "Y006": ({W: "# 只有注释\n"}, W, 0),
    "Y007": ({W: HEAD + "  - &p\n    id: P01\n  - *p\n"}, W, 6),
    "Y008": ({W: "round: r1\n" + "# " + "填" * (4 * 1024 * 1024) + "\n"}, W, 0),
    "Y010": ({W: "round: !!int 1\nunit: wcjd\n"}, W, 1),
    "Y011": ({"ledgers/wcjd.yml": HEAD + problem()}, "ledgers/wcjd.yml", 0),
    "S001": (
        {W: HEAD + "  - id: P01\n    category: work_style\n" + "    measures:\n" + MEASURE},
        W,
        6,
    ),
    "S002": ({W: HEAD + problem("    categry: x\n")}, W, 9),
    "S003": ({W: "round: r1\nunit: wcjd\nplan:\n  - objective: 整改\n"}, W, 3),
    "S004": ({W: HEAD + problem(measures=MEASURE.replace("2017-12-31", "2017年12月31日"))}, W, 12),
    "S005": ({W: HEAD + problem("    source: 巡察反馈\n")}, W, 9),
    "S006": ({W: HEAD + problem(pid="问题1")}, W, 6),
    "S007": (
        {
            W: HEAD
            + problem(
                "    accountability:\n      - {person: 孙伟, responsibility: leadership, form: 5, measure: 诫勉谈话}\n"
            )
        },
        W,
        10,
    ),
    "S008": ({W: HEAD + problem().replace("title: 公务用车管理不规范", "title: ''")}, W, 7),
    "S009": (
        {
            "rounds/r1.yml": None,
            "rounds/units.yml": "units:\n  - id: wcjd\n    name: 坞城街道\n    kind: street\n    pilot: [是]\n",
        },
        "rounds/units.yml",
        5,
    ),
    "R001": ({W: HEAD.replace("unit: wcjd", "unit: wcjdd") + problem()}, W, 1),
    "R002": ({W: HEAD.replace("round: r1", "round: r9") + problem()}, W, 1),
    "R003": ({W: HEAD + problem("    common_code: GX99\n")}, W, 6),
    "R004": ({W: HEAD + problem() + problem()}, W, 15),
    "R005": (
        {"ledgers/r1/wcjd.yml": None, "ledgers/r1/jyj.yml": HEAD + problem()},
        "ledgers/r1/jyj.yml",
        1,
    ),
    "R006": (
        {"ledgers/r1/jyj.yml": HEAD.replace("unit: wcjd", "unit: jyj") + problem()},
        "ledgers/r1/jyj.yml",
        1,
    ),
    "R007": ({W: HEAD + problem().replace("category: work_style", "category: 作风")}, W, 6),
    "R008": (
        {
            "rounds/cases/2018-01-car.md": "---\ntitle: 违规使用公务用车\nunit: wcjd\ndate: 2018-03-01\ncategory: work_style\nform: 1\nproblems: [r1/wcjd/P09]\nlesson: 公车姓公。\n---\n某街道干部公车私用。\n"
        },
        "rounds/cases/2018-01-car.md",
        2,
    ),
    "R009": (
        {"rounds/units.yml": "units:\n  - id: wcjd\n    name: 坞城街道党工委\n    kind: street\n"},
        "rounds/r1.yml",
        9,
    ),
    "R010": ({W: None}, "rounds/r1.yml", 9),
    "R011": (
        {
            "rounds/self_checks.yml": "self_checks:\n  - unit: wcjd\n    code: GX01\n    checked_on: 2017-08-01\n    result: found\n"
        },
        "rounds/self_checks.yml",
        2,
    ),
    "D001": (
        {
            W: HEAD
            + problem(
                "    status: closed\n    closed_on: 2017-07-01\n",
                MEASURE
                + "        status: done\n        completed_on: 2017-07-20\n        evidence: [登记台账]\n",
            )
        },
        W,
        6,
    ),
    "D002": ({W: HEAD + problem(measures=MEASURE.replace("2017-12-31", "2017-06-30"))}, W, 10),
    "D003": (
        {
            W: HEAD
            + problem(
                measures=MEASURE
                + "        status: done\n        completed_on: 2017-07-01\n        evidence: [登记台账]\n"
            )
        },
        W,
        10,
    ),
    "D004": (
        {
            "rounds/r1.yml": "id: r1\nname: 第一轮\nstart: 2017-06-09\nend: 2017-04-10\n",
            W: None,
            "rounds/units.yml": "units: []\n",
        },
        "rounds/r1.yml",
        1,
    ),
    "D005": ({W: HEAD.replace("plan:\n", "plan:\n  submitted_on: 2017-06-01\n") + problem()}, W, 4),
    "L001": (
        {
            W: HEAD
            + problem(
                "    status: closed\n    closed_on: 2017-10-01\n",
                MEASURE + "        evidence: [登记台账]\n",
            )
        },
        W,
        12,
    ),
    "L002": (
        {
            W: HEAD
            + problem(measures=MEASURE + "        status: done\n        completed_on: 2017-10-01\n")
        },
        W,
        10,
    ),
    "L003": (
        {
            W: HEAD
            + problem(
                "    status: closed\n",
                MEASURE
                + "        status: done\n        completed_on: 2017-10-01\n        evidence: [登记台账]\n",
            )
        },
        W,
        6,
    ),
    "L004": ({W: HEAD + problem("    closed_on: 2017-10-01\n")}, W, 6),
    "L005": (
        {
            W: HEAD
            + problem(measures=MEASURE + "        status: done\n        evidence: [登记台账]\n")
        },
        W,
        10,
    ),
    "L006": ({W: HEAD + problem("    status: withdrawn\n")}, W, 6),
    "L007": ({W: HEAD + problem("    source: common\n")}, W, 6),
    "L008": ({W: HEAD + problem(measures=MEASURE + "        completed_on: 2017-10-01\n")}, W, 10),
    "L030": (
        {
            W: HEAD
            + problem(
                "    status: closed\n    closed_on: 2099-10-01\n",
                MEASURE + "        status: done\n        completed_on: 2017-10-01\n"
                "        evidence: [登记台账]\n",
            )
        },
        W,
        6,
    ),
    "L031": (
        {
            W: HEAD
            + problem("    accountability:\n" + ACCOUNTABLE.format(extra="        supersedes: 1\n"))
        },
        W,
        10,
    ),
    "L032": (
        {
            W: HEAD
            + problem(
                "    accountability:\n"
                + ACCOUNTABLE.format(extra="")
                + ACCOUNTABLE.format(extra="        supersedes: 1\n")
            )
        },
        W,
        14,
    ),
    "L009": (
        {
            W: HEAD
            + problem(
                "    status: closed\n    closed_on: 2017-10-01\n",
                MEASURE + "        status: in_progress\n",
            )
        },
        W,
        6,
    ),
    "P001": ({W: HEAD + problem(measures="")}, W, 6),
    "P002": (
        {W: HEAD + problem(measures=MEASURE.replace("        deadline: 2017-12-31\n", ""))},
        W,
        10,
    ),
    "P003": (
        {W: HEAD + problem(measures=MEASURE.replace("        owner: 王芳（党政办副主任）\n", ""))},
        W,
        10,
    ),
    "P004": (
        {
            W: HEAD
            + problem(
                measures=MEASURE.replace(
                    "建立公务用车使用登记台账，每月公示", "进一步加强管理，切实抓好落实"
                )
            )
        },
        W,
        10,
    ),
    "P005": (
        {
            W: HEAD.replace(
                "  objective: 对照反馈意见逐项整改并建立长效机制\n", "  submitted_on: 2017-08-01\n"
            )
            + problem()
        },
        W,
        4,
    ),
    "P006": (
        {W: HEAD + problem(measures=MEASURE.replace("        leader: 李建军（办事处主任）\n", ""))},
        W,
        10,
    ),
    "A001": (
        {
            W: HEAD
            + problem(
                "    accountability:\n      - {person: 孙伟, responsibility: direct, form: 1, measure: 批评教育}\n"
            )
        },
        W,
        10,
    ),
    "G001": (
        {
            "rounds/r1.yml": "id: r1\nname: 第一轮\nstart: 2017-04-10\nend: 2017-06-09\nteams:\n  - name: 第一巡察组\n    leader: 王建国\n    units:\n      - unit: wcjd\n        feedback_on: 2017-07-05\n"
        },
        "rounds/r1.yml",
        9,
    ),
    "G002": (
        {
            W: HEAD
            + problem()
            + "report:\n  submitted_on: 2017-12-20\n  reviewers:\n    - {name: 赵敏, department: discipline, signed_on: 2017-12-25}\n"
        },
        W,
        16,
    ),
    "Y013": ({W: "k: [" + "x," * 200_001 + "x]\n"}, W, 1),
    "Y014": ({W: "round: r1\nunit: wcjd\u202e\n"}, W, 2),
    "Y015": ({W: 'round: r1\nunit: "wcjd\\e[2J"\n'}, W, 2),
    "R012": (
        {
            "rounds/cases/index.md": "---\ntitle: 违规使用公务用车\nunit: wcjd\ndate: 2018-03-01\ncategory: work_style\nform: 1\nlesson: 公车姓公。\n---\n某街道干部公车私用。\n"
        },
        "rounds/cases/index.md",
        2,
    ),
    "S010": (
        {
            "rounds/settings.yml": "district: 示例区\nsensitive_fields:\n  - problems.accountability.nam\n"
        },
        "rounds/settings.yml",
        1,
    ),
    "G010": (
        {
            "rounds/signers.yml": "reviewers:\n  - name: 赵敏\n    email: zhaomin@jw.example\n    role: discipline\n    units: ['*']\n    gpg_key: |\n      -----BEGIN PGP PUBLIC KEY BLOCK-----\n      bm90IGEga2V5\n      -----END PGP PUBLIC KEY BLOCK-----\n"
        },
        "rounds/signers.yml",
        2,
    ),
    "G011": (
        {"rounds/signers.yml": "policy:\n  platform_keys:\n    - name: gitea\n"},
        "rounds/signers.yml",
        3,
    ),
    "G012": (
        {
            "rounds/signers.yml": "reviewers:\n  - {name: 赵敏, email: zhaomin@jw.example, role: discipline, units: ['*'], ssh_key: "
            + DEMO_KEY
            + "}\n  - {name: 钱进, email: qianjin@zzb.example, role: organisation, units: ['*'], ssh_key: "
            + DEMO_KEY
            + "}\n"
        },
        "rounds/signers.yml",
        3,
    ),
}
# Y009 (unreadable file) and Y012 (symbolic link) need file-system state, not YAML text.
FILESYSTEM_CASES = {"Y009", "Y012"}
# H codes come from git history; test_history.py triggers each in a real repository.
HISTORY_CASES = {"H001", "H002", "H003", "H004", "H005"}
# H006 (a closure's evidence file deleted): test_tamper_evidence.py, in a real repository.
HISTORY_CASES |= {"H006"}
# H007-H013 (governance, rewrites, accountability, future closures): test_trail_integrity.py.
HISTORY_CASES |= {"H007", "H008", "H009", "H011", "H012", "H013"}
# H030-H036 (rewrites, published records, the build lock): test_publish_anchor.py,
# test_anchor_hostile.py and test_build_lock.py, with real clones, servers and builds.
HISTORY_CASES |= {"H030", "H031", "H032", "H033", "H034", "H035", "H036"}
# X codes come from spreadsheets; test_sheets.py triggers each from a real .xlsx workbook.
SPREADSHEET_CASES = {f"X{n:03d}" for n in range(1, 18)}
# X018-X028 (crafted archives, formulas, control characters): test_sheet_safety.py and
# test_hostile_text.py.
SPREADSHEET_CASES |= {f"X{n:03d}" for n in range(18, 29)}
# E codes come from rubrics and evaluation records; test_evaluation.py triggers each.
EVALUATION_CASES = {f"E{n:03d}" for n in range(1, 20)}
# C codes: test_masking.py (C001 at its line, C002 from a build), test_publishing.py (C003).
# C010 (a public build without the office's contacts): tests/test_disclosure.py.
CONFIDENTIALITY_CASES = {"C001", "C002", "C003", "C010"}
# V codes come from 督办 records and data exports; test_supervision.py triggers each.
SUPERVISION_CASES = {f"V{n:03d}" for n in (*range(1, 9), 20, 21)}
# V030–V039: the city's districts; tests/test_city.py triggers each.
SUPERVISION_CASES |= {f"V{n:03d}" for n in range(30, 40)}


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_triggered_at_its_line(make_repo, code: str) -> None:
    files, file, line = CASES[code]
    found = [d for d in diagnostics_of(make_repo(files)) if d.code == code]
    assert found, f"{code} not reported"
    assert any(d.file == file and d.line == line for d in found), [d.as_text() for d in found]


def test_every_catalogue_code_has_a_case() -> None:
    assert set(CATALOGUE) == (
        set(CASES)
        | set(RECORD_CASES)
        | FILESYSTEM_CASES
        | HISTORY_CASES
        | SPREADSHEET_CASES
        | EVALUATION_CASES
        | CONFIDENTIALITY_CASES
        | SUPERVISION_CASES
    )


def test_file_gone_before_reading_is_y009(make_repo) -> None:
    # A file listed, then removed (a checkout switching branches) before it is read.
    from site_builder.load.project import load_yaml_file
    from site_builder.model import Ledger

    root = make_repo()
    record, found = load_yaml_file(root, root / "ledgers/r1/gone.yml", Ledger)
    assert record is None
    assert [(d.code, d.file) for d in found] == [("Y009", "ledgers/r1/gone.yml")]


def test_symlink_out_of_repository_is_refused(make_repo, tmp_path) -> None:
    outside = tmp_path / "secret.yml"
    outside.write_text("round: r1\nunit: wcjd\n", encoding="utf-8")
    root = make_repo({W: None})
    (root / W).parent.mkdir(parents=True, exist_ok=True)
    (root / W).symlink_to(outside)
    found = [d for d in diagnostics_of(root) if d.code == "Y012"]
    assert found and found[0].file == W


# Root reads any file, so a chmod 000 denies nothing: as root, the CLI runs as `nobody`.
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _unprivileged_prefix() -> list[str]:
    """How to run a command as a user whom file permissions bind, or skip saying why."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop root")
    probe = subprocess.run([*AS_NOBODY, "true"], capture_output=True, text=True)
    if probe.returncode:
        pytest.skip(f"running as root and cannot switch to nobody: {probe.stderr.strip()}")
    return AS_NOBODY


def test_permission_denied_is_y009() -> None:
    """A ledger the user may not read is Y009 at its path, and the rest is still read."""
    prefix = _unprivileged_prefix()
    # Not under pytest's tmp_path: that folder is private to the user running pytest.
    folder = Path(tempfile.mkdtemp(prefix="rectify-y009-"))
    try:
        root = folder / "repo"
        write_files(root, dict(BASE_FILES))
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / W).chmod(0)
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "site_builder", "validate", "--root", str(root),
             "--format", "json"],
            cwd=folder, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        found = json.loads(result.stdout)
        assert result.returncode == 1, (result.returncode, result.stderr)
        denied = [d for d in found if d["code"] == "Y009"]
        assert [d["file"] for d in denied] == [W], found
        assert "Permission denied" in denied[0]["message"] or "权限" in denied[0]["message"]
        # The other files were read: no diagnostic says the base district is broken.
        assert {d["file"] for d in found if d["severity"] == "error"} == {W}, found
    finally:
        (root / W).chmod(0o644)
        shutil.rmtree(folder)


def test_linked_evaluations_folder_is_refused(make_repo, tmp_path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "r1").mkdir(parents=True)
    (outside / "r1" / "wcjd.yml").write_text("round: r1\nunit: wcjd\n", encoding="utf-8")
    root = make_repo()
    (root / "rounds/evaluations").symlink_to(outside, target_is_directory=True)
    found = [d for d in diagnostics_of(root) if d.code == "Y012"]
    assert [d.file for d in found] == ["rounds/evaluations"]
