"""The Diagnostic record and how it prints."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum

from site_builder.diagnostics.catalogue import CATALOGUE


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Control characters and bidirectional overrides in file names or quoted values could
# rewrite a terminal line or reorder what a reviewer reads: print them as escapes.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], text)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str
    line: int = 0
    col: int = 0

    def location(self) -> str:
        file = printable(self.file)
        if self.line:
            return f"{file}:{self.line}:{self.col or 1}"
        return file

    def as_text(self) -> str:
        return f"{self.location()}: {self.code} {printable(self.message)}"

    def as_github(self) -> str:
        # Workflow-command syntax: newlines and % must be escaped in the message.
        level = "error" if self.severity is Severity.ERROR else "warning"
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        # A property value ends at ',' or '::': escape those too, or a file name could
        # forge a second workflow command.
        file = printable(self.file).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        where = f"file={file}"
        if self.line:
            where += f",line={self.line},col={self.col or 1}"
        return f"::{level} {where},title={self.code}::{text}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def diag(code: str, /, file: str, line: int = 0, col: int = 0, **fields: object) -> Diagnostic:
    """Make a diagnostic from the catalogue entry for ``code``.

    ``fields`` fill the message template; a missing field is a bug, so it raises.
    """
    entry = CATALOGUE[code]
    return Diagnostic(
        code=code,
        severity=Severity(entry.severity),
        message=entry.template.format(**fields),
        file=file,
        line=line,
        col=col,
    )


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)


def dumps_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
