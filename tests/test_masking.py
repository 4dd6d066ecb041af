"""Names of people held accountable: masked in the customary form, found in free text."""

from __future__ import annotations

from datetime import date

import pytest

from site_builder.audience import AudienceKind, parse_audience
from site_builder.masking import NameMasker, masked, person_name
from site_builder.pipeline import build

from conftest import BASE_FILES, diagnostics_of


@pytest.mark.parametrize(
    ("name", "public"),
    [("王芳", "王某"), ("刘海涛", "刘某某"), ("欧阳海涛", "欧阳某某"), ("欧阳修", "欧阳某"),
     ("司马光", "司马某"), ("买买提·艾力", "买某某"), ("马丁", "马某")],
)  # fmt: skip
def test_customary_masked_form(name: str, public: str) -> None:
    assert masked(name) == public


def test_person_fields_give_the_name_without_the_post() -> None:
    assert person_name("孙伟（原财务负责人）") == "孙伟"
    assert person_name("孙伟") == "孙伟"
    assert person_name("杨某某") is None  # already masked in a case
    assert person_name("Zhang Wei") is None


def test_longer_names_are_masked_before_the_names_they_contain() -> None:
    masker = NameMasker(frozenset({"欧阳海", "欧阳海涛", "王芳"}))
    assert masker.mask("欧阳海涛和欧阳海、王芳、王芳芳") == "欧阳某某和欧阳某、王某、王某芳"


def test_audience_is_parsed_once_into_a_kind_and_units() -> None:
    unit = parse_audience("unit:wcjd,jyj")
    assert unit.kind is AudienceKind.UNIT and unit.units == {"wcjd", "jyj"}
    assert str(unit) == "unit:jyj,wcjd" and parse_audience("public").kind is AudienceKind.PUBLIC
    for bad in ("unit:", "unit:WC JD", "everyone", "unit:wcjd,,jyj"):
        with pytest.raises(ValueError):
            parse_audience(bad)


NAMED = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
    "title: 公务用车管理不规范",
    "title: 公务用车管理不规范\n            description: 原财务负责人孙伟私自出借公务用车",
)


def test_free_text_naming_a_person_held_accountable_is_warned(make_repo) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": NAMED})
    found = [d for d in diagnostics_of(root) if d.code == "C001"]
    assert len(found) == 1 and "孙伟" in found[0].message and "孙某" in found[0].message
    assert found[0].file == "ledgers/r1/wcjd.yml" and found[0].line > 30
    # The accountability entry itself, and the owner fields, are not free text.
    assert not [d for d in diagnostics_of(make_repo()) if d.code == "C001"]


def test_public_build_masks_the_name_in_free_text(make_repo, tmp_path) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": NAMED})
    for audience, shown in (("internal", "孙伟私自"), ("public", "孙某私自")):
        result = build(
            root, tmp_path / audience, as_of=date(2017, 12, 1), audience=parse_audience(audience)
        )
        assert result.site_dir is not None
        page = (result.site_dir / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
        assert shown in page
        assert ("孙伟" in page) is (audience == "internal")


def test_unknown_unit_audience_builds_nothing(make_repo, tmp_path) -> None:
    result = build(make_repo(), tmp_path / "out", audience=parse_audience("unit:nosuch"))
    assert result.site_dir is None and [d.code for d in result.diagnostics] == ["C002"]
