"""Editor support and team workflow: JSON Schemas checked by an independent validator
(check-jsonschema), CODEOWNERS, new-ledger scaffolds, the CI workflows and the
pre-commit hook, all on real files in temporary folders."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from site_builder.editor.schema import FILE_KINDS, ecma_pattern, render_schemas, vscode_associations
from site_builder.load.project import RESERVED
from site_builder.model.types import ID_PATTERN

from conftest import BASE_FILES, ROOT, diagnostics_of, write_files
from gitrepo import STAFF, GitRepo

BIN = Path(sys.executable).parent
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
W = "ledgers/r1/wcjd.yml"


def rectify(*args: str, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def schema_check(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    assert CHECK_JSONSCHEMA.exists(), (
        "check-jsonschema is in the test extra: pip install -e '.[test]'"
    )
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def kind_files(root: Path, name: str) -> list[Path]:
    """The files of one kind in a project, found the way the loader finds them."""
    rounds = root / "rounds"
    if name == "ledger":
        return sorted((root / "ledgers").glob("*/*.yml"))
    if name == "round":
        return sorted(p for p in rounds.glob("*.yml") if p.name not in RESERVED)
    if name == "feedback":
        return sorted((rounds / "feedback").glob("*/*.yml"))
    if name == "clues":
        return sorted((rounds / "clues").glob("*.yml"))
    if name == "supervision":
        return sorted((rounds / "supervision").glob("*.yml"))
    return [p for p in [rounds / f"{name}.yml"] if p.exists()]


# --- schemas ------------------------------------------------------------------------


def test_committed_schemas_are_generated_from_the_models() -> None:
    folder = ROOT / "schemas"
    expected = render_schemas()
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(expected)
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, "run: rectify schema"
    check = rectify("schema", "--check", "--root", str(ROOT))
    assert check.returncode == 0, check.stderr


def test_schemas_are_valid_json_schema() -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--check-metaschema", *map(str, (ROOT / "schemas").glob("*.json"))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", [k.name for k in FILE_KINDS])
def test_sample_district_passes_the_independent_validator(kind: str) -> None:
    files = kind_files(ROOT, kind)
    assert files, kind
    result = schema_check(ROOT / "schemas" / f"{kind}.schema.json", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_speaks_chinese_and_hides_the_source_field() -> None:
    ledger = json.loads((ROOT / "schemas/ledger.schema.json").read_text(encoding="utf-8"))
    problem = ledger["definitions"]["Problem"]["properties"]
    assert problem["status"]["markdownEnumDescriptions"] == ["整改中", "已销号", "已撤销"]
    assert "closed（已销号）" in problem["status"]["description"]
    assert problem["category"]["title"] == "问题类别"
    measure = ledger["definitions"]["Measure"]["properties"]
    assert measure["status"]["markdownEnumDescriptions"][0] == "未开始"
    assert "YYYY-MM-DD" in measure["deadline"]["description"]
    for text in render_schemas().values():
        assert '"src"' not in text and "__src__" not in text


def test_id_pattern_in_the_schema_matches_what_the_validator_accepts() -> None:
    js = re.compile(ecma_pattern(ID_PATTERN))  # the ECMAScript subset used is also Python
    for value in ("P01", "wcjd", "r1", "GX-01_a", "A" * 32, "con1", "console", "Lpt"):
        assert js.match(value) and ID_PATTERN.match(value), value
    for value in ("-P01", "P 01", "P.01", "A" * 33, "中文", "CON", "con", "Nul", "com1", "LPT9"):
        assert not js.match(value) and not ID_PATTERN.match(value), value


LEDGER = BASE_FILES[W]

# Each case breaks one schema rule: the validator and check-jsonschema must both refuse it.
REJECTED = {
    "unknown key": ("            category: work_style\n", "            categry: work_style\n"),
    "bad date": ("completed_on: 2017-09-20", "completed_on: 2017-9-20"),
    "impossible date": ("completed_on: 2017-09-20", "completed_on: 2017-02-30"),
    "bad status": ("status: in_progress", "status: finished"),
    "bad source": ("source: common", "source: superiors"),
    "bad form": (
        "form: 1\n                measure: 批评教育",
        "form: 5\n                measure: 批评教育",
    ),
    "bad id": ("- id: P02", "- id: P 02"),
    "reserved id": ("- id: P02", "- id: CON"),
    "missing title": ("            title: 公务用车管理不规范\n", ""),
    "empty title": ("title: 公务用车管理不规范", 'title: ""'),
    "list expected": (
        "                evidence:\n                  - 《坞城街道党工委关于修订“三重一大”决策制度的通知》\n",
        "                evidence: 通知\n",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_what_the_validator_rejects_check_jsonschema_rejects(make_repo, case: str) -> None:
    old, new = REJECTED[case]
    assert old in LEDGER, case
    root = make_repo({W: LEDGER.replace(old, new, 1)})
    schema_errors = [d for d in diagnostics_of(root) if d.code.startswith(("S", "Y"))]
    assert schema_errors, f"{case}: the validator accepted it"
    result = schema_check(ROOT / "schemas/ledger.schema.json", root / W)
    assert result.returncode == 1, f"{case}: check-jsonschema accepted it\n{result.stdout}"


# What staff legitimately write, read natively by YAML 1.2: both must accept it.
ACCEPTED = {
    "blank plan": (
        "        plan:\n          objective: 对照反馈意见逐项整改，2017年底前全部销号，并建立长效机制\n"
        "          submitted_on: 2017-08-01\n",
        "        plan:\n",
    ),
    "blank optional date": ("closed_on: 2017-10-10", "closed_on:"),
    "quoted date": ("closed_on: 2017-10-10", 'closed_on: "2017-10-10"'),
    "evidence as mapping": (
        "                  - 《坞城街道党工委关于修订“三重一大”决策制度的通知》\n",
        "                  - title: 修订通知\n                    file: evidence/notice.pdf\n",
    ),
    "blank list": (
        "            mechanisms:\n              - title: “三重一大”决策制度实施办法\n                issued_on: 2017-09-20\n",
        "            mechanisms:\n",
    ),
    "number as text": ("post: 原财务负责人", "post: 2017"),
    "blank common code": (
        "            source: common\n            common_code: GX01\n",
        "            common_code:\n",
    ),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_what_staff_legitimately_write_passes_both(make_repo, case: str) -> None:
    old, new = ACCEPTED[case]
    assert old in LEDGER, case
    root = make_repo({W: LEDGER.replace(old, new, 1)})
    schema_errors = [d for d in diagnostics_of(root) if d.code.startswith(("S", "Y"))]
    assert not schema_errors, f"{case}: {schema_errors}"
    result = schema_check(ROOT / "schemas/ledger.schema.json", root / W)
    assert result.returncode == 0, f"{case}: {result.stdout}"


def test_booleans_and_numbers_written_natively_pass_both(make_repo) -> None:
    units = BASE_FILES["rounds/units.yml"].replace(
        "kind: bureau", "kind: bureau\n            pilot: yes"
    )
    r1 = BASE_FILES["rounds/r1.yml"].replace(
        "end: 2017-06-09", "end: 2017-06-09\n        rectification_days: 60"
    )
    root = make_repo({"rounds/units.yml": units, "rounds/r1.yml": r1})
    assert not [d for d in diagnostics_of(root) if d.code.startswith(("S", "Y"))]
    assert (
        schema_check(ROOT / "schemas/units.schema.json", root / "rounds/units.yml").returncode == 0
    )
    assert schema_check(ROOT / "schemas/round.schema.json", root / "rounds/r1.yml").returncode == 0
    bad = make_repo({"rounds/units.yml": units.replace("pilot: yes", "pilot: maybe")})
    assert "S005" in [d.code for d in diagnostics_of(bad)]
    assert (
        schema_check(ROOT / "schemas/units.schema.json", bad / "rounds/units.yml").returncode == 1
    )


def test_schema_command_writes_and_detects_drift(tmp_path) -> None:
    assert rectify("schema", "--root", str(tmp_path)).returncode == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(render_schemas())
    assert rectify("schema", "--check", "--root", str(tmp_path)).returncode == 0
    (tmp_path / "schemas/ledger.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "schemas/old.schema.json").write_text("{}\n", encoding="utf-8")
    drift = rectify("schema", "--check", "--root", str(tmp_path))
    assert drift.returncode == 1
    assert "ledger.schema.json" in drift.stderr and "old.schema.json" in drift.stderr


def test_vscode_settings_wire_every_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == vscode_associations()
    for path in settings["yaml.schemas"]:
        assert (ROOT / path).is_file(), path
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


# --- CODEOWNERS ---------------------------------------------------------------------

SIGNERS = """
    reviewers:
      - name: 赵敏
        email: zhaomin@jw.example
        role: discipline
        units: ["*"]
        github: zhaomin-jw
      - name: 钱进
        email: qianjin@zzb.example
        role: organisation
        units: [wcjd]
      - name: 李华
        email: lihua@jw.example
        role: discipline
        units: [wcjd, jyj]
        github: lihua
