"""Names of people held accountable, masked in the customary form (刘海涛 → 刘某某).

Published texts do not name people disciplined. The names come from the ledgers'
accountability entries (``person``, possibly written with a post in brackets) and
from the typical cases' problems, which point at those entries. A name is masked
wherever it occurs, free text included: a problem description, a measure, an
evidence title, a case body, a commit message quoted in the history.

The surname is kept and the given name replaced: 王芳 → 王某, 刘海涛 → 刘某某,
欧阳海涛 → 欧阳某某 (compound surnames), 买买提·艾力 → 买某某 (names with a
middle dot keep nothing but the first character).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from site_builder.model import Project

# Two-character surnames still in use; a name starting with one keeps both characters.
_COMPOUND = (
    "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯轩辕令狐端木独孤"
    "南宫西门百里呼延赫连澹台公冶宗政濮阳太史申屠钟离闻人万俟单于司空淳于"
    "仲孙第五梁丘左丘东郭拓跋完颜颛孙壤驷谷梁乐正漆雕巫马鲜于闾丘亓官司寇"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# A person as written in a ledger: the name, then optionally a post in brackets.
_NAME = re.compile(rf"^\s*([{_HAN}]{{2,5}}(?:·[{_HAN}]{{1,8}})?)(?=$|[\s（(，,、/])")
MASK = "某"


def masked(name: str) -> str:
    """The customary public form of ``name``: the surname, then 某 or 某某."""
    if "·" in name:
        return name[0] + MASK * 2
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) >= 3 else name[:1]
    given = len(name) - len(surname)
    return surname + MASK * (1 if given <= 1 else 2)


def person_name(text: str) -> str | None:
    """The name in a person field such as “孙伟” or “孙伟（原财务负责人）”, if it is one."""
    found = _NAME.match(text or "")
    if found is None or MASK in found.group(1):  # already masked (杨某某)
        return None
    return found.group(1)


def accountable_names(project: Project) -> set[str]:
    """Every person held accountable in the project's ledgers (cases point at these)."""
    names = set()
    for ledger in project.ledgers:
        for problem in ledger.problems:
            for entry in problem.accountability:
                if (name := person_name(entry.person)) is not None:
                    names.add(name)
    return names


@dataclass(frozen=True)
class NameMasker:
    """Replaces each of ``names`` in any text by its masked form."""

    names: frozenset[str]

    @property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        # Longest first: 欧阳海涛 before 欧阳海.
        ordered = sorted(self.names, key=lambda n: (-len(n), n))
        return re.compile("|".join(re.escape(n) for n in ordered))

    def mask(self, text: str) -> str:
        pattern = _compiled(self)
        if pattern is None or not text:
            return text
        return pattern.sub(lambda m: masked(m.group(0)), text)

    def found_in(self, text: str) -> list[str]:
        pattern = _compiled(self)
        if pattern is None or not text:
            return []
        return sorted(set(pattern.findall(text)))

    def mask_value(self, value: Any) -> Any:
        """``value`` (a record, a list, a string) with every name in its text masked."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, list):
            return [self.mask_value(item) for item in value]
        if isinstance(value, BaseModel):
            update = {}
            for name in type(value).model_fields:
                if name == "src":
                    continue
                old = getattr(value, name)
                new = self.mask_value(old)
                if new is not old and new != old:
                    update[name] = new
            return value.model_copy(update=update) if update else value
        return value

    def mask_project(self, project: Project) -> Project:
        """Every record list of ``project`` with the names masked."""
        changes = {}
        for f in dataclasses.fields(project):
            value = getattr(project, f.name)
            if isinstance(value, list) and value and isinstance(value[0], BaseModel):
                changes[f.name] = self.mask_value(value)
        return dataclasses.replace(project, **changes)


_CACHE: dict[frozenset[str], re.Pattern[str] | None] = {}


def _compiled(masker: NameMasker) -> re.Pattern[str] | None:
    if masker.names not in _CACHE:
        _CACHE.clear()  # one name set per build; keep no more than one pattern alive
        _CACHE[masker.names] = masker._pattern
    return _CACHE[masker.names]


# --- Finding names in free text (the C001 warning) ----------------------------------------

# Fields that name a person on purpose: a name there is not free text to reword.
PERSON_FIELDS = frozenset(
    {"person", "owner", "leader", "name", "reviewer", "members", "evaluators", "participants",
     "person_in_charge", "issuer", "leading_group"}
)  # fmt: skip


@dataclass(frozen=True)
class Mention:
    file: str
    line: int
    col: int
    field: str
    name: str


# Records no audience but the internal one ever sees: the clue ledger (问题线索) names the
# persons concerned by design, and is hidden whole outside the office.
HIDDEN_RECORDS = frozenset({"clues"})


def mentions(project: Project, masker: NameMasker) -> Iterator[Mention]:
    """Free text (not a person field) that names a person held accountable."""
    for f in dataclasses.fields(project):
        if f.name in HIDDEN_RECORDS:
            continue
        value = getattr(project, f.name)
        if isinstance(value, list):
            for record in value:
                if isinstance(record, BaseModel):
                    yield from _walk(record, (), masker, None)


def _walk(
    record: BaseModel, path: tuple[str, ...], masker: NameMasker, parent: Any
) -> Iterator[Mention]:
    src = getattr(record, "src", None)
    if src is None or src.file == "<memory>":  # evidence written as a plain line
        src = parent
    for name in type(record).model_fields:
        if name == "src" or name in PERSON_FIELDS:
            continue
        value = getattr(record, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                yield from _walk(item, (*path, name), masker, src)
            elif isinstance(item, str):
                for person in masker.found_in(item):
                    yield Mention(
                        src.file if src else "",
                        src.line if src else 0,
                        src.col if src else 0,
                        ".".join((*path, name)),
                        person,
                    )


def names_in(texts: Iterable[str], masker: NameMasker) -> set[str]:
    return {name for text in texts for name in masker.found_in(text)}
