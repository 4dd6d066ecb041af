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

from site_builder.history import History, Kind
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


def accountable_names(project: Project, history: History | None = None) -> set[str]:
    """Every person held accountable in the project's ledgers (cases point at these), and
    in every earlier version of them the history read: an entry removed or edited later
    (append-only; the history reports it as 问责记录被删改, with the entry's person) still
    names someone whose name a text may have kept."""
    names = set()
    for ledger in project.ledgers:
        for problem in ledger.problems:
            for entry in problem.accountability:
                if (name := person_name(entry.person)) is not None:
                    names.add(name)
    for event in history.events if history is not None else ():
        name = person_name(event.old or "") if event.kind is Kind.ACCOUNTABILITY_ALTERED else None
        if name is not None:
            names.add(name)
    return names


# Records whose ``name`` is not a person's.
_NOT_PEOPLE = frozenset({"Unit", "Category", "PlatformKey", "CommonProblem", "Guide"})


def known_names(project: Project) -> set[str]:
    """Names of people the records name on purpose (owners, leaders, reviewers, team
    members …): a listed name inside one of these longer names is another person's."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, BaseModel) and type(value).__name__ not in _NOT_PEOPLE:
            for field_name in type(value).model_fields:
                item = getattr(value, field_name)
                if field_name in PERSON_FIELDS and field_name != "person":
                    for text in item if isinstance(item, list) else [item]:
                        if isinstance(text, str) and (name := person_name(text)):
                            found.add(name)
                elif isinstance(item, BaseModel | list):
                    walk(item)

    for f in dataclasses.fields(project):
        if f.name not in HIDDEN_RECORDS:
            walk(getattr(project, f.name))
    walk(project.signers)
    return found


@dataclass(frozen=True)
class NameMasker:
    """Replaces each of ``names`` in any text by its masked form.

    The rule (docs/guide/publishing.md): a listed name is masked wherever it occurs,
    inside longer words too (张伟 in 张伟东 when 张伟东 is nobody we know), except where the
    occurrence lies inside a longer name of ``shields``, people the records name on
    purpose who are not held accountable (张伟东 as a measure's owner). At each position the
    longest name wins, listed or shielding; overlapping listed names are masked longest
    first, then again until no listed name is left, so masking never leaves one readable.
    """

    names: frozenset[str]
    shields: frozenset[str] = frozenset()

    @property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        # Longest first: 欧阳海涛 before 欧阳海. A lookahead finds overlapping occurrences.
        every = self.names | {s for s in self.shields if any(n in s for n in self.names)}
        ordered = sorted(every, key=lambda n: (-len(n), n))
        return re.compile("(?=(" + "|".join(re.escape(n) for n in ordered) + "))")

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each listed name to mask: not inside a longer shielding name."""
        pattern = _compiled(self)
        if pattern is None or not text:
            return []
        listed: list[tuple[int, int]] = []
        shielding: list[tuple[int, int]] = []
        for found in pattern.finditer(text):
            span = (found.start(), found.start() + len(found.group(1)))
            (listed if found.group(1) in self.names else shielding).append(span)
        return [
            (a, b)
            for a, b in listed
            if not any(s <= a and b <= e and e - s > b - a for s, e in shielding)
        ]

    def mask(self, text: str) -> str:
        for _ in range(8):  # each pass masks at least one name; few texts need a second
            spans = self._spans(text)
            if not spans:
                return text
            chosen: list[tuple[int, int]] = []
            for a, b in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
                if all(b <= c or d <= a for c, d in chosen):
                    chosen.append((a, b))
            for a, b in sorted(chosen, reverse=True):
                text = text[:a] + masked(text[a:b]) + text[b:]
        return text

    def found_in(self, text: str) -> list[str]:
        return sorted({text[a:b] for a, b in self._spans(text)})

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


def masker_for(project: Project, history: History | None = None) -> NameMasker:
    """The masker of a public build: every name ever held accountable, shielded by the
    longer names of people the records name on purpose."""
    names = frozenset(accountable_names(project, history))
    return NameMasker(names, frozenset(known_names(project) - names))


_CACHE: dict[tuple[frozenset[str], frozenset[str]], re.Pattern[str] | None] = {}


def _compiled(masker: NameMasker) -> re.Pattern[str] | None:
    key = (masker.names, masker.shields)
    if key not in _CACHE:
        _CACHE.clear()  # one name set per build; keep no more than one pattern alive
        _CACHE[key] = masker._pattern
    return _CACHE[key]


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
