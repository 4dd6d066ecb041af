"""The city's settings file (city.yml): the city's name and its districts' sources.

```yaml
city: 某某市
districts:
  - id: xiaodian          # folder and search-index name in the city site
    name: 小店区
    path: ../xiaodian/build/site   # a built site, a build folder, or a ledger repository
  - id: yingze
    name: 迎泽区
    git: https://git.example.internal/yingze/ledger.git
  - id: jinyuan
    name: 晋源区
    export: https://xc.jinyuan.example/data/export.json   # a published export (or a file)
```

Read by the same strict YAML reader as every ledger file, so a mistake is reported with
the file and line (S codes); a district that names no source, or two, is V037, and two
districts with one id V036. Relative paths are taken from the settings file's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.files import read_capped
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import parse_yaml
from site_builder.model.types import Id, ListOf, OptText, Record, Text


class CityDistrict(Record):
    id: Id
    name: Text
    path: OptText = None
    git: OptText = None
    branch: OptText = None  # with git: the branch to build (default: the remote's HEAD)
    export: OptText = None
    site_url: OptText = None  # where the district's own site is published, for a link


class CityFile(Record):
    city: Text
    districts: Annotated[list[CityDistrict], ListOf] = []


@dataclass(frozen=True)
class DistrictSource:
    id: str
    name: str
    kind: str  # "path", "git" or "export"
    location: str  # as written
    resolved: str  # a local path made absolute against the settings' folder, or the URL
    branch: str | None
    site_url: str | None
    file: str  # the settings file and the district's line, for diagnostics
    line: int


@dataclass(frozen=True)
class CitySettings:
    city: str
    file: Path
    districts: tuple[DistrictSource, ...]


def _resolve(base: Path, kind: str, location: str) -> str:
    if "://" in location or (kind == "git" and ":" in location.split("/", 1)[0]):
        return location  # a URL, or git's scp-like user@host:path
    return str((base / location).resolve())


def load_city(path: Path) -> tuple[CitySettings | None, list[Diagnostic]]:
    """The settings in ``path``, or None with the diagnostics that stop the city build."""
    if not path.is_file():
        return None, [diag("V030", str(path), district="（城市设置）", source=str(path))]
    raw, found = read_capped(path.parent, path)
    if raw is None:
        return None, found
    record, found = build_record(parse_yaml(raw, str(path)), CityFile)
    if record is None:
        return None, found
    diagnostics = list(found)
    districts: list[DistrictSource] = []
    seen: dict[str, int] = {}
    for entry in record.districts:
        line = entry.src.line
        given = [(k, v) for k in ("path", "git", "export") if (v := getattr(entry, k))]
        if len(given) != 1:
            diagnostics.append(diag("V037", str(path), line, district=entry.name, count=len(given)))
            continue
        if entry.id in seen:
            diagnostics.append(diag("V036", str(path), line, id=entry.id, first=seen[entry.id]))
            continue
        seen[entry.id] = line
        kind, location = given[0]
        districts.append(
            DistrictSource(
                id=entry.id,
                name=entry.name,
                kind=kind,
                location=location,
                resolved=_resolve(path.parent, kind, location),
                branch=entry.branch,
                site_url=entry.site_url,
                file=str(path),
                line=line,
            )
        )
    return CitySettings(record.city, path, tuple(districts)), diagnostics
