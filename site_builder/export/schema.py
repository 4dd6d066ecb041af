"""The JSON Schema of the data export (schemas/export.schema.json, by `rectify schema`).

The records' parts come from the pydantic records themselves (serialization mode, so
dates are text), the rest is written here; a test validates a real build's export
against the committed file with check-jsonschema.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic.json_schema import models_json_schema

from site_builder.analyse.progress import Colour
from site_builder.export.data import SCHEMA_VERSION
from site_builder.history import Kind, State
from site_builder.model.district import Unit
from site_builder.model.ledger import Ledger
from site_builder.model.supervision import Dubian

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_COUNT = {"type": "integer", "minimum": 0}
_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], extra: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": extra,
    }


def _figures() -> dict[str, Any]:
    counts = ("problems", "closed", "withdrawn", "open", "measures", "done", "overdue")
    props: dict[str, Any] = {name: _COUNT for name in counts}
    props["closed_pct"] = {"type": "integer", "minimum": 0, "maximum": 100}
    props["colours"] = _object({c.value: _COUNT for c in Colour})
    for name in ("confirmed_closures", "postponements", "reopened"):
        props[name] = _COUNT
    return _object(props)


def _event() -> dict[str, Any]:
    signoff = _object(
        {
            "state": {"enum": [s.value for s in State]},
            "approver": {"type": "string"},
            "approver_email": {"type": "string"},
            "via": {"type": "string"},
            "commit": {"type": "string"},
            "reason": {"type": "string"},
        }
    )
    return _object(
        {
            "item": {"type": "string"},
            "kind": {"enum": [k.value for k in Kind]},
            "old": _TEXT_OR_NULL,
            "new": _TEXT_OR_NULL,
            "days": {"type": ["integer", "null"]},
            "commit": {"type": "string"},
            "author": {"type": "string"},
            "author_email": {"type": "string"},
            "date": {"type": "string"},
            "subject": {"type": "string"},
            "landed": {"type": "string"},
            "signoff": signoff,
        }
    )


def export_schema() -> dict[str, Any]:
    _, records = models_json_schema(
        [(Ledger, "serialization"), (Unit, "serialization"), (Dubian, "serialization")],
        ref_template="#/$defs/{model}",
    )
    defs = dict(records["$defs"])
    defs["Figures"] = _figures()
    defs["Event"] = _event()
    ref = {name: {"$ref": f"#/$defs/{name}"} for name in ("Figures", "Event", "Ledger", "Unit")}
    # A 督办 record as exported: the record with the round of its file.
    supervision = copy.deepcopy(defs.pop("Dubian"))
    supervision["properties"] = {"round": {"type": "string"}, **supervision["properties"]}
    supervision["required"] = ["round", *supervision.get("required", [])]
    ledger_entry = _object(
        {
            "round": {"type": "string"},
            "unit": {"type": "string"},
            "feedback_on": _DATE,
            "team": _TEXT_OR_NULL,
            "figures": ref["Figures"],
            "colours": {
                "type": "object",
                "additionalProperties": {"enum": [c.value for c in Colour]},
            },
            "ledger": {"anyOf": [ref["Ledger"], {"type": "null"}]},
            "deadlines": {"type": "object", "additionalProperties": _DATE},
        }
    )
    # Added within version 1: optional, so earlier version-1 exports stay valid.
    ledger_entry["required"].remove("deadlines")
    round_entry = _object(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "start": _DATE,
            "end": _DATE,
            "rectification_days": _COUNT,
            "figures": ref["Figures"],
        }
    )
    body = _object(
        {
            "schema_version": {"const": SCHEMA_VERSION},
            "district": {"type": "string"},
            "as_of": _DATE,
            "audience": {"type": "string"},
            "commit": _TEXT_OR_NULL,
            "figures": ref["Figures"],
            "units": {"type": "array", "items": ref["Unit"]},
            "rounds": {"type": "array", "items": round_entry},
            "ledgers": {"type": "array", "items": ledger_entry},
            "history_available": {"type": "boolean"},
            "events": {"type": "array", "items": ref["Event"]},
            "supervision": {"type": "array", "items": supervision},
            "categories": {"type": "object", "additionalProperties": {"type": "string"}},
            "common_problems": {
                "type": "array",
                "items": _object(
                    {name: {"type": "string"} for name in ("code", "title", "category")}
                ),
            },
        }
    )
    for added in ("categories", "common_problems"):  # within version 1, as above
        body["required"].remove(added)
    return {
        "$schema": DRAFT,
        "$id": f"https://rectify.example/schemas/export-v{SCHEMA_VERSION}.json",
        "$comment": "由 rectify schema 根据 site_builder/export 生成，请勿手工修改。",
        "title": "巡察整改台账数据导出",
        "description": "每次生成网站时写入 data/export.json；字段说明见 docs/guide/supervision.md。",
        **body,
        "$defs": defs,
    }
