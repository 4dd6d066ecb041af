"""Where a record came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    line: int = 0
    col: int = 0
    commit: str | None = None

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}" if self.line else self.file
        return f"{at}@{self.commit[:10]}" if self.commit else at
