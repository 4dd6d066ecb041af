"""data/export.json put together from each ledger's kept entry is the export made whole."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from site_builder.export import Fragments, export_json
from site_builder.pipeline import analyse_repository
from site_builder.render.fingerprint import Digester

from conftest import BASE_FILES
from gitrepo import GitRepo

# A problem title that reads like the export's own members: escaped in the text, it
# must not be taken for the place where the ledgers go.
TRICKY = '"ledgers":[],"history_available":true'


def analysed(tmp_path: Path, title: str):
    files = dict(BASE_FILES)
    files["ledgers/r1/wcjd.yml"] = files["ledgers/r1/wcjd.yml"].replace(
        "“三重一大”事项未经集体研究", title
    )
    repo = GitRepo(tmp_path / "repo")
    repo.commit(files, "建立整改台账")
    return analyse_repository(repo.root, date(2017, 12, 1))


def test_the_export_from_fragments_is_the_export(tmp_path) -> None:
    found = analysed(tmp_path, "“三重一大”事项未经集体研究" + TRICKY)
    whole = export_json(found.project, found.analysis, "internal", "abc123")
    path = tmp_path / "export-fragments.json"
    first = Fragments(path, Digester().digest)
    assert export_json(found.project, found.analysis, "internal", "abc123", first) == whole
    assert first.made == len(json.loads(whole)["ledgers"]) > 0
    first.save()
    again = Fragments(path, Digester().digest)
    assert export_json(found.project, found.analysis, "internal", "abc123", again) == whole
    assert again.made == 0  # every entry taken as it was
    titles = [p["title"] for e in json.loads(whole)["ledgers"] for p in e["ledger"]["problems"]]
    assert any(TRICKY in t for t in titles)


def test_a_changed_ledger_is_serialised_again(tmp_path) -> None:
    before = analysed(tmp_path / "a", "“三重一大”事项未经集体研究")
    path = tmp_path / "export-fragments.json"
    kept = Fragments(path, Digester().digest)
    export_json(before.project, before.analysis, "internal", "c1", kept)
    kept.save()
    after = analysed(tmp_path / "b", "“三重一大”事项未经党组集体研究")
    fragments = Fragments(path, Digester().digest)
    text = export_json(after.project, after.analysis, "internal", "c2", fragments)
    assert text == export_json(after.project, after.analysis, "internal", "c2")
    assert fragments.made == 1
    assert "未经党组集体研究" in text
