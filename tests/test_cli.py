"""The command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def rectify(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_validate_clean_exits_0(make_repo) -> None:
    result = rectify("validate", "--root", str(make_repo()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "校验通过" in result.stderr


def test_validate_errors_exit_1_and_print_path_line_col(make_repo) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": "round: r1\nunit: wcjd\nplan:\n  objectiv: 整改\n"})
    result = rectify("validate", "--root", str(root))
    assert result.returncode == 1
    assert "ledgers/r1/wcjd.yml:4:3: S002 未知字段“objectiv”。是否想写“objective”" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_json_and_github_formats(make_repo) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": "round: r1\nunit: wcjd\nplan:\n  objectiv: 整改\n"})
    data = json.loads(rectify("validate", "--root", str(root), "--format", "json").stdout)
    assert {
        "code": "S002",
        "severity": "error",
        "file": "ledgers/r1/wcjd.yml",
        "line": 4,
    }.items() <= data[0].items()
    github = rectify("validate", "--root", str(root), "--format", "github").stdout
    assert "::error file=ledgers/r1/wcjd.yml,line=4,col=3,title=S002::" in github


def test_validate_paths_limit_what_is_reported(make_repo) -> None:
    root = make_repo(
        {
            "ledgers/r1/wcjd.yml": "round: r1\nunit: wcjd\nplan:\n  objectiv: 整改\n",
            "rounds/common_problems.yml": "common_problems:\n  - code: GX01\n",
        }
    )
    result = rectify("validate", "--root", str(root), str(root / "ledgers"))
    assert result.returncode == 1
    assert "ledgers/r1/wcjd.yml" in result.stdout
    assert "common_problems.yml" not in result.stdout


def test_missing_root_is_a_message_not_a_traceback(tmp_path) -> None:
    result = rectify("validate", "--root", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "找不到目录" in result.stderr and "Traceback" not in result.stderr


def test_build_refuses_data_with_errors(make_repo, tmp_path) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": "round: r1\nunit: [\n"})
    result = rectify("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "未生成站点" in result.stderr
    assert not (tmp_path / "out" / "site").exists()


def test_bad_date_option_is_explained(make_repo) -> None:
    result = rectify("build", "--root", str(make_repo()), "--as-of", "去年")
    assert result.returncode == 2 and "无法识别" in result.stderr


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "rectify"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("validate", "build", "serve"):
        assert command in result.stdout
