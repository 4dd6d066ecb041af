"""Which characters text may hold, and how unprintable ones are shown.

One definition for the YAML loader, the spreadsheet reader and the diagnostics
printer. Refused in any text field:

- C0 control characters except tab and line feed (ESC starts terminal escape
  sequences; CR and the vertical tab rewrite or break lines), DEL and the C1 controls
  (U+0080-U+009F: U+009B is a one-byte CSI on some terminals, U+0085 a line break);
- the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069): they reorder what a reader sees without changing what is stored
  ("Trojan Source", CVE-2021-42574);
- the line and paragraph separators U+2028 and U+2029: invisible line breaks that
  YAML, JavaScript and terminals each treat differently.

Allowed, because Chinese text legitimately carries them: U+200B (zero-width space;
word segmenters and the site's own search index join words with it, and text copied
from web pages keeps it), U+200C/U+200D (joiners inside emoji and some scripts),
U+200E/U+200F (direction marks: they cannot reorder Chinese or Latin letters) and
U+FEFF. These are still shown escaped whenever a diagnostic quotes them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What the printers escape: everything refused, plus tab and line feed (they would
# break a one-line diagnostic) and the invisible characters that are allowed.
_INVISIBLE = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"
UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
# The same less C0, for JSON: its encoder escapes C0 itself, and indents with newlines.
UNPRINTABLE_ABOVE_C0 = re.compile(f"[\x7f-\x9f{_INVISIBLE}]")

_NAMES = {
    "\x1b": "ESC，终端控制序列的开头",
    "\r": "回车符",
    "\x0b": "垂直制表符",
    "\x0c": "换页符",
    "\x00": "空字符",
    "\x7f": "DEL",
    "\x85": "NEL，下一行",
    "\x9b": "CSI，终端控制序列的开头",
    "\u2028": "行分隔符",
    "\u2029": "段分隔符",
    "\u202a": "从左至右嵌入",
    "\u202b": "从右至左嵌入",
    "\u202c": "结束方向格式",
    "\u202d": "从左至右强制",
    "\u202e": "从右至左强制",
    "\u2066": "从左至右隔离",
    "\u2067": "从右至左隔离",
    "\u2068": "首字符方向隔离",
    "\u2069": "结束方向隔离",
}


def escaped(char: str) -> str:
    """``\\x1b``, ``\\u202e``: the way Python writes the character in a string."""
    return repr(char)[1:-1] if not char.isprintable() else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """``text`` with every control or invisible character written as its escape."""
    return UNPRINTABLE.sub(lambda m: escaped(m.group(0)), text)


def describe(char: str) -> str:
    """U+202E（从右至左强制）: the code point and what it is, for a diagnostic."""
    name = _NAMES.get(char)
    if name is None:
        kind = "控制字符" if unicodedata.category(char) == "Cc" else "格式控制字符"
        name = kind
    return f"U+{ord(char):04X}（{name}）"


def refused_in(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every refused character in ``text``."""
    for match in REFUSED.finditer(text):
        yield match.start(), match.group(0)


def first_refused(text: str) -> tuple[int, str] | None:
    match = REFUSED.search(text)
    return (match.start(), match.group(0)) if match else None
