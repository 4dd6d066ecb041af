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
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from site_builder.history import History, Kind
from site_builder.model import Project
from site_builder.model.source import Source

# Two-character surnames still in use; a name starting with one keeps both characters.
_COMPOUND = (
    "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯轩辕令狐端木独孤"
    "南宫西门百里呼延赫连澹台公冶宗政濮阳太史申屠钟离闻人万俟单于司空淳于"
    "仲孙第五梁丘左丘东郭拓跋完颜颛孙壤驷谷梁乐正漆雕巫马鲜于闾丘亓官司寇"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# A person as written in a ledger: the name, then optionally a post in brackets.
_HAN_CHAR = re.compile(f"[{_HAN}]")
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
    for f in dataclasses.fields(project):
        if f.name not in HIDDEN_RECORDS:
            _known(getattr(project, f.name), found)
    _known(project.signers, found)
    return found


def _known(value: Any, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, str):
                _known(item, found)
    elif isinstance(value, BaseModel) and type(value).__name__ not in _NOT_PEOPLE:
        fields = value.__dict__
        people, others = _known_plan(type(value))
        for field_name in people:
            item = fields[field_name]
            for text in item if isinstance(item, list) else [item]:
                if isinstance(text, str) and (name := person_name(text)):
                    found.add(name)
        for field_name in others:
            item = fields[field_name]
            if isinstance(item, BaseModel | list):
                _known(item, found)


_KNOWN_PLANS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _known_plan(cls: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A record type's person fields (but ``person``, the accountable one) and the rest."""
    plan = _KNOWN_PLANS.get(cls)
    if plan is None:
        names = tuple(cls.model_fields)
        people = tuple(n for n in names if n in PERSON_FIELDS and n != "person")
        others = tuple(n for n in names if n not in PERSON_FIELDS and not _inert(cls, n))
        plan = _KNOWN_PLANS[cls] = (people, others)
    return plan


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
        every = self.names | {s for s in self.shields if any(n in s for n in self.names)}
        return re.compile(_trie(every))

    @cached_property
    def _matcher(self) -> re.Pattern[str] | None:
        # Kept on the masker: looking an equal masker's pattern up in _CACHE compares the
        # name sets, which costs their size on every text.
        return _compiled(self)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each listed name to mask: not inside a longer shielding name."""
        pattern = self._matcher
        if pattern is None or not text:
            return []
        # The pattern matches the longest name starting at a position; searching again one
        # character further finds overlapping names. Each search skips, in C, to the next
        # character that starts a name: a text costs its length, whatever the names' count.
        listed: list[tuple[int, int]] = []
        shielding: list[tuple[int, int]] = []
        found = pattern.search(text)
        while found is not None:
            start, end = found.span()
            (listed if found.group() in self.names else shielding).append((start, end))
            found = pattern.search(text, start + 1)
        if not listed:
            return []
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
        spans = self._spans(text)
        return sorted({text[a:b] for a, b in spans}) if spans else []

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


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching the longest of ``words`` at a position, as a trie:
    the branches of each node start with different characters, so at most one of them
    goes on, and an optional tail is tried before stopping (longest first). The top level
    is a plain alternation of literals, which lets the engine skip, in C, to a character
    that starts a word."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return "|".join(_branches(root))


def _branches(node: dict[str, Any]) -> list[str]:
    return [re.escape(char) + _tail(child) for char, child in sorted(node.items()) if char]


def _tail(node: dict[str, Any]) -> str:
    branches = _branches(node)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


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


def mentions(project: Project, masker: NameMasker | None = None) -> Iterator[Mention]:
    """Free text (not a person field) that names a person held accountable.

    ``masker`` defaults to the public build's (``masker_for``). Its shields (the names the
    records give on purpose) take a walk of every record, and only ever drop a name found:
    they are read only if a text names someone at all.
    """
    rough = masker or NameMasker(frozenset(accountable_names(project)))
    if not rough.names:
        return
    texts: list[tuple[Any, str, str]] = []  # (source, field path, text) naming someone
    for f in dataclasses.fields(project):
        if f.name in HIDDEN_RECORDS:
            continue
        value = getattr(project, f.name)
        if isinstance(value, list):
            for record in value:
                if isinstance(record, BaseModel):
                    _walk(record, (), rough, None, texts)
    exact = masker or (masker_for(project) if texts else rough)
    for src, field, text in texts:
        for person in exact.found_in(text):
            yield Mention(
                src.file if src else "", src.line if src else 0, src.col if src else 0,
                field, person,
            )  # fmt: skip


def _walk(
    record: BaseModel,
    path: tuple[str, ...],
    masker: NameMasker,
    parent: Any,
    found: list[tuple[Any, str, str]],
) -> None:
    src = getattr(record, "src", None)
    if src is None or src.file == "<memory>":  # evidence written as a plain line
        src = parent
    fields = record.__dict__
    for name in _text_plan(type(record)):
        value = fields[name]
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str):
                if item and masker._spans(item):
                    found.append((src, ".".join((*path, name)), item))
            elif isinstance(item, BaseModel):
                _walk(item, (*path, name), masker, src, found)


_TEXT_PLANS: dict[type, tuple[str, ...]] = {}


def _text_plan(cls: type[BaseModel]) -> tuple[str, ...]:
    """A record type's fields that may hold free text or records: all but the person fields."""
    plan = _TEXT_PLANS.get(cls)
    if plan is None:
        names = cls.model_fields
        plan = _TEXT_PLANS[cls] = tuple(
            n for n in names if n != "src" and n not in PERSON_FIELDS and not _inert(cls, n)
        )
    return plan


_INERT_TYPES = (type(None), bool, int, float, Decimal, date, datetime, Source)


def _inert(cls: type[BaseModel], field_name: str) -> bool:
    """Whether a field's type says it never holds a name: dates, numbers, fixed codes."""
    return _inert_type(cls.model_fields[field_name].annotation)


def _inert_type(annotation: Any) -> bool:
    if annotation in _INERT_TYPES:
        return True
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:  # a fixed code such as 'open': never a name, which is in Chinese
        return all(not isinstance(v, str) or not _HAN_CHAR.search(v) for v in args)
    if origin is Annotated:
        return _inert_type(args[0])
    if origin in (Union, UnionType, list, tuple):
        return all(a is Ellipsis or _inert_type(a) for a in args)
    return False


def names_in(texts: Iterable[str], masker: NameMasker) -> set[str]:
    return {name for text in texts for name in masker.found_in(text)}
