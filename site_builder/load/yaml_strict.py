"""A strict YAML reader: every scalar stays text, duplicate keys fail, marks are kept.

PyYAML's safe loader silently turns ``no`` into False, ``1.10`` into 1.1 and
``08:30`` into 510, and keeps the last of two duplicate keys. Ledgers are legal
records, so we compose the node graph with the base resolver (no implicit types)
and build plain dicts, lists and strings ourselves; the schema converts types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.yaml_characters import escape_diagnostic, written_characters
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
    built from it know their file and line. ``mark(path)`` finds the (line, column)
    of any field for diagnostics, by walking the composed nodes: positions are looked
    up only for the few fields a diagnostic names, not stored for every node.
    """

    file: str
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    root: yaml.Node | None = field(default=None, repr=False)
    line_offset: int = 0

    def mark(self, path: Path) -> tuple[int, int]:
        """The position of the node at ``path``, or of its nearest ancestor.

        A key's position is the key's own; for duplicate keys, the first (the one kept).
        """
        node = self.root
        if node is None:
            return (1, 1)
        found = _position(node, self.line_offset)
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                        found, node = _position(key_node, self.line_offset), value_node
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    break
                node = node.value[step]
                found = _position(node, self.line_offset)
            else:
                break
        return found


def _position(node: yaml.Node, line_offset: int) -> tuple[int, int]:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


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
    result = ParsedYaml(file=file, line_offset=line_offset)
    text, result.diagnostics = decode(raw, file)
    if text is None:
        return result
    if unwritable := written_characters(text, file, line_offset):
        result.diagnostics.extend(unwritable)
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
    result.root = node
    # An alias is written `*name`: without a `*` anywhere there is none to refuse.
    builder = _Builder(file, line_offset, text, aliases="*" in text)
    try:
        result.data = builder.build(node)
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

    def __init__(self, file: str, line_offset: int, text: str, aliases: bool = True):
        self.file = file
        self.offset = line_offset
        self.text = text
        self.aliases = aliases
        self.seen: set[int] = set()
        self.count = 0
        self.diagnostics: list[Diagnostic] = []

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _refuse(self, code: str, node: yaml.Node, **values: Any) -> _Refused:
        line, col = self._pos(node)
        return _Refused(diag(code, self.file, line, col, **values))

    def build(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.aliases:
            if id(node) in self.seen:
                # The composer hands back the same node object for an alias.
                raise self._refuse("Y007", node)
            self.seen.add(id(node))
        if self.count > MAX_NODES:
            raise self._refuse("Y013", node, limit=MAX_NODES)
        if node.tag not in _PLAIN_TAGS:
            raise self._refuse("Y010", node, tag=node.tag)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        # The composer makes only scalar, sequence and mapping nodes.
        return self._mapping(cast(yaml.MappingNode, node))

    def _scalar(self, node: yaml.ScalarNode) -> str:
        # A control character written as such was refused before composing; one made
        # by an escape ("\e", "\u202e") is only visible in the value.
        if node.style == '"' and (
            found := escape_diagnostic(node, self.text, self.file, self.offset)
        ):
            raise _Refused(found)
        return node.value

    def _mapping(self, node: yaml.MappingNode) -> dict:
        line, col = self._pos(node)
        data: dict[str, Any] = {"__src__": Source(self.file, line, col)}
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._refuse("Y001", key_node, detail="字段名必须是文字")
            key = self._scalar(key_node)
            self.count += 1  # keys are nodes too: count them against the limit
            if key in keys:
                first = next(k for k, _ in node.value if k.value == key)
                key_line, key_col = self._pos(key_node)
                self.diagnostics.append(
                    diag("Y002", self.file, key_line, key_col, key=key, first=self._pos(first)[0])
                )
                continue
            keys.add(key)
            data[key] = self.build(value_node)
        return data
