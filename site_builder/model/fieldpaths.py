"""Field paths such as ``problems.accountability.person``: where a field sits in a file.

A path is the chain of YAML keys in its file, joined with "." and without list
levels. Ledger fields start at the ledger's top keys (``plan``, ``problems``,
``report``); a round's at ``teams``; any file kind can also be named first
(``ledgers.``, ``rounds.``, ``units.``, ``common_problems.``, ``self_checks.``,
``cases.``, and the project's other record lists such as ``evaluations.``).
``resolve`` turns a path into the Project attribute that holds those records and
the field names to follow.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, fields
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from site_builder.model.district import Case, CommonProblem, Round, SelfCheck, Unit
from site_builder.model.ledger import Ledger
from site_builder.model.project import Project
from site_builder.model.types import _to_id


@dataclass(frozen=True)
class FieldPath:
    text: str  # as written
    records: str  # the Project attribute holding the records, e.g. "ledgers"
    steps: tuple[str, ...]  # field names from the record down, e.g. ("problems", "title")
    free_text: bool  # the field (or everything under it) is text staff typed

    def covers(self, records: str, steps: tuple[str, ...]) -> bool:
        """Whether this path is ``steps`` of ``records`` or lies above it."""
        return records == self.records and steps[: len(self.steps)] == self.steps


_KINDS: dict[str, type[BaseModel]] = {
    "ledgers": Ledger,
    "rounds": Round,
    "units": Unit,
    "common_problems": CommonProblem,
    "self_checks": SelfCheck,
    "cases": Case,
}
# Shorthands: a path starting with one of a ledger's or a round's own keys.
_SHORT = {"plan": "ledgers", "problems": "ledgers", "report": "ledgers", "teams": "rounds"}


def record_kinds() -> dict[str, type[BaseModel]]:
    """Project attributes that hold lists of records, with their record class."""
    kinds = dict(_KINDS)
    hints = typing.get_type_hints(Project)
    for f in fields(Project):
        model = _model_in(hints.get(f.name))
        if typing.get_origin(hints.get(f.name)) is list and model is not None:
            kinds.setdefault(f.name, model)
    return kinds


def resolve(text: str) -> FieldPath | str:
    """The FieldPath for ``text``, or a Chinese description of what is wrong with it."""
    parts = [p.strip() for p in text.strip().split(".")]
    if not parts or not all(parts):
        return "不是“字段.字段”的写法"
    kinds = record_kinds()
    if parts[0] in kinds:
        records, steps = parts[0], parts[1:]
    elif parts[0] in _SHORT:
        records, steps = _SHORT[parts[0]], parts
    else:
        return "的第一段“" + parts[0] + "”不是文件类型或台账字段"
    if not steps:
        return "只写了文件类型，没有写字段"
    model: type[BaseModel] | None = kinds[records]
    info: FieldInfo | None = None
    for i, step in enumerate(steps):
        if model is None or step not in model.model_fields or step == "src":
            return f"中的“{step}”不是“{'.'.join([records, *steps[:i]])}”下的字段"
        info = model.model_fields[step]
        model = _model_in(info.annotation)
    assert info is not None
    free = model is not None or _is_list(info.annotation) or is_free_text(info)
    if not free and (info.is_required() or info.default is not None):
        # Hiding an id, a code or a date with a default (status: open) would state a falsehood.
        return "是编号、代码、日期或数字字段，不能隐去"
    return FieldPath(text.strip(), records, tuple(steps), free_text=free)


def is_free_text(info: FieldInfo) -> bool:
    """Text staff type (not an id, a code from a fixed list, a date or a number)."""
    annotation = _strip_optional(info.annotation)
    if annotation is not str:
        return False
    return not any(getattr(m, "func", None) is _to_id for m in info.metadata)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_list(annotation: Any) -> bool:
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return typing.get_origin(annotation) is list


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The record class inside Optional[...], list[...] and Annotated[...], if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if (found := _model_in(arg)) is not None:
                return found
        return None
    if origin is Literal:
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
