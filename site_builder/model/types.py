"""Field types for the schema: every scalar arrives as text and is converted here."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel as _BaseModel
from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator
from pydantic_core import PydanticCustomError

from site_builder.model.source import Source

# Ids name output files (units/<round>/<unit>.md, cases/<id>.md), so besides the
# safe characters they must not be a device name Windows reserves in any folder.
ID_PATTERN = re.compile(
    r"^(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$)[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", re.IGNORECASE
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        raise PydanticCustomError("ledger_date", "bad date", {"value": value})
    raise PydanticCustomError("ledger_date", "bad date", {"value": value})


_NULLS = {"", "~", "null", "Null", "NULL"}


def _empty_to_none(value: Any) -> Any:
    # The strict reader keeps `~` and `null` as text; for an optional field they mean "empty".
    if isinstance(value, str) and value.strip() in _NULLS:
        return None
    return value


def _to_id(value: Any) -> Any:
    if isinstance(value, str) and ID_PATTERN.match(value.strip()):
        return value.strip()
    if isinstance(value, str):
        raise PydanticCustomError("ledger_id", "bad id", {"value": value})
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _required_text(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("ledger_empty", "empty text", {})
        return value.strip()
    return value


def _to_int(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        return int(value)
    return value


def _list_or_empty(value: Any) -> Any:
    # `evidence:` left blank is an empty list, not an error.
    if value is None or (isinstance(value, str) and value.strip() in _NULLS):
        return []
    return value


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


LedgerDate = Annotated[date, BeforeValidator(_to_date), PlainSerializer(_date_text)]
OptDate = Annotated[
    date | None,
    BeforeValidator(_to_date),
    BeforeValidator(_empty_to_none),
    PlainSerializer(_date_text),
]
Id = Annotated[str, BeforeValidator(_to_id)]
Text = Annotated[str, BeforeValidator(_required_text)]
OptText = Annotated[str | None, BeforeValidator(_strip), BeforeValidator(_empty_to_none)]
Level = Annotated[int, BeforeValidator(_to_int), Field(ge=1, le=4)]
PositiveInt = Annotated[int, BeforeValidator(_to_int), Field(ge=0)]
OptNumber = Annotated[
    int | None, BeforeValidator(_to_int), BeforeValidator(_empty_to_none), Field(ge=1)
]
ListOf = BeforeValidator(_list_or_empty)


class Record(_BaseModel):
    """An immutable record that knows the file and line it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    src: Source = Field(default=Source("<memory>"), alias="__src__", exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_empty(cls, data: Any) -> Any:
        # `plan:` left blank reads as an empty mapping, as staff expect.
        if isinstance(data, str) and data.strip() in _NULLS:
            return {}
        return data
