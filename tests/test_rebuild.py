"""Rebuilds: only changed pages are rendered again, and the site still matches a full build."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build
from site_builder.site import pages as site_pages
from site_builder.site.engine import STATE_FILE, run_mkdocs
from site_builder.site.hooks import split_blocks

from conftest import BASE_FILES, search_fragments

AS_OF = date(2017, 12, 1)
LEDGER = "ledgers/r1/wcjd.yml"


def engine_state(out: Path) -> dict:
    return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))


def mtimes(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns
        for p in site.rglob("*.html")
        if not p.is_relative_to(site / "pagefind")
    }


def rename_problem(root: Path) -> None:
    """One ledger's change: a problem's title reworded."""
    ledger = root / LEDGER
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("公务用车管理不规范", "公车使用登记不全"),
        encoding="utf-8",
    )


def built(root: Path, out: Path) -> Path:
    result = build(root, out, as_of=AS_OF)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir


def test_a_changed_ledger_re_renders_its_pages_only(make_repo, tmp_path) -> None:
    root, out = make_repo(), tmp_path / "out"
    site = built(root, out)
    assert engine_state(out)["incremental"] is False
    before = mtimes(site)

    rename_problem(root)
    site = built(root, out)
    assert engine_state(out)["incremental"] is True
    after = mtimes(site)
    assert after.keys() == before.keys()
    unit = "units/r1/wcjd/index.html"
    assert after[unit] > before[unit]
    assert "公车使用登记不全" in (site / unit).read_text(encoding="utf-8")
    assert "公务用车管理不规范" not in (site / unit).read_text(encoding="utf-8")
    # A page the change does not touch is the previous build's file, not rendered again.
    untouched = [page for page in before if after[page] == before[page]]
    assert "cases/index.html" in untouched
    assert len(untouched) > len(before) // 2, sorted(set(before) - set(untouched))
    # The search index is rebuilt over the whole site: the new words are found.
    assert "公车" in search_fragments(site)["/units/r1/wcjd/"]
    assert "公务用车管理不规范" not in "".join(search_fragments(site).values())


def test_nothing_changed_renders_nothing_but_the_overview(make_repo, tmp_path) -> None:
    root, out = make_repo(), tmp_path / "out"
    before = mtimes(built(root, out))
    after = mtimes(built(root, out))
    assert engine_state(out)["incremental"] is True
    # The overview names the build's time; every other page is left as it was.
    changed = {page for page in before if after[page] != before[page]}
    assert changed <= {"index.html", "404.html"}, changed


def test_a_renamed_round_rebuilds_every_page(make_repo, tmp_path) -> None:
    root, out = make_repo(), tmp_path / "out"
    built(root, out)
    rounds = root / "rounds/r1.yml"
    rounds.write_text(
        rounds.read_text(encoding="utf-8").replace("区委第一轮巡察", "区委第一轮常规巡察"),
        encoding="utf-8",
    )
    site = built(root, out)
    # The sidebar of every page names the round: a dirty build would leave it stale.
    assert engine_state(out)["incremental"] is False
    assert "区委第一轮常规巡察" in (site / "cases/index.html").read_text(encoding="utf-8")


def test_a_removed_ledger_leaves_no_page_behind(make_repo, tmp_path) -> None:
    # A second unit in the round, with its own ledger; then both taken out again.
    base = BASE_FILES["rounds/r1.yml"].rstrip()
    entry = base[base.index("              - unit: wcjd") :]
    rounds = base + "\n" + entry.replace("unit: wcjd", "unit: jyj") + "\n"
    units = BASE_FILES["rounds/units.yml"].replace(
        "            kind: bureau\n",
        "            kind: bureau\n            inspected_in: [r1]\n",
        1,
    )
    second = {
        "ledgers/r1/jyj.yml": BASE_FILES[LEDGER].replace("unit: wcjd", "unit: jyj"),
        "rounds/r1.yml": rounds,
        "rounds/units.yml": units,
    }
    root, out = make_repo(second), tmp_path / "out"
    site = built(root, out)
    assert (site / "units/r1/jyj/index.html").is_file()
    root = make_repo({"ledgers/r1/jyj.yml": None})
    site = built(root, out)
    assert engine_state(out)["incremental"] is False
    assert not (site / "units/r1/jyj/index.html").exists()
    assert not (out / "docs/units/r1/jyj.md").exists()
    assert "/units/r1/jyj/" not in search_fragments(site)


def test_a_broken_engine_state_means_a_full_build(make_repo, tmp_path) -> None:
    root, out = make_repo(), tmp_path / "out"
    built(root, out)
    (out / STATE_FILE).write_text("{not json", encoding="utf-8")
    built(root, out)
    assert engine_state(out)["incremental"] is False


# --- the HTML blocks hook ---------------------------------------------------------------


def test_the_hook_changes_no_byte_of_the_site(make_repo, tmp_path) -> None:
    """MkDocs with and without site/hooks.py, on the same docs tree: the same pages."""
    ledger = BASE_FILES[LEDGER].replace(
        "title: 公务用车管理不规范",
        "title: '公务用车 <table> </div> ```  <p>未闭合 {#x} *强调* [链接](https://a.example)'",
    )
    root, out = make_repo({LEDGER: ledger}), tmp_path / "out"
    built(root, out)
    config = json.loads((out / "mkdocs.yml").read_text(encoding="utf-8"))
    with_hook = out / "site"
    without = out / "plain.yml"
    config.pop("hooks")
    config["site_dir"] = "site.plain"
    without.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    run_mkdocs(without, dirty=False)
    plain = out / "site.plain"
    site_pages.secure(plain, None)  # the build puts the same Content-Security-Policy in every page
    pages = sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert (with_hook / page).read_bytes() == (plain / page).read_bytes(), page
    shutil.rmtree(plain)


@pytest.mark.parametrize(
    ("markdown", "taken"),
    [
        ("# T\n\n<table>\n<tr><td>a</td></tr>\n</table>\n\ntext", 1),
        # Consecutive blocks are one.
        ("<p>a</p>\n<table>\n<tr><td>b</td></tr>\n</table>\n", 1),
        # Text right after the closing tag: Markdown decides.
        ("<div>\n<p>a</p>\n</div>\n## heading\n", 0),
        ("<div>a</div> tail\n\n", 0),
        # Unbalanced, or not after a blank line, or inside a code fence: left alone.
        ("<div>\n<p>a</p>\n\nmore\n", 0),
        ("para\n<div>a</div>\n\n", 0),
        ("```\n<div>a</div>\n```\n", 0),
        # Nested blocks of the same tag, with blank lines inside.
        ("<div>\n<div>\n\na\n</div>\n</div>\n", 1),
    ],
)
def test_which_blocks_are_set_aside(markdown: str, taken: int) -> None:
    text, blocks = split_blocks(markdown, "m")
    assert len(blocks) == taken
    restored = text
    for i, block in enumerate(blocks):
        restored = restored.replace(f"<!--m-{i}-->", block)
    assert restored == markdown


def test_a_rebuild_reads_only_the_pages_mkdocs_rewrote(make_repo, tmp_path) -> None:
    """The policy and the search digests of the pages a dirty build copied come from the
    last build's record (site/pages.py); the site is what reading every page gives."""
    root, out = make_repo(), tmp_path / "out"
    site = built(root, out)
    assert engine_state(out)["pages_read"] == len(mtimes(site))
    rename_problem(root)
    before = mtimes(site)
    site = built(root, out)
    rewritten = [page for page, when in mtimes(site).items() if when != before.get(page)]
    assert "units/r1/wcjd/index.html" in rewritten
    assert 0 < engine_state(out)["pages_read"] <= len(rewritten) < len(before) // 2
    # Every page carries the policy the headers name, as a full read of the site gives.
    check = tmp_path / "check"
    shutil.copytree(site, check)
    site_pages.secure(check, None)
    for page in mtimes(site):
        assert (site / page).read_bytes() == (check / page).read_bytes(), page
    assert (site / "_headers").read_text() == (check / "_headers").read_text()


