"""JSON Schemas for every YAML file kind, derived from the records in ``site_builder.model``.

The loader reads every scalar as text and the records convert it. Editors do not: VS
Code's YAML extension and check-jsonschema parse YAML 1.2, so ``form: 1`` arrives as an
integer, ``pilot: true`` as a boolean and ``deadline: 2020-06-10`` as a string (a date
for YAML 1.1 tools, which check-jsonschema turns back into text). Each field type below
therefore accepts the native values whose text the validator accepts, and rejects what
the validator rejects: unknown keys, malformed ids and dates, values outside an
enumeration. Rules that need other files (references, 三不过, 销号) stay with the
validator; the schema is the fast, local first line.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass
from inspect import isclass
from pathlib import Path
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from site_builder.editor.schema_text import HELP, LABELS, MODEL_TITLES
from site_builder.load.project import RESERVED
from site_builder.model import labels
from site_builder.model.clues import ClueLedger
from site_builder.model.district import Catalogue, Registry, Round, SelfChecks, Settings, Signers
from site_builder.model.feedback import FeedbackList
from site_builder.model.ledger import EvidenceItem, Form, Ledger
from site_builder.model.money import Yuan
from site_builder.model.supervision import DUBIAN_KINDS, SupervisionFile
from site_builder.model.types import (
    ID_PATTERN,
    Id,
    LedgerDate,
    Level,
    ListOf,
    OptDate,
    OptText,
    PositiveInt,
    Text,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
SUFFIX = ".schema.json"


@dataclass(frozen=True)
class FileKind:
    name: str  # the schema is schemas/<name>.schema.json
    model: type[BaseModel]
    title: str
    globs: tuple[str, ...]  # workspace globs for the editor ("!" excludes)

    @property
    def filename(self) -> str:
        return self.name + SUFFIX


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("ledger", Ledger, "整改台账", ("ledgers/**/*.yml", "ledgers/**/*.yaml")),
    # Any other rounds/*.yml is a round file (see load/project.py); the fixed names are excluded.
    FileKind(
        "round", Round, "巡察轮次", ("rounds/*.yml", *(f"!rounds/{n}" for n in sorted(RESERVED)))
    ),
    FileKind("units", Registry, "单位名录", ("rounds/units.yml",)),
    FileKind("common_problems", Catalogue, "共性问题目录", ("rounds/common_problems.yml",)),
    FileKind("self_checks", SelfChecks, "未巡先改自查", ("rounds/self_checks.yml",)),
    FileKind("settings", Settings, "设置", ("rounds/settings.yml",)),
    FileKind("signers", Signers, "签字人名单", ("rounds/signers.yml",)),
    FileKind("clues", ClueLedger, "问题线索台账", ("rounds/clues/*.yml", "rounds/clues/*.yaml")),
    FileKind(
        "feedback",
        FeedbackList,
        "巡察反馈问题清单",
        ("rounds/feedback/**/*.yml", "rounds/feedback/**/*.yaml"),
    ),
    FileKind("supervision", SupervisionFile, "督办记录", ("rounds/supervision/*.yml",)),
)

DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_DATE_HELP = "日期，写成 YYYY-MM-DD，如 2020-06-30。"
_ID_HELP = "编号：只能用英文字母、数字、- 和 _，以字母或数字开头，最长 32 个字符，不能是 CON、NUL 等系统保留名。"
# pydantic's text-to-boolean words (case-insensitive), which the validator accepts.
_BOOL_WORDS = ("true", "false", "yes", "no", "on", "off", "t", "f", "y", "n", "1", "0")
_STRING_RULES = {"pattern", "format", "enum", "minLength", "maxLength"}


def ecma_pattern(regex: re.Pattern[str]) -> str:
    """``regex`` as an ECMAScript pattern: JSON Schema has no flags, so IGNORECASE is spelt out.

    Letters outside character classes become ``[xX]``; the classes used in this project
    already list both cases.
    """
    if not regex.flags & re.IGNORECASE:
        return regex.pattern
    out, in_class, escaped = [], False, False
    for char in regex.pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char.isascii() and char.isalpha() and not in_class:
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(char)
    return "".join(out)


def _any_case(words: tuple[str, ...]) -> str:
    spelt = ["".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in w) for w in words]
    return "^(" + "|".join(spelt) + ")$"


def _types(schema: dict) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _blankable(schema: dict) -> dict:
    """Also accept a key left empty (YAML null) or "": the validator reads both as "not filled in".

    Type lists and if/then keep one schema, so editors report the real error ("not a
    date") rather than "matches none of the alternatives".
    """
    kinds = _types(schema)
    if "null" in kinds:
        return schema
    rules = {k: v for k, v in schema.items() if k in _STRING_RULES}
    if "string" in kinds and rules:
        rest = {k: v for k, v in schema.items() if k not in rules and k != "type"}
        filled = {"type": "string", "minLength": 1}
        return {**rest, "type": [*kinds, "null"], "if": filled, "then": rules}
    if "string" in kinds:
        return {**schema, "type": [*kinds, "null"]}
    return {**schema, "type": [*kinds, "null", "string"], "maxLength": 0}


def _id() -> dict:
    # An id written as a bare number (`unit: 2020`) is an integer to YAML 1.2; its text is valid.
    return {"type": ["string", "integer"], "pattern": ecma_pattern(ID_PATTERN), "minimum": 0}


# The project's field types, by the alias the records use.
_NAMED: tuple[tuple[Any, Any], ...] = (
    (Id, _id),
    (Text, lambda: {"type": ["string", "number"], "pattern": r"\S"}),
    (OptText, lambda: {"type": ["string", "number", "null"]}),
    (LedgerDate, lambda: dict(DATE)),
    (OptDate, lambda: _blankable(dict(DATE))),
    (PositiveInt, lambda: {"type": "integer", "minimum": 0}),
    (
        Yuan,
        lambda: {
            "type": ["string", "number"],
            "pattern": r"^[0-9][0-9,]*(\.[0-9]+)?\s*万?\s*元?$",
        },
    ),
    (
        Form,
        lambda: {
            "type": ["integer", "string"],
            "enum": [*labels.FORM, *labels.FORM_SHORT.values()],
            "markdownEnumDescriptions": [*labels.FORM.values(), *labels.FORM.values()],
        },
    ),
    (
        Level,
        lambda: {
            "type": "integer",
            "enum": list(labels.FORM),
            "markdownEnumDescriptions": list(labels.FORM.values()),
        },
    ),
)
_ENUM_TABLES = (
    labels.PROBLEM_SOURCE,
    labels.PROBLEM_STATUS,
    labels.MEASURE_STATUS,
    labels.REVIEW_OUTCOME,
    labels.RESPONSIBILITY,
    labels.DEPARTMENT,
    labels.UNIT_KIND,
    labels.SELF_CHECK_RESULT,
    labels.TIME_LIMIT,
    labels.REVIEW_CYCLE,
    labels.DECIDING_BODY,
    labels.CADRE_LEVEL,
    labels.PLAN_CHECK,
    labels.CLUE_STATUS,
    labels.CLUE_RECEIVER,
    labels.MONEY_KIND,
    DUBIAN_KINDS,
)


def _label(model: type[BaseModel], name: str) -> str:
    return LABELS.get(f"{model.__name__}.{name}") or labels.field_label(name)


def _enum(values: tuple) -> dict:
    table = next((t for t in _ENUM_TABLES if set(t) == set(values)), {})
    schema: dict = {"type": "string", "enum": list(values)}
    if table:
        schema["markdownEnumDescriptions"] = [table[v] for v in values]
    return schema


def _choices(schema: dict) -> str:
    """'可选：open（整改中）、closed（已销号）' for an enumerated schema, else ''."""
    enum = schema.get("enum")
    if not enum or "markdownEnumDescriptions" not in schema:
        return ""
    pairs = zip(enum, schema["markdownEnumDescriptions"], strict=True)
    # The Chinese words a converter also reads (长期坚持, 第一种形态) are not repeated here.
    return "可选：" + "、".join(f"{v}（{d}）" for v, d in pairs if str(v).isascii()) + "。"


def _kind_help(hint: Any) -> str:
    for alias, text in ((LedgerDate, _DATE_HELP), (OptDate, _DATE_HELP), (Id, _ID_HELP)):
        if hint == alias:
            return text
    return ""


class _Builder:
    """Builds one file's schema; nested records go to ``definitions`` once each.

    A definition states no ``type``: each use says whether the record may be left blank.
    """

    def __init__(self) -> None:
        self.definitions: dict[str, dict] = {}

    def record(self, model: type[BaseModel]) -> dict:
        hints = typing.get_type_hints(model, include_extras=True)
        properties: dict[str, dict] = {}
        required: list[str] = []
        for name, info in model.model_fields.items():
            if name == "src":  # the loader's __src__, never written by staff
                continue
            properties[name] = self.field(model, name, hints[name], info)
            if info.is_required():
                required.append(name)
        schema: dict = {"title": MODEL_TITLES.get(model.__name__, model.__name__)}
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def field(self, model: type[BaseModel], name: str, hint: Any, info: FieldInfo) -> dict:
        value = self.value(hint)
        help_text = HELP.get(f"{model.__name__}.{name}", "")
        text = "".join(t for t in (help_text, _kind_help(hint), _choices(value)) if t)
        schema: dict[str, Any] = {"title": _label(model, name)}
        if text:
            schema["description"] = text
        schema.update(value)
        default = info.default
        if default is not PydanticUndefined and isinstance(default, str | int | bool):
            schema["default"] = default
        return schema

    def value(self, hint: Any) -> dict:
        for alias, make in _NAMED:
            if hint == alias:
                return make()
        if hint == EvidenceItem:  # a plain line is the material's title
            ref = self.ref(hint.__origin__)
            return {**ref, "type": ["object", "string", "number"], "pattern": r"\S"}
        origin = typing.get_origin(hint)
        if origin is Annotated:
            base, *meta = typing.get_args(hint)
            schema = self.value(base)
            if ListOf in meta:  # `evidence:` left blank is an empty list
                return _blankable(schema)
            schema = _with_words(schema, meta)
            return _constrained(schema, meta)
        if origin is Literal:
            return _enum(typing.get_args(hint))
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"no JSON Schema for a union of several types: {hint!r}")
            schema = self.value(args[0])
            return _blankable(schema) if len(args) < len(typing.get_args(hint)) else schema
        if origin is list:
            return {"type": "array", "items": self.value(typing.get_args(hint)[0])}
        if hint is bool:
            return {"type": ["boolean", "string"], "pattern": _any_case(_BOOL_WORDS)}
        if hint is int:
            return {"type": "integer"}
        if hint is float:
            return {"type": "number"}
        if hint is str:
            return {"type": ["string", "number"]}
        if isclass(hint) and issubclass(hint, BaseModel):
            return self.ref(hint)
        raise TypeError(f"no JSON Schema for field type {hint!r}")

    def ref(self, model: type[BaseModel]) -> dict:
        name = model.__name__
        if name not in self.definitions:
            self.definitions[name] = {}  # reserve the name first: records may nest
            self.definitions[name] = self.record(model)
        schema = {"type": "object", "allOf": [{"$ref": f"#/definitions/{name}"}]}
        optional = all(not f.is_required() for n, f in model.model_fields.items() if n != "src")
        # `plan:` left blank is an empty record, when the record has no required field.
        return _blankable(schema) if optional else schema


def _with_words(schema: dict, meta: list) -> dict:
    """An enumeration whose converter also reads Chinese words (长期坚持) lists them too."""
    words = next((getattr(m.func, "words", None) for m in meta if hasattr(m, "func")), None)
    if not words:
        return schema
    # A blankable enumeration keeps its rules under "then" (see _blankable).
    enum = schema.get("enum") or schema.get("then", {}).get("enum")
    if enum is None:
        return schema
    described = dict(zip(enum, schema.get("markdownEnumDescriptions", []), strict=False))
    for word, key in words.items():
        if word not in enum:
            enum.append(word)
            described[word] = described.get(key, key)
    if "markdownEnumDescriptions" in schema:
        schema["markdownEnumDescriptions"] = [described[v] for v in enum]
    return schema


def _constrained(schema: dict, meta: list) -> dict:
    bounds = [
        m for item in meta for m in (item.metadata if isinstance(item, FieldInfo) else [item])
    ]
    for bound in bounds:
        if isinstance(bound, Ge):
            schema["minimum"] = bound.ge
        elif isinstance(bound, Le):
            schema["maximum"] = bound.le
    return schema


def file_schema(kind: FileKind) -> dict:
    builder = _Builder()
    body = builder.record(kind.model)
    schema: dict = {
        "$schema": DRAFT,
        "$comment": "由 rectify schema 根据 site_builder/model 生成，请勿手工修改。",
        "title": kind.title,
        "description": f"{kind.title}（{kind.globs[0]}）。字段说明见 docs/guide/data-model.md。",
    }
    schema["type"] = "object"
    schema.update({k: v for k, v in body.items() if k != "title"})
    if builder.definitions:
        schema["definitions"] = builder.definitions
    return schema


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of every schema, as committed under schemas/."""
    from site_builder.export import export_schema  # the data export's, beside the files'

    schemas = {kind.filename: file_schema(kind) for kind in FILE_KINDS}
    schemas["export" + SUFFIX] = export_schema()
    return {
        name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        for name, schema in schemas.items()
    }


def vscode_associations(folder: str = "schemas") -> dict[str, list[str]]:
    """The ``yaml.schemas`` mapping of .vscode/settings.json for schemas in ``folder``."""
    return {f"./{folder}/{kind.filename}": list(kind.globs) for kind in FILE_KINDS}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def drifted_schemas(out: Path) -> list[str]:
    """Schema files under ``out`` that are missing, out of date, or no longer generated."""
    expected = render_schemas()
    drift = [
        name
        for name, text in expected.items()
        if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text
    ]
    if out.is_dir():
        drift += sorted(p.name for p in out.glob("*" + SUFFIX) if p.name not in expected)
    return drift
