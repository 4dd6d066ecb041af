"""A strict YAML reader: every scalar stays text, duplicate keys fail, marks are kept.

PyYAML's safe loader silently turns ``no`` into False, ``1.10`` into 1.1 and
``08:30`` into 510, and keeps the last of two duplicate keys. Ledgers are legal
records, so we compose the node graph with the base resolver (no implicit types)
and build plain dicts, lists and strings ourselves; the schema converts types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model.source import Source

# The C parser is several times faster; fall back to pure Python where libyaml is absent.
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

MAX_BYTES = 4 * 1024 * 1024
# Nodes (scalars, lists, mappings, keys included) of one file. A real ledger has a few
# thousand; the limit bounds the time and memory a crafted file can cost before it is
# refused (see tests/test_adversarial_input.py for the figures).
MAX_NODES = 200_000
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
_BOM = b"\xef\xbb\xbf"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

Path = tuple[str | int, ...]


@dataclass
class ParsedYaml:
    """The plain data of one YAML document and where each node sits.

    Every mapping in ``data`` carries the key ``__src__`` (a Source) so that records
    built from it know their file and line. ``marks`` maps a path of keys and
    indices to the (line, col) of that node, for diagnostics about any field.
    """

    file: str
    data: Any = None
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def mark(self, path: Path) -> tuple[int, int]:
        """The position of the node at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def decode(raw: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text: UTF-8 only, a BOM tolerated with a warning."""
    diagnostics: list[Diagnostic] = []
    if len(raw) > MAX_BYTES:
        return None, [diag("Y008", file, size=len(raw), limit=MAX_BYTES)]
    if raw.startswith(_BOM):
        diagnostics.append(diag("Y004", file, 1, 1))
        raw = raw[len(_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [*diagnostics, diag("Y005", file, line, col)]
    return text, diagnostics


def parse_yaml(raw: bytes, file: str, line_offset: int = 0) -> ParsedYaml:
    """Parse one YAML document; never raises for bad input.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file
    (front matter of a Markdown case).
    """
    result = ParsedYaml(file=file)
    text, result.diagnostics = decode(raw, file)
    if text is None:
        return result
    try:
        if _too_many_nodes(text):
            result.diagnostics.append(diag("Y013", file, line_offset + 1, 1, limit=MAX_NODES))
            return result
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        result.diagnostics.extend(_syntax_diagnostics(exc, text, file, line_offset))
        return result
    except yaml.YAMLError as exc:  # unmarked errors, e.g. a reader error on control characters
        result.diagnostics.append(diag("Y001", file, line_offset + 1, 1, detail=str(exc)))
        return result
    if node is None:
        result.diagnostics.append(diag("Y006", file, line_offset + 1 if line_offset else 0))
        return result
    builder = _Builder(file, line_offset, result.marks)
    try:
        result.data = builder.build(node, ())
    except _Refused as refused:
        result.data = None
        result.diagnostics.append(refused.diagnostic)
    except RecursionError:
        result.data = None
        result.diagnostics.append(diag("Y001", file, line_offset + 1, 1, detail="嵌套层次过深"))
    else:
        result.diagnostics.extend(builder.diagnostics)
    return result


def _too_many_nodes(text: str) -> bool:
    """Count nodes from the parser's event stream before composing anything.

    Composing builds every node at once (hundreds of bytes each), so a file of a
    million one-character scalars would cost seconds and hundreds of megabytes before
    the builder could count them. Events are discarded as they come: the count stops
    at the limit. A node takes at least one character, so short texts skip the pass.
    """
    if len(text) <= MAX_NODES // 2:
        return False
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            if count > MAX_NODES:
                return True
    return False


def _syntax_diagnostics(
    exc: yaml.MarkedYAMLError, text: str, file: str, line_offset: int
) -> list[Diagnostic]:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1) if mark else 1
    col = (mark.column + 1) if mark else 1
    lines = text.splitlines()
    tabbed = [i + 1 for i, s in enumerate(lines) if s[: len(s) - len(s.lstrip())].count("\t")]
    if line in tabbed or (tabbed and "\\t" in str(exc.problem)):
        return [diag("Y003", file, n + line_offset, 1) for n in tabbed]
    detail = _translate_problem(str(exc.problem or exc.context or "无法解析"))
    return [diag("Y001", file, line + line_offset, col, detail=detail)]


_PROBLEMS = {
    "mapping values are not allowed": "这里不能出现“键: 值”，多半是上一行缩进不对，或冒号后的内容需要加引号",
    "could not find expected ':'": "找不到应有的冒号“:”，请检查是否漏写了冒号或冒号后的空格",
    "found character that cannot start any token": "出现了不能作为开头的字符，请给这段文字加上引号",
    "did not find expected key": "缩进不对齐，或列表项与字段混在同一层",
    "found unexpected end of stream": "文件意外结束，可能有引号或括号没有成对",
    "did not find expected node content": "缺少内容，请检查“-”或“:”之后是否写了值",
    "found undefined alias": "使用了未定义的别名“*”",
    "but found another document": "一个文件只能有一个文档，请删除多余的“---”",
    "exceeded maximum nesting depth": "嵌套层次过深",
}


def _translate_problem(problem: str) -> str:
    for english, chinese in _PROBLEMS.items():
        if english in problem:
            return chinese
    return f"无法解析（{problem}）"


class _Builder:
    """Turns a composed node graph into plain data, refusing what ledgers never need."""

    def __init__(self, file: str, line_offset: int, marks: dict[Path, tuple[int, int]]):
        self.file = file
        self.offset = line_offset
        self.marks = marks
        self.seen: set[int] = set()
        self.count = 0
        self.diagnostics: list[Diagnostic] = []

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        line, col = self._pos(node)
        if id(node) in self.seen:
            # The composer hands back the same node object for an alias.
            raise _Refused(diag("Y007", self.file, line, col))
        self.seen.add(id(node))
        if self.count > MAX_NODES:
            raise _Refused(diag("Y013", self.file, line, col, limit=MAX_NODES))
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(diag("Y010", self.file, line, col, tag=node.tag))
        self.marks.setdefault(path, (line, col))
        if isinstance(node, yaml.ScalarNode):
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._mapping(node, path, line, col)

    def _mapping(self, node: yaml.MappingNode, path: Path, line: int, col: int) -> dict:
        data: dict[str, Any] = {"__src__": Source(self.file, line, col)}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line, key_col = self._pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(
                    diag("Y001", self.file, key_line, key_col, detail="字段名必须是文字")
                )
            key = key_node.value
            self.count += 1  # keys are nodes too: count them against the limit
            if key in first_line:
                self.diagnostics.append(
                    diag("Y002", self.file, key_line, key_col, key=key, first=first_line[key])
                )
                continue
            first_line[key] = key_line
            self.marks[(*path, key)] = (key_line, key_col)
            data[key] = self.build(value_node, (*path, key))
        return data
