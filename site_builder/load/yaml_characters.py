"""Control characters and bidirectional overrides in YAML files: refused with their place.

The set is ``diagnostics/characters.py``'s. Two ways in, two codes:

- written as such anywhere in the file, comments included (Y014): a bidirectional
  override in a comment can make a line look different from what the parser reads
  ("Trojan Source"). CR stays allowed as part of a line break; PyYAML would refuse
  most others without a position;
- produced by an escape in a double-quoted string, such as ``"\\e[2J"`` or
  ``"\\u202e"`` (Y015): the file itself is clean, the value is not.
"""

from __future__ import annotations

import re

import yaml

from site_builder.diagnostics import Diagnostic, diag
from site_builder.diagnostics.characters import REFUSED, describe, escaped, refused_in

MAX_LISTED = 20
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_NAMED = {
    "0": "\x00",
    "a": "\x07",
    "b": "\x08",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    "N": "\x85",
    "L": "\u2028",
    "P": "\u2029",
}


def written_characters(text: str, file: str, line_offset: int = 0) -> list[Diagnostic]:
    """Y014 for each refused character in the file's text (the first ``MAX_LISTED``)."""
    found = []
    for index, char in refused_in(text):
        if char == "\r":
            continue
        line = text.count("\n", 0, index) + 1 + line_offset
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        found.append(diag("Y014", file, line, col, char=describe(char)))
        if len(found) >= MAX_LISTED:
            break
    return found


def escaped_character(node: yaml.ScalarNode, text: str) -> tuple[int, str, str] | None:
    """(index in ``text``, escape as written, character) when a double-quoted scalar's
    escape yields a refused character; None for every other scalar."""
    if node.style != '"' or REFUSED.search(node.value) is None:
        return None
    source = text[node.start_mark.index : node.end_mark.index]
    for match in _ESCAPE.finditer(source):
        code = match[1]
        char = _NAMED.get(code) if len(code) == 1 else chr(int(code[1:], 16))
        if char is not None and REFUSED.match(char):
            return node.start_mark.index + match.start(), match[0], char
    char = REFUSED.search(node.value)[0]  # type: ignore[index]
    return node.start_mark.index, escaped(char), char


def escape_diagnostic(
    node: yaml.ScalarNode, text: str, file: str, line_offset: int
) -> Diagnostic | None:
    hit = escaped_character(node, text)
    if hit is None:
        return None
    index, escape, char = hit
    line = text.count("\n", 0, index) + 1 + line_offset
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return diag("Y015", file, line, col, escape=escape, char=describe(char))
