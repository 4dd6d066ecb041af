"""Compiled templates kept between builds (render/env.py): used when sound, never a failure."""

from __future__ import annotations

from pathlib import Path

from jinja2 import DictLoader, Environment

from site_builder.render.env import _KeptTemplates, kept_templates

TEMPLATES = {"page.md.j2": "{% for i in range(3) %}{{ i * 2 }}{% endfor %}"}


def fresh(directory: Path) -> Environment:
    return Environment(loader=DictLoader(TEMPLATES), bytecode_cache=_KeptTemplates(str(directory)))


def test_a_compiled_template_is_kept_and_used(tmp_path) -> None:
    assert fresh(tmp_path).get_template("page.md.j2").render() == "024"
    (kept,) = tmp_path.iterdir()
    written = kept.stat().st_mtime_ns
    # A second environment (the next build) loads it and does not write it again.
    assert fresh(tmp_path).get_template("page.md.j2").render() == "024"
    assert kept.stat().st_mtime_ns == written


def test_a_damaged_cache_file_means_compiling(tmp_path) -> None:
    fresh(tmp_path).get_template("page.md.j2")
    (kept,) = tmp_path.iterdir()
    sound = kept.read_bytes()
    for damage in (b"", sound[: len(sound) // 2], b"\x00" * 64, sound[:12] + b"\xff" * 40):
        kept.write_bytes(damage)
        assert fresh(tmp_path).get_template("page.md.j2").render() == "024", damage


def test_a_folder_that_cannot_hold_the_cache_means_compiling(tmp_path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    assert fresh(not_a_folder).get_template("page.md.j2").render() == "024"


def test_the_site_uses_a_cache_of_its_own_user() -> None:
    cache = kept_templates()
    assert cache is not None
    folder = Path(cache.directory)  # type: ignore[attr-defined]
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
