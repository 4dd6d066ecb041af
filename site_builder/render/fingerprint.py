"""Page fingerprints: a page whose inputs are what they were is neither rendered nor rewritten.

A fingerprinted page's key is a digest of exactly what its template reads (the unit's
view, its analysis, feedback list and 督办, the round's id and name) together with a
scope shared by every page of the build: the code (every source file of the package,
templates included, and its version), the audience, the settings and the other site
values the templates print. ``OUT/render-fingerprints.json`` keeps each page's key
and the size and modification time of the file written for it; a page whose key and
file are unchanged is kept as it is (``DocsTree.keep``). Anything in doubt renders:
a missing or unreadable state, a file changed since, a value the digest cannot read
deterministically (an object printed with its address changes every build).

Values are digested by content, not identity: records through pydantic's JSON dump
(the fields a template reads; ``src`` is excluded, diagnostics carry the lines),
dataclasses field by field, mappings in their order (templates print in that order),
sets sorted. Digests of containers are remembered by object for the build, so a
record shared by several views is read once.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from site_builder.history import Event
from site_builder.history.signoff import SignOff

if TYPE_CHECKING:
    from site_builder.render.tree import DocsTree
    from site_builder.render.views import RoundView, SiteData, UnitView

STATE_FILE = "render-fingerprints.json"
# Bump when what a fingerprint covers changes in a way the code digest does not show.
_VERSION = 1
_PACKAGE = Path(__file__).resolve().parent.parent  # site_builder/
_SOURCES = (".py", ".j2", ".html", ".css", ".js", ".yml")


@cache
def code_digest(package: Path = _PACKAGE) -> str:
    """Every source file of the package (templates, filters, labels …) and its version."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        digest.update(metadata.version("rectify-ledger").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"-")
    for path in sorted(package.rglob("*")):
        if path.suffix in _SOURCES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# A history's events are most of what a unit page reads: digested by one repr of their
# values, not field by field. Used only while the records have exactly these fields.
_EVENT_FIELDS = ("item", "kind", "old", "new", "days", "commit", "author", "author_email",
                 "date", "subject", "landed", "signoff")  # fmt: skip
_SIGNOFF_FIELDS = ("state", "commit", "approver", "approver_email", "via", "reason")
_FAST_EVENTS = (
    tuple(f.name for f in dataclasses.fields(Event)) == _EVENT_FIELDS
    and tuple(f.name for f in dataclasses.fields(SignOff)) == _SIGNOFF_FIELDS
)


def _event_bytes(e: Event) -> bytes:
    s = e.signoff
    values = (
        e.item, str(e.kind), e.old, e.new, e.days, e.commit, e.author, e.author_email,
        e.date.isoformat(), e.subject, e.landed.isoformat(),
        str(s.state), s.commit, s.approver, s.approver_email, s.via, s.reason,
    )  # fmt: skip
    return b"e" + repr(values).encode("utf-8", "surrogatepass")


