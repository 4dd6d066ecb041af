"""The strict reader: YAML 1.1 traps keep their text, and bad bytes get diagnostics."""

from __future__ import annotations

from datetime import date

from site_builder.load import parse_yaml
from site_builder.load.records import build_record
from site_builder.model import Ledger

from conftest import diagnostics_of


def test_yaml_11_traps_stay_text() -> None:
    parsed = parse_yaml(
        b"a: no\nb: on\nc: 1.10\nd: 08:30\ne: 0777\nf: 2020-06-10\ng: ~\nh: 1:30:00\n", "x.yml"
    )
    assert parsed.diagnostics == []
    data = {k: v for k, v in parsed.data.items() if k != "__src__"}
    assert data == {
        "a": "no",
        "b": "on",
        "c": "1.10",
        "d": "08:30",
        "e": "0777",
        "f": "2020-06-10",
        "g": "~",
        "h": "1:30:00",
    }


def test_schema_converts_only_what_it_declares() -> None:
    raw = b"""
round: r1
unit: wcjd
plan:
  objective: no
problems:
  - id: "0777"
    title: on
    category: leadership
    measures:
      - id: M1
        text: "1.10"
        deadline: 2020-06-10
        owner: "08:30"
"""
    ledger, found = build_record(parse_yaml(raw, "ledgers/r1/wcjd.yml"), Ledger)
    assert found == []
    assert ledger.plan.objective == "no"
    problem = ledger.problems[0]
    assert (problem.id, problem.title) == ("0777", "on")
    measure = problem.measures[0]
    assert (measure.text, measure.owner) == ("1.10", "08:30")
    assert measure.deadline == date(2020, 6, 10)


def test_records_know_file_and_line() -> None:
    raw = b"round: r1\nunit: wcjd\nproblems:\n  - id: P01\n    title: t\n    category: c\n"
    ledger, _ = build_record(parse_yaml(raw, "ledgers/r1/wcjd.yml"), Ledger)
    assert (ledger.problems[0].src.file, ledger.problems[0].src.line) == ("ledgers/r1/wcjd.yml", 4)


def test_duplicate_key_names_both_lines() -> None:
    parsed = parse_yaml(b"round: r1\nunit: a\nunit: b\n", "f.yml")
    [d] = parsed.diagnostics
    assert (d.code, d.line) == ("Y002", 3)
    assert "第 2 行" in d.message and "unit" in d.message


def test_tabs_are_reported_on_every_tabbed_line() -> None:
    parsed = parse_yaml(b"a:\n\tb: 1\n\tc: 2\n", "f.yml")
    assert [(d.code, d.line) for d in parsed.diagnostics] == [("Y003", 2), ("Y003", 3)]


def test_bom_is_read_with_a_warning() -> None:
    parsed = parse_yaml(b"\xef\xbb\xbfround: r1\n", "f.yml")
    assert [d.code for d in parsed.diagnostics] == ["Y004"]
    assert parsed.data["round"] == "r1"


def test_gbk_bytes_name_the_line() -> None:
    parsed = parse_yaml("a: 1\nb: 坞城街道\n".encode("gbk"), "f.yml")
    [d] = parsed.diagnostics
    assert (d.code, d.line) == ("Y005", 2)
    assert parsed.data is None


def test_empty_file() -> None:
    assert [d.code for d in parse_yaml(b"", "f.yml").diagnostics] == ["Y006"]
    assert [d.code for d in parse_yaml(b"# comment only\n", "f.yml").diagnostics] == ["Y006"]


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 10):
        refs = ",".join([f"*{chr(96 + i)}"] * 9)
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [{refs}]\n".encode()
    parsed = parse_yaml(bomb, "bomb.yml")
    assert [d.code for d in parsed.diagnostics] == ["Y007"]


def test_list_where_mapping_belongs(make_repo) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": "- round: r1\n- unit: wcjd\n"})
    found = [d for d in diagnostics_of(root) if d.file == "ledgers/r1/wcjd.yml"]
    assert [d.code for d in found] == ["S003"]
    assert "映射" in found[0].message and "列表" in found[0].message


def test_unknown_key_suggests_the_known_one(make_repo) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": "round: r1\nunit: wcjd\nproblem:\n  - id: P01\n"})
    found = [d for d in diagnostics_of(root) if d.code == "S002"]
    assert "problems" in found[0].message and found[0].line == 3


def test_other_files_are_still_checked_when_one_is_broken(make_repo) -> None:
    root = make_repo(
        {
            "ledgers/r1/wcjd.yml": "round: r1\nunit: [\n",
            "rounds/common_problems.yml": "common_problems:\n  - code: GX01\n    title: t\n",
        }
    )
    files = {d.file for d in diagnostics_of(root)}
    assert {"ledgers/r1/wcjd.yml", "rounds/common_problems.yml"} <= files


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    parsed = parse_yaml(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "deep.yml")
    assert parsed.data is None or parsed.diagnostics
    assert all(d.code.startswith("Y") for d in parsed.diagnostics)
