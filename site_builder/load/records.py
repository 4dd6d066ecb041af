"""Plain data to typed records, with schema errors turned into catalogue diagnostics."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.yaml_strict import ParsedYaml
from site_builder.model.labels import choices_text, field_label

M = TypeVar("M", bound=BaseModel)


def build_record(parsed: ParsedYaml, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate parsed data against ``model``; on failure, one diagnostic per problem."""
    diagnostics = list(parsed.diagnostics)
    if parsed.data is None:
        return None, diagnostics
    try:
        return model.model_validate(parsed.data), diagnostics
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            diagnostics.append(_translate(error, parsed, model))
        return None, diagnostics


def _translate(error: Any, parsed: ParsedYaml, model: type[BaseModel]) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    names = [step for step in loc if isinstance(step, str)]
    name = names[-1] if names else "(文件顶层)"
    parent = names[-2] if len(names) > 1 else ""
    label = field_label(name) if names else "整个文件"
    line, col = parsed.mark(loc)
    value = error.get("input")
    # A mapping or list where a value belongs is named, never printed as Python data.
    shown = _describe(value) if isinstance(value, dict | list) else value
    where: dict[str, Any] = {"file": parsed.file, "line": line, "col": col}

    if kind == "missing":
        return diag("S001", **where, field=name, label=label)
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            hint = f"是否想写“{close[0]}”（{field_label(close[0])}）？"
        else:
            hint = "这里可用的字段：" + "、".join(known) + "。"
        return diag("S002", **where, field=name, hint=hint)
    if kind in _EXPECTED:
        return diag(
            "S003",
            **where,
            field=name,
            label=label,
            expected=_EXPECTED[kind],
            actual=_describe(value),
        )
    if kind == "ledger_date":
        return diag("S004", **where, field=name, label=label, value=shown)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        return diag(
            "S005",
            **where,
            field=name,
            label=label,
            value=shown,
            choices=choices_text(name, allowed, context=parent),
        )
    if kind == "bool_parsing":
        return diag("S005", **where, field=name, label=label, value=shown, choices="true、false")
    if kind == "ledger_id":
        return diag("S006", **where, value=shown)
    if kind == "ledger_empty":
        return diag("S008", **where, field=name, label=label)
    if kind in ("int_parsing", "greater_than_equal", "less_than_equal", "int_type"):
        low, high = _bounds(model, loc)
        return diag("S007", **where, field=name, label=label, low=low, high=high, value=shown)
    return diag("S009", **where, field=name, label=label, detail=error.get("msg", kind))


# pydantic's type errors, by the shape the field expected (S003).
_MAPPING = "映射（“字段: 值”的形式）"
_EXPECTED = {
    "model_type": _MAPPING,
    "dict_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dataclass_type": _MAPPING,
    "list_type": "列表（每项以“- ”开头）",
    "string_type": "文字",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    text = str(value)
    return f"文字“{text[:20]}{'…' if len(text) > 20 else ''}”"


def _unwrap(annotation: Any) -> Any:
    """The model class inside Optional[...], list[...] and Annotated[...], if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _walk(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    current: type[BaseModel] | None = model
    info: FieldInfo | None = None
    for step in loc:
        if isinstance(step, int) or current is None:
            continue
        info = current.model_fields.get(step)
        if info is None:
            return None, None
        current = _unwrap(info.annotation)
    return current, info


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    target, _ = _walk(model, loc)
    if target is None:
        return []
    return [name for name in target.model_fields if name != "src"]


def _bounds(model: type[BaseModel], loc: tuple) -> tuple[str, str]:
    _, info = _walk(model, loc)
    low, high = "0", "无上限"
    metadata = list(info.metadata) if info else []
    if info is not None:
        for arg in typing.get_args(info.annotation):
            metadata.extend(getattr(arg, "metadata", []) or [])
            if isinstance(arg, FieldInfo):
                metadata.extend(arg.metadata)
    for item in metadata:
        if isinstance(item, Ge):
            low = str(item.ge)
        if isinstance(item, Le):
            high = str(item.le)
    return low, high