class Digester:
    """Content digests of view values; containers remembered by object for one build."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}  # a dataclass's field names

    def digest(self, *values: object) -> str:
        return hashlib.blake2b(b"\x1e".join(map(self._value, values)), digest_size=16).hexdigest()

    def _value(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str:
            return b"s:" + value.encode("utf-8", "surrogatepass")
        if value is None or kind is int or kind is bool or kind is float:
            return repr(value).encode()
        if kind is Event and _FAST_EVENTS:
            return _event_bytes(value)
        if isinstance(value, str):  # Markup and StrEnum values
            return b"s" + kind.__name__.encode() + b":" + value.encode("utf-8", "surrogatepass")
        if isinstance(value, (date, datetime, Decimal)):  # datetime includes its offset
            return kind.__name__.encode() + b":" + str(value).encode()
        if isinstance(value, enum.Enum):
            return kind.__qualname__.encode() + b"." + self._value(value.value)
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        digest = hashlib.blake2b(self._parts(value), digest_size=16).digest()
        self._seen[id(value)] = (value, digest)  # the object is kept: its id stays unique
        return digest

    def _parts(self, value: Any) -> bytes:
        kind = type(value)
        name = kind.__qualname__.encode()
        if isinstance(value, BaseModel):
            try:
                return b"m" + name + b":" + value.model_dump_json().encode()
            except (ValueError, TypeError):  # not serializable: walk its fields
                return b"M" + name + self._items(vars(value).items())
        names = self._fields.get(kind)
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            get = value.__getattribute__
            return b"d" + name + b"\x1f".join([self._value(get(n)) for n in names])
        if isinstance(value, Mapping):
            return b"D" + name + self._items(value.items())
        if isinstance(value, (list, tuple)):
            return b"L" + name + b"\x1f".join([self._value(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return b"S" + name + b"\x1f".join(sorted(map(self._value, value)))
        # Anything else by its printed form; one with an address in it renders every build.
        return b"?" + name + b":" + repr(value).encode("utf-8", "surrogatepass")

    def _items(self, items: Any) -> bytes:
        value = self._value
        return b"\x1f".join([value(k) + b"\x1d" + value(v) for k, v in items])


class PageCache:
    """The fingerprints of the previous render and the ones this render records."""

    def __init__(self, docs_dir: Path, *scope: object) -> None:
        self.path = docs_dir.parent / STATE_FILE
        self.docs_dir = docs_dir
        self.digester = Digester()
        self.scope = self.digester.digest(_VERSION, code_digest(), *scope)
        self.previous = _read_state(self.path, self.scope)
        self.current: dict[str, list] = {}
        self.rendered: list[str] = []
        self.reused: list[str] = []
        # Indexes the keys look things up in, made once a build (the clues by unit).
        self.index: dict[str, Any] = {}

    def key(self, *inputs: object) -> str:
        return self.digester.digest(self.scope, *inputs)

    def reuse(self, tree: DocsTree, rel: str, key: str) -> bool:
        """Keep ``rel`` as the previous render wrote it, if its key and file are unchanged."""
        entry = self.previous.get(rel)
        if entry is None or entry[0] != key or file_state(self.docs_dir / rel) != entry[1:]:
            return False
        if tree.keep(rel):
            self.current[rel] = entry
            self.reused.append(rel)
        return True

    def wrote(self, rel: str, key: str) -> None:
        """``rel`` was rendered and written for ``key`` (call after ``DocsTree.write``)."""
        state = file_state(self.docs_dir / rel)
        if state is not None and rel not in self.current:
            self.current[rel] = [key, *state]
        self.rendered.append(rel)

    def save(self, tree: DocsTree) -> None:
        pages = {rel: e for rel, e in self.current.items() if rel.casefold() in tree.written}
        state = {"scope": self.scope, "pages": pages, "rendered": self.rendered}
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)


def file_state(path: Path) -> list[int] | None:
    """[size, modification time in ns] of a regular file; None for anything else."""
    try:
        found = path.lstat()
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns] if path.is_file() and not path.is_symlink() else None


def _read_state(path: Path, scope: str) -> dict[str, list]:
    """The previous render's pages, if it had the same scope; nothing otherwise."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("scope") != scope:
        return {}
    pages = state.get("pages")
    if not isinstance(pages, dict):
        return {}
    return {
        rel: entry
        for rel, entry in pages.items()
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
    }


_DERIVED = frozenset({"timeline", "measures"})


def unit_page_cache(site: SiteData, docs_dir: Path) -> PageCache:
    """The fingerprints of unit pages: their scope is what every unit page reads from
    ``site`` (the settings, the pattern names, whether there is a history)."""
    audience = site.build.get("audience", "internal")
    return PageCache(
        docs_dir, audience, site.project.settings, site.patterns, site.history.available
    )


def unit_page_key(cache: PageCache, site: SiteData, page: Mapping[str, Any]) -> str:
    """Exactly what unit.md.j2 and its partials read besides the cache's scope: the
    template's arguments other than ``site`` (``page``: ``r``, ``u``, ``dubian`` and any
    other) and, from ``site``, the unit's analysis, feedback list and problem clues.

    The view's timeline and measure rows are left out: views.py derives them from the
    ledger and the analysis (its events and colours), which are in. Any other field,
    a new one included, is in."""
    r: RoundView = page["r"]
    u: UnitView = page["u"]
    dubian = page.get("dubian")
    extra = sorted((k, v) for k, v in page.items() if k not in ("r", "u", "dubian"))
    shown = [getattr(u, f.name) for f in dataclasses.fields(u) if f.name not in _DERIVED]
    feedback = site.project.feedback_by_key.get(u.ledger.key) if u.ledger else None
    # 督办 prints the day it is judged on; other pages' dates are in their figures.
    as_of = site.as_of if dubian is not None else None
    analysis = site.analysis.ledger(u.key)
    # The 对账 view lists the unit's problem clues (rounds/clues/), which no view holds.
    by_unit = cache.index.get("clues")
    if by_unit is None:  # one pass over the clues, not one per unit page
        by_unit = cache.index["clues"] = {}
        for clue in site.project.clues:
            by_unit.setdefault((clue.round, clue.unit), []).append(clue)
    clues = by_unit.get((r.id, u.unit.id), [])
    return cache.key(r.id, r.name, *shown, analysis, feedback, clues, dubian, as_of, extra)


def write_kept(
    tree: DocsTree, cache: PageCache | None, rel: str, key: str, make: Callable[[], str | bytes]
) -> bool:
    """Write ``rel`` with what ``make`` returns unless the previous render wrote it for
    ``key`` and it is unchanged (then kept); True if it was rendered. Without a cache,
    always rendered."""
    if cache is None:
        tree.write(rel, make())
        return True
    if cache.reuse(tree, rel, key):
        return False
    if tree.write(rel, make()):
        cache.wrote(rel, key)
    return True