def test_a_new_inline_script_puts_the_new_policy_in_every_page(tmp_path) -> None:
    site, out = tmp_path / "site", tmp_path / "out"
    out.mkdir()
    page = '<html><head>\n<meta charset="utf-8">\n<title>{t}</title></head><body>{b}</body></html>'
    for name in ("a", "b"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(
            page.format(t=name, b="<script>var x = 1;</script>"), encoding="utf-8"
        )
    scanned, policy = site_pages.secure(site, None)
    site_pages.write_state(out, scanned, policy)
    assert scanned.read == {"a/index.html", "b/index.html"}

    # Nothing changed: nothing is read, nothing rewritten.
    again, same = site_pages.secure(site, out)
    assert again.read == set() and same == policy

    # A page brings a new inline script: only it is read, and every page gets the policy.
    (site / "b" / "index.html").write_text(
        page.format(t="b", b="<script>var x = 1;</script><script>var y = 2;</script>"),
        encoding="utf-8",
    )
    changed, new = site_pages.secure(site, out)
    assert changed.read == {"b/index.html"} and new != policy
    for name in ("a", "b"):
        assert new.strip() in (site / name / "index.html").read_text(encoding="utf-8")

    # A record that cannot be read is no record: every page is read.
    (out / site_pages.STATE_FILE).write_bytes(b"\x00garbage{")
    assert site_pages.secure(site, out)[0].read == {"a/index.html", "b/index.html"}


def test_a_rebuild_never_writes_into_the_site_in_place(make_repo, tmp_path) -> None:
    """A dirty build starts from the last site hard-linked, not copied: whatever it
    writes must be a new file, or the site readers see would change under them (and
    stay changed if the build failed)."""
    import hashlib
    import os

    root, out = make_repo(), tmp_path / "out"
    site = built(root, out)
    # A second name for every file of the site in place: it keeps their content to check.
    witness = tmp_path / "witness"
    shutil.copytree(site, witness, copy_function=os.link)
    files = [p for p in witness.rglob("*") if p.is_file()]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    rename_problem(root)
    site = built(root, out)
    assert engine_state(out)["incremental"] is True
    changed = [p for p in files if hashlib.sha256(p.read_bytes()).hexdigest() != before[p]]
    assert changed == []
    unit = "units/r1/wcjd/index.html"
    assert "公车使用登记不全" in (site / unit).read_text(encoding="utf-8")
    assert "公车使用登记不全" not in (witness / unit).read_text(encoding="utf-8")
    # The untouched files are the same files (linked), not copies.
    same = (site / "cases/index.html").stat().st_ino == (witness / "cases/index.html").stat().st_ino
    assert same
