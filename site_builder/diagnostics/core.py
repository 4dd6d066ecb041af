"""The Diagnostic record and how it prints."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from site_builder.diagnostics.catalogue import CATALOGUE
from site_builder.diagnostics.characters import UNPRINTABLE_ABOVE_C0, printable


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def _github_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF percent-encoded (the runner decodes
    them); every other control or invisible character already shown as an escape."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # A property value ends at ',' or '::': encode those too, or a file name could
    # forge a second property or workflow command.
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


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
        # Control characters in user data (a title quoted in the message, a file name)
        # are shown escaped: the runner would otherwise pass them to the log viewer and
        # a newline would end the command and start another (`::add-mask::` ...).
        level = "error" if self.severity is Severity.ERROR else "warning"
        where = f"file={_github_property(self.file)}"
        if self.line:
            where += f",line={self.line},col={self.col or 1}"
        return (
            f"::{level} {where},title={_github_property(self.code)}::{_github_data(self.message)}"
        )

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
    text = json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
    # json escapes only C0; a C1 control (U+009B opens a terminal sequence) or a bidi
    # override would reach a terminal raw. As \uXXXX they parse back to the same text.
    return UNPRINTABLE_ABOVE_C0.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
