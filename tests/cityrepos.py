"""Three small districts for the city's tests: each its own git repository with its own
district name, one with a unit of its own name, each exported the three ways a city
finds an export (a built site, a build folder, a repository the city builds itself)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from site_builder.pipeline import build

from conftest import BASE_FILES, ROOT, write_files
from gitrepo import GitRepo

AS_OF = date(2018, 3, 1)  # P02/M1 (due 2017-12-31, in progress) is 60 days overdue
DISTRICTS = {"xiaodian": "小店区", "yingze": "迎泽区", "jinyuan": "晋源区"}
# Only 迎泽区's wcjd has this name: a search for it must lead to 迎泽区.
OWN_UNIT = "龙城街道党工委"


def district_repo(base: Path, district_id: str) -> Path:
    files = dict(BASE_FILES)
    files["rounds/settings.yml"] = f"district: {DISTRICTS[district_id]}\nas_of: {AS_OF}\n"
    if district_id == "yingze":
        files["rounds/units.yml"] = files["rounds/units.yml"].replace("坞城街道党工委", OWN_UNIT)
    root = write_files(base / district_id / "repo", files)
    GitRepo(root).commit({}, "建立台账")
    return root


# The sample district's own 坞城街道党工委 is renamed in 迎泽区's copy to a name no
# district has, so a search for it must lead to 迎泽区.
SAMPLE_OWN_UNIT = "桃园街道党工委"


def sample_district_repo(base: Path, district_id: str) -> Path:
    """The project's sample district (124 inspected units, every kind of record) under
    another district's name: a district as an office keeps one."""
    files: dict[str, str | bytes | None] = {}
    for folder in ("rounds", "ledgers"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    settings = (ROOT / "rounds/settings.yml").read_text(encoding="utf-8")
    files["rounds/settings.yml"] = settings.replace(
        "district: 小店区", f"district: {DISTRICTS[district_id]}"
    )
    if district_id == "yingze":
        units = (ROOT / "rounds/units.yml").read_text(encoding="utf-8")
        files["rounds/units.yml"] = units.replace(
            "name: 坞城街道党工委", f"name: {SAMPLE_OWN_UNIT}"
        )
    root = write_files(base / district_id / "repo", files)
    GitRepo(root).commit({}, "建立台账")
    return root


def three_district_city(base: Path, make: Callable[[Path, str], Path] = district_repo) -> Path:
    """city.yml naming 小店区 by its built site, 迎泽区 by its build folder and 晋源区 by
    its repository (which the city builds in a separate process); ``make`` makes each
    district's repository (small test districts, or the sample district three times)."""
    xiaodian = make(base, "xiaodian")
    site = build(xiaodian, base / "xiaodian" / "out", keep_going=True).site_dir
    yingze = make(base, "yingze")
    assert build(yingze, base / "yingze" / "out", keep_going=True).site_dir is not None
    jinyuan = make(base, "jinyuan")
    city = base / "city.yml"
    city.write_text(
        f"""\
city: 晋阳市
districts:
  - id: xiaodian
    name: 小店区
    path: {site}
  - id: yingze
    name: 迎泽区
    path: yingze/out
  - id: jinyuan
    name: 晋源区
    path: {jinyuan.relative_to(base)}
""",
        encoding="utf-8",
    )
    return city
