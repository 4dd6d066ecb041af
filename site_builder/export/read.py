"""Reading a data export back: what an aggregator calls before it trusts the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from site_builder.diagnostics import Diagnostic, diag
from site_builder.export.data import SCHEMA_VERSION


def read_export(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The export at ``path``, or None with a V020 (a newer format than this program reads)
    or V021 (not an export) diagnostic."""
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [diag("V021", name, path=name, detail="文件不存在")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [diag("V021", name, path=name, detail=f"无法读取（{exc.__class__.__name__}）")]
    except json.JSONDecodeError as exc:
        detail = f"第 {exc.lineno} 行不是有效的 JSON"
        return None, [diag("V021", name, exc.lineno, path=name, detail=detail)]
    version = data.get("schema_version") if isinstance(data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None, [diag("V021", name, path=name, detail="缺少格式版本 schema_version")]
    if version > SCHEMA_VERSION:
        return None, [diag("V020", name, path=name, found=version, supported=SCHEMA_VERSION)]
    return data, []
