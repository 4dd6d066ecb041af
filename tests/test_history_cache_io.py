"""The history caches are pickled straight to their files, and the diff's shortcuts for
unchanged records give the same changes as comparing every field."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

import pytest

from site_builder.history.cache import dump_atomic, dumps, parse_blob
from site_builder.history.events import Kind, diff_ledgers

from conftest import BASE_FILES

LEDGER = textwrap.dedent(BASE_FILES["ledgers/r1/wcjd.yml"]).lstrip()


def test_dump_atomic_writes_the_same_bytes_as_dumps(tmp_path: Path) -> None:
    ledger, _ = parse_blob(LEDGER.encode(), "ledgers/r1/wcjd.yml")
    assert ledger is not None
    value = ({"blob:path": dumps((ledger, []))}, {"sha:digest": ("G", "a@b")})
    target = tmp_path / "rectify" / "cache.pickle"
    dump_atomic(target, value)
    assert target.read_bytes() == dumps(value)
    assert pickle.loads(target.read_bytes()) == value
    assert [p.name for p in target.parent.iterdir()] == ["cache.pickle"]


def test_dump_atomic_keeps_the_old_file_when_pickling_fails(tmp_path: Path) -> None:
    target = tmp_path / "cache.pickle"
    target.write_bytes(b"old")
    with pytest.raises(Exception):  # noqa: B017 - whatever pickle raises for a lambda
        dump_atomic(target, {"x": lambda: None})
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.pickle"]


def _parse(text: str):
    ledger, found = parse_blob(text.encode(), "ledgers/r1/wcjd.yml")
    assert ledger is not None, found
    return ledger


def test_unchanged_records_give_no_changes_even_when_their_lines_move() -> None:
    old = _parse(LEDGER)
    assert diff_ledgers("r1/wcjd", old, _parse(LEDGER)) == []
    # A comment above shifts every line: the records differ only in where they sit.
    assert diff_ledgers("r1/wcjd", old, _parse("# 台账\n" + LEDGER)) == []


def test_a_changed_done_measure_is_still_reported_next_to_unchanged_ones() -> None:
    old = _parse(LEDGER)
    new = _parse(LEDGER.replace("决策制度的通知》", "决策制度的通知》（修订）"))
    changes = diff_ledgers("r1/wcjd", old, new)
    assert [(c.item, c.kind) for c in changes] == [("r1/wcjd/P01/M1", Kind.CLOSURE_REWRITTEN)]
    moved = _parse(LEDGER.replace("deadline: 2017-12-31", "deadline: 2018-01-31"))
    assert [(c.item, c.kind, c.days) for c in diff_ledgers("r1/wcjd", old, moved)] == [
        ("r1/wcjd/P02/M1", Kind.POSTPONED, 31)
    ]