"""


def test_codeowners_gives_each_unit_its_reviewers(make_repo) -> None:
    root = make_repo({"rounds/signers.yml": SIGNERS})
    result = rectify("codeowners", "--root", str(root))
    assert result.returncode == 0, result.stderr
    text = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "* @zhaomin-jw",
        "/ledgers/*/jyj.* @lihua @zhaomin-jw",
        "/ledgers/*/wcjd.* qianjin@zzb.example @lihua @zhaomin-jw",
        # Governance files: the discipline reviewers (钱进, organisation, is not one).
        *(
            f"{path} @zhaomin-jw @lihua"
            for path in (
                "/rounds/signers.yml",
                "/rounds/settings.yml",
                "/rounds/evaluations/rubric.yml",
                "/rounds/evaluations/*/rubric.yml",
                "/CODEOWNERS",
                "/.github/",
                "/.gitea/",
                "/.forgejo/",
            )
        ),
        "/rounds/feedback/ @zhaomin-jw",
    ]
    assert rectify("codeowners", "--check", "--root", str(root)).returncode == 0


def test_codeowners_check_fails_when_the_signers_file_changed(make_repo) -> None:
    root = make_repo({"rounds/signers.yml": SIGNERS})
    assert rectify("codeowners", "--root", str(root)).returncode == 0
    write_files(root, {"rounds/signers.yml": SIGNERS.replace("units: [wcjd]", "units: [jyj]")})
    drift = rectify("codeowners", "--check", "--root", str(root))
    assert drift.returncode == 1
    assert "rectify codeowners" in drift.stderr


def test_codeowners_refuses_a_broken_signers_file(make_repo) -> None:
    root = make_repo({"rounds/signers.yml": SIGNERS.replace("role: organisation", "rol: x")})
    result = rectify("codeowners", "--root", str(root))
    assert result.returncode == 1
    assert "S002" in result.stdout and not (root / ".github/CODEOWNERS").exists()


def test_codeowners_for_gitea_uses_regexps_and_logins(make_repo) -> None:
    root = make_repo({"rounds/signers.yml": SIGNERS})
    result = rectify("codeowners", "--format", "gitea", "--root", str(root))
    assert result.returncode == 0
    assert "钱进" in result.stderr  # no platform login: named, and left out
    text = (root / ".gitea/CODEOWNERS").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "!ledgers/.* @zhaomin-jw",
        r"ledgers/[^/]+/(jyj|wcjd)\\.[^/]+ @lihua @zhaomin-jw",
        r"rounds/signers\\.yml @zhaomin-jw @lihua",
        r"rounds/settings\\.yml @zhaomin-jw @lihua",
        r"rounds/evaluations/([^/]+/)?rubric\\.yml @zhaomin-jw @lihua",
        "CODEOWNERS @zhaomin-jw @lihua",
        r"\\.(github|gitea|forgejo)/.* @zhaomin-jw @lihua",
        "rounds/feedback/.* @zhaomin-jw",
    ]


def test_committed_codeowners_matches_the_signers_file() -> None:
    result = rectify("codeowners", "--check", "--root", str(ROOT))
    assert result.returncode == 0, result.stderr


# --- new-ledger ---------------------------------------------------------------------

R2 = """
    id: r2
    name: 区委第二轮巡察
    start: 2018-03-12
    end: 2018-05-11
    teams:
      - name: 第二巡察组
        leader: 李强
        units:
          - unit: jyj
            feedback_on: 2018-06-20
