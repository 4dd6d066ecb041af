"""A public build leaves out people held accountable, clue and petition details, and the
fields the settings mark sensitive: every byte of its output is searched for them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import html
import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
import security_figures
from pydantic import BaseModel

from site_builder.analyse import analyse
from site_builder.audience import (
    HIDDEN,
    PUBLIC,
    for_audience,
    parse_audience,
    sensitive_paths,
    sensitive_values,
)
from site_builder.history import History
from site_builder.pipeline import build, check_project
from site_builder.render import render_docs
from site_builder.render.views import build_site_data

from conftest import BASE_FILES, PAGEFIND_FILES, ROOT, pagefind_payload

_TAGS = re.compile(rb"<[^>]*>")
_GAPS = re.compile(r"[\s\u200b\u3000]+")  # the search index joins Chinese words with U+200B


def readable_forms(raw: bytes, name: str) -> list[str]:
    """The text a file holds, in every encoding a value could hide behind."""
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    if name.endswith(PAGEFIND_FILES):
        raw = pagefind_payload(raw, name)
    if raw[:4] == b"PK\x03\x04":  # .docx, .xlsx: XML parts in a zip; runs split words
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(n) for n in archive.namelist())
        raw += _TAGS.sub(b"", raw)
    text = raw.decode("utf-8", "ignore")
    forms = [text, html.unescape(text), unquote(text)]
    with contextlib.suppress(ValueError):  # \uXXXX escapes in JSON (search index, downloads)
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    return [_GAPS.sub("", form) for form in forms]


def published_text(project) -> str:
    """Every free text the public build still shows, and the guides it copies in."""
    texts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name != "src":
                    walk(getattr(value, name))

    for f in dataclasses.fields(project):
        walk(getattr(project, f.name))
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "docs/guide").glob("*.md")]
    return _GAPS.sub("", "\n".join(texts))


def is_published(value: str, published: str) -> bool:
    """Published as typed, or every part of a list such as “甲（职务）、乙（职务）” is."""
    parts = [p for p in re.split(r"[、；;，,]", _GAPS.sub("", value)) if p]
    return all(part in published for part in parts)


def find_values(folder: Path, values: list[str]) -> tuple[dict[str, list[str]], int]:
    """value -> files of ``folder`` holding it (in any form); and how many files were read."""
    found: dict[str, list[str]] = {}
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    needles = [(value, _GAPS.sub("", value)) for value in values]
    for path in files:
        # Each distinct form once, joined: one substring search per value and file.
        text = "\0".join(dict.fromkeys(readable_forms(path.read_bytes(), path.name)))
        for value, needle in needles:
            if needle in text:
                found.setdefault(value, []).append(path.relative_to(folder).as_posix())
    return found, len(files)


@pytest.fixture(scope="module")
def public_sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample district at the repository root, built for the public by the CLI."""
    out = tmp_path_factory.mktemp("public") / "out"
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(ROOT), "--out", str(out),
         "--audience", "public", "--keep-going"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "site"


@pytest.mark.slow
def test_public_sample_site_holds_no_sensitive_value(public_sample_site: Path, tmp_path) -> None:
    project, diagnostics = check_project(ROOT)
    values = sorted(sensitive_values(project))
    public, _, _ = for_audience(PUBLIC, project, History(), diagnostics)
    published = published_text(public)
    # A value also typed into a field the public site shows on purpose (a principal who
    # signed the receipt and was later held accountable; a post named in a case) is not
    # the public build's to hide: it is counted, not searched for.
    exclusive = [v for v in values if not is_published(v, published)]
    leaks, files = find_values(public_sample_site, exclusive)

    # Control: the same search finds the values in the internal pages.
    site = build_site_data(project, analyse(project, None, date(2020, 12, 31)), diagnostics)
    internal_docs = render_docs(site, tmp_path / "internal" / "docs").docs_dir
    internal, _ = find_values(internal_docs, exclusive)

    security_figures.record(
        audience__values=len(values),
        audience__files=files,
        audience__leaks=sum(len(where) for where in leaks.values()),
        audience__internal_hits=len(internal),
    )
    assert len(exclusive) > 200 and files > 300
    assert len(internal) > len(exclusive) // 2, "the search does not find what it looks for"
    assert leaks == {}, {v: where[:3] for v, where in list(leaks.items())[:10]}
    # The search reads Pagefind's compressed files too: published text is found there.
    name = public.units[0].name
    seen, _ = find_values(public_sample_site / "pagefind", [name])
    assert any(where.endswith(".pf_fragment") for where in seen.get(name, [])), name


@pytest.mark.slow
def test_public_sample_site_says_what_it_hides(public_sample_site: Path) -> None:
    unit = (public_sample_site / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "问责情况" in unit and html.escape(HIDDEN) in unit or HIDDEN in unit
    info = json.loads((public_sample_site / "build-info.json").read_text(encoding="utf-8"))
    assert info["audience"] == "public"
    overview = (public_sample_site / "index.html").read_text(encoding="utf-8")
    assert "公开版" in overview
    # Downloads keep their shape: the JSON parses and the accountability entries remain.
    ledgers = json.loads((public_sample_site / "downloads/ledger.json").read_text("utf-8"))
    people = [a["person"] for led in ledgers for p in led["problems"] for a in p.get("accountability", [])]  # fmt: skip
    assert people and set(people) == {HIDDEN}


def test_sample_settings_paths_are_all_valid() -> None:
    project, diagnostics = check_project(ROOT)
    assert not [d for d in diagnostics if d.code == "S010"]
    texts = {p.text for p in sensitive_paths(project)}
    assert set(project.settings.sensitive_fields) <= texts
    assert "problems.accountability.person" in texts


def test_history_values_from_sensitive_fields_are_hidden(make_repo, tmp_path) -> None:
    """An owner change shows the old and new owner internally, neither publicly."""
    from gitrepo import GitRepo

    repo = GitRepo(tmp_path / "repo")
    settings = "sensitive_fields:\n  - problems.measures.owner\n"
    repo.commit({**BASE_FILES, "rounds/settings.yml": settings}, "建立台账")
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
        "王芳（党政办副主任）", "赵雪梅（党政办主任）"
    )
    repo.commit({"ledgers/r1/wcjd.yml": ledger}, "调整责任人")
    for audience, shown in (("internal", True), ("public", False)):
        result = build(
            repo.root,
            tmp_path / audience,
            as_of=date(2017, 12, 1),
            audience=parse_audience(audience),
        )
        assert result.site_dir is not None
        page = (result.site_dir / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
        assert ("赵雪梅" in page) is shown and ("王芳" in page) is shown, audience
        assert ("孙伟" in page) is shown  # an accountability person, built in