"""


@pytest.fixture
def district_with_second_round(make_repo) -> Path:
    units = BASE_FILES["rounds/units.yml"].replace(
        "kind: bureau", "kind: bureau\n            inspected_in: [r2]"
    )
    return make_repo({"rounds/r2.yml": R2, "rounds/units.yml": units})


def test_new_ledger_scaffolds_from_the_round(district_with_second_round) -> None:
    root = district_with_second_round
    result = rectify("new-ledger", "r2", "jyj", "--root", str(root))
    assert result.returncode == 0, result.stderr
    path = root / "ledgers/r2/jyj.yml"
    text = path.read_text(encoding="utf-8")
    assert "# 区教育局党委 区委第二轮巡察整改台账" in text
    assert "巡察反馈日期：2018-06-20；集中整改期：2018-06-20 至 2018-09-18（90 天）" in text
    assert "#   title: “三重一大”决策制度执行不到位" in text  # GX01, named in r1
    assert "#   common_code: GX01" in text
    # It loads as it is: the only finding in it is what staff must write (the objective).
    found = [d for d in diagnostics_of(root) if d.file == "ledgers/r2/jyj.yml"]
    assert [d.code for d in found] == ["P005"]
    assert schema_check(ROOT / "schemas/ledger.schema.json", path).returncode == 0


def test_a_claimed_common_problem_stub_loads(district_with_second_round) -> None:
    root = district_with_second_round
    assert rectify("new-ledger", "r2", "jyj", "--root", str(root)).returncode == 0
    path = root / "ledgers/r2/jyj.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("# - id: P??")
    claimed = [line[2:] for line in lines[start : start + 11]]  # what VS Code's Ctrl+/ does
    text = "\n".join(lines[:start] + claimed).replace("P??", "P01") + "\n"
    path.write_text(text, encoding="utf-8")
    codes = {d.code for d in diagnostics_of(root) if d.file == "ledgers/r2/jyj.yml"}
    assert not {c for c in codes if c.startswith(("S", "Y", "R"))}, codes
    assert {"P002", "P003"} <= codes  # the measure still needs a deadline and an owner


def test_new_ledger_refuses_to_overwrite(make_repo) -> None:
    root = make_repo()
    before = (root / W).read_bytes()
    result = rectify("new-ledger", "r1", "wcjd", "--root", str(root))
    assert result.returncode == 1
    assert "已存在" in result.stderr and "未覆盖" in result.stderr
    assert (root / W).read_bytes() == before


def test_new_ledger_refuses_unknown_round_and_unit(make_repo) -> None:
    root = make_repo({W: None})
    unit = rectify("new-ledger", "r1", "wcj", "--root", str(root))
    assert unit.returncode == 1 and "是否想写“wcjd”" in unit.stderr
    round_ = rectify("new-ledger", "r7", "wcjd", "--root", str(root))
    assert round_.returncode == 1 and "找不到轮次“r7”" in round_.stderr
    assert not (root / W).exists()


# --- workflows and the pre-commit hook -------------------------------------------------


def workflow_steps(name: str) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
    return {step["name"]: step for job in data["jobs"].values() for step in job["steps"]}


def test_actionlint_passes_on_the_workflows() -> None:
    actionlint = shutil.which("actionlint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if actionlint is None:
        pytest.skip("actionlint is not installed (the test extra installs it; .ci/run requires it)")
    files = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert files
    result = subprocess.run(
        [actionlint, *map(str, files)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_run_only_commands_the_cli_has() -> None:
    from site_builder.cli.main import parser

    runs = [
        step.get("run", "")
        for name in ("checks.yml", "publish.yml")
        for step in workflow_steps(name).values()
    ]
    commands = [
        line.strip()
        for run in runs
        for line in run.splitlines()
        if line.strip().startswith("rectify ")
    ]
    assert "rectify validate --format github" in commands
    assert 'rectify build --last-published "$PUBLISHED_URL"' in commands  # publish.yml
    for command in commands:
        parser().parse_args(command.split()[1:])  # exits (fails the test) on a bad command
    check = workflow_steps("checks.yml")["检查本次修改"]["run"]
    assert 'rectify check-change "origin/${BASE_REF}..HEAD" --format github' in check


def pull_request_repo(tmp_path: Path, change: dict[str, str | None]) -> GitRepo:
    """main with the base district, origin/main pointing at it, and a branch checked out."""
    repo = GitRepo(tmp_path / "pr")
    repo.commit(dict(BASE_FILES), "建立台账", who=STAFF)
    repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
    repo.branch("change")
    repo.commit(change, "修改台账", who=STAFF)
    return repo


def run_step(script: str, repo: GitRepo, tmp_path: Path) -> tuple[subprocess.CompletedProcess, str]:
    summary = tmp_path / "job-summary.md"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "BASE_REF": "main",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=repo.root, env=env, capture_output=True, text=True
    )
    return result, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_check_change_step_reports_in_the_log_and_the_job_summary(tmp_path) -> None:
    postponed = LEDGER.replace("deadline: 2017-12-31", "deadline: 2018-03-31")
    repo = pull_request_repo(tmp_path, {W: postponed})
    script = workflow_steps("checks.yml")["检查本次修改"]["run"]
    result, summary = run_step(script, repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "## 台账变更摘要" in result.stdout  # in the log, for Gitea and Forgejo
    assert "延期" in summary and "r1/wcjd/P02/M1" in summary  # on GitHub's job summary


def test_check_change_step_fails_on_a_deleted_problem(tmp_path) -> None:
    without_p02 = LEDGER[: LEDGER.index("          - id: P02")]
    repo = pull_request_repo(tmp_path, {W: without_p02})
    script = workflow_steps("checks.yml")["检查本次修改"]["run"]
    result, summary = run_step(script, repo, tmp_path)
    assert result.returncode == 1
    assert "::error file=ledgers/r1/wcjd.yml" in result.stdout and "H001" in result.stdout
    assert "不允许的修改" in summary


def test_validate_step_annotates_the_changed_line(tmp_path) -> None:
    repo = pull_request_repo(tmp_path, {W: LEDGER.replace("status: in_progress", "status: doing")})
    result, _ = run_step(workflow_steps("checks.yml")["校验台账"]["run"], repo, tmp_path)
    assert result.returncode == 1
    assert "::error file=ledgers/r1/wcjd.yml,line=" in result.stdout and "S005" in result.stdout


def test_pre_commit_hook_validates_only_the_changed_files(make_repo) -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [local] = config["repos"][0]["hooks"]
    assert local["id"] == hook["id"] and local["entry"] == hook["entry"] == "rectify validate"
    assert local["files"] == hook["files"]
    root = make_repo({W: LEDGER.replace("status: in_progress", "status: doing")})

    def commit_hook(*staged: str) -> subprocess.CompletedProcess:
        # What pre-commit runs: the entry with the staged files its pattern selects.
        files = [f for f in staged if re.search(hook["files"], f)]
        command = textwrap.dedent(hook["entry"]).split() + files
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)

    broken = commit_hook(W, "README.md")
    assert broken.returncode == 1 and "S005" in broken.stdout
    elsewhere = commit_hook("rounds/units.yml")
    assert elsewhere.returncode == 0, elsewhere.stdout
