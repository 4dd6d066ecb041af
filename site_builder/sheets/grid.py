"""A worksheet as a table: the header row found by name, data rows, merged cells, groups.

Offices put title rows above the header, write a problem once and merge its cell
across the rows of its measures (or leave the cells below it blank), put section
headings such as “一、党的领导方面” in a row merged across the table, and sign at the
bottom. This module turns that into rows grouped by problem, and reports merged
ranges that cannot be read unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from site_builder.diagnostics import Diagnostic, diag
from site_builder.sheets.cells import text
from site_builder.sheets.columns import SheetSpec, header_index, normalise_header

HEADER_SCAN_ROWS = 20
MAX_COLUMNS = 64
# Trailing rows styled but empty are common; stop after this many blank rows in a row.
BLANK_RUN = 200
FOOTER_WORDS = (
    "填表人",
    "制表人",
    "填报人",
    "审核人：",
    "审核人:",
    "负责人：",
    "负责人:",
    "填报日期",
    "填表日期",
    "制表日期",
    "填报单位：",
    "注：",
    "注:",
    "备注：",
    "备注:",
    "说明：",
    "说明:",
)

# “一、党的领导方面” alone in the first column, when the row is not merged across.
_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]\s*\S")


@dataclass
class Group:
    """The rows of one problem (or mechanism owner, report ...)."""

    start: int
    rows: list[int]
    section: str | None = None

    @property
    def end(self) -> int:
        return self.rows[-1]


@dataclass
class Table:
    ws: Worksheet
    spec: SheetSpec
    file: str
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    title: str = ""
    rows: list[int] = field(default_factory=list)
    sections: dict[int, str] = field(default_factory=dict)
    merges: dict[tuple[int, int], CellRange] = field(default_factory=dict)

    @property
    def sheet(self) -> str:
        return self.ws.title

    def has(self, key: str) -> bool:
        return key in self.columns

    def merge_at(self, row: int, col: int) -> CellRange | None:
        return self.merges.get((row, col))

    def own(self, row: int, col: int) -> object:
        """The value written in this cell itself (None inside a merged range)."""
        rng = self.merges.get((row, col))
        if rng is not None and (rng.min_row, rng.min_col) != (row, col):
            return None
        return self.ws.cell(row, col).value

    def value(self, row: int, key: str) -> object:
        """The value shown in this cell: a merged range's value in each of its cells."""
        col = self.columns.get(key)
        if col is None:
            return None
        rng = self.merges.get((row, col))
        if rng is not None:
            return self.ws.cell(rng.min_row, rng.min_col).value
        return self.ws.cell(row, col).value

    def anchored(self, row: int, key: str) -> bool:
        """A cell that begins something: a merged range's first cell, or a filled cell."""
        col = self.columns.get(key)
        if col is None:
            return False
        rng = self.merges.get((row, col))
        if rng is not None:
            return (rng.min_row, rng.min_col) == (row, col)
        return text(self.ws.cell(row, col).value) is not None

    def diag(self, code: str, row: int, key: str | None = None, col: int = 0, **fields):
        col = self.columns[key] if key else col
        column = self.headers.get(col, "") if col else ""
        return diag(
            code,
            self.file,
            row,
            col,
            sheet=self.sheet,
            row=row,
            letter=get_column_letter(col) if col else "",
            column=column,
            **fields,
        )


def read_table(ws: Worksheet, spec: SheetSpec, file: str) -> tuple[Table | None, list[Diagnostic]]:
    """Find the header by name, then collect data rows and section headings."""
    table = Table(ws, spec, file)
    last_col = min(ws.max_column, MAX_COLUMNS)
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, min(rng.max_col, last_col) + 1):
                table.merges[(row, col)] = rng

    found = _find_header(table, last_col)
    if found is None:
        return None, [diag("X003", file, sheet=ws.title, rows=HEADER_SCAN_ROWS)]
    _read_rows(table)
    return table, found + _check_merges(table)


def _header_keys(table: Table, row: int, last_col: int) -> dict[int, str]:
    index = header_index(table.spec)
    found = {}
    for col in range(1, last_col + 1):
        rng = table.merge_at(row, col)
        value = table.ws.cell(rng.min_row, rng.min_col).value if rng else table.own(row, col)
        key = index.get(normalise_header(value))
        if key:
            found[col] = key
    return found


def _find_header(table: Table, last_col: int) -> list[Diagnostic] | None:
    scan = range(1, min(table.ws.max_row, HEADER_SCAN_ROWS) + 1)
    rows = {row: _header_keys(table, row, last_col) for row in scan}
    best = max(scan, key=lambda r: (len(set(rows[r].values())), -r), default=0)
    if not best or len(set(rows[best].values())) < 2:
        return None
    keys, first, last = dict(rows[best]), best, best
    # A two-row header: group names above (责任主体 over 责任领导 / 责任单位 / 责任人).
    below = rows.get(best + 1) or _header_keys(table, best + 1, last_col)
    written = [c for c in range(1, last_col + 1) if text(table.own(best + 1, c)) is not None]
    if below and all(c in below for c in written):
        keys.update(below)
        last = best + 1
    table.header_row = last
    # Rows above the header, except upper header rows, are the title (unit, round ...).
    above = [r for r in range(1, first) if not rows.get(r)]
    title = (text(table.own(r, c)) for r in above for c in range(1, last_col + 1))
    table.title = " ".join(t for t in title if t)

    diagnostics: list[Diagnostic] = []
    for col in range(1, last_col + 1):
        header = next((h for r in (last, first) if (h := text(_shown(table, r, col)))), None)
        if header:
            table.headers[col] = header.replace("\n", "")
    for col, key in sorted(keys.items()):
        if key in table.columns:
            other = table.columns[key]
            diagnostics.append(
                table.diag(
                    "X005",
                    last,
                    col=col,
                    header=table.headers[col],
                    other=get_column_letter(other),
                    field=table.spec.column(key).header,
                )
            )
            continue
        table.columns[key] = col
    for col, header in table.headers.items():
        if col not in keys and not _is_group_name(table, first, last, col, keys):
            diagnostics.append(table.diag("X014", last, col=col, header=header))
    for alternatives in table.spec.required:
        if not any(key in table.columns for key in alternatives):
            names = [n for key in alternatives for n in table.spec.column(key).names]
            diagnostics.append(
                diag(
                    "X004",
                    table.file,
                    last,
                    0,
                    sheet=table.sheet,
                    row=last,
                    column=names[0],
                    synonyms="、".join(names[1:]),
                )
            )
    return diagnostics


def _shown(table: Table, row: int, col: int) -> object:
    rng = table.merge_at(row, col)
    return table.ws.cell(rng.min_row, rng.min_col).value if rng else table.own(row, col)


def _is_group_name(table: Table, first: int, last: int, col: int, keys: dict) -> bool:
    # "责任主体" above named sub-columns is a heading, not a column of its own.
    rng = table.merge_at(first, col)
    if first == last or rng is None or text(table.own(last, col)) is not None:
        return False
    return any(c in keys for c in range(rng.min_col, rng.max_col + 1))


def _read_rows(table: Table) -> None:
    span = sorted(table.headers) or [1]
    low, high = span[0], span[-1]
    blank = 0
    for row in range(table.header_row + 1, table.ws.max_row + 1):
        values = {c: t for c in range(low, high + 1) if (t := text(table.own(row, c)))}
        if not values:
            blank += 1
            if blank >= BLANK_RUN:
                break
            continue
        blank = 0
        first = values[min(values)]
        rng = table.merge_at(row, min(values))
        wide = rng and rng.min_col <= low and rng.size["columns"] * 2 > high - low
        if len(values) == 1 and (wide or (min(values) == low and _HEADING.match(first))):
            table.sections[row] = first
        elif first.startswith(FOOTER_WORDS):
            break
        else:
            table.rows.append(row)


def _check_merges(table: Table) -> list[Diagnostic]:
    """Merged ranges that join different columns, or join the header to the data."""
    found = []
    keyed = {col: key for key, col in table.columns.items()}
    for rng in {id(r): r for r in table.merges.values()}.values():
        if rng.min_row in table.sections:
            continue
        cols = [keyed[c] for c in range(rng.min_col, rng.max_col + 1) if c in keyed]
        if not cols or rng.max_row <= table.header_row:
            continue
        if rng.min_row <= table.header_row:
            detail = f"合并单元格 {rng.coord} 从表头延伸到了数据行"
        elif len(cols) > 1:
            names = "”“".join(table.headers[table.columns[k]] for k in cols[:2])
            detail = f"合并单元格 {rng.coord} 横向跨越了“{names}”两列"
        else:
            continue
        found.append(table.diag("X009", rng.min_row, cols[0], detail=detail))
    return found


def group_rows(table: Table) -> tuple[list[Group], list[int]]:
    """Rows grouped where a start column begins a value; rows before any group are orphans."""
    groups: list[Group] = []
    orphans: list[int] = []
    current: Group | None = None
    section: str | None = None
    events = sorted([(r, "row") for r in table.rows] + [(r, "section") for r in table.sections])
    for row, kind in events:
        if kind == "section":
            section, current = table.sections[row], None
        elif any(table.anchored(row, key) for key in table.spec.starts):
            current = Group(row, [row], section)
            groups.append(current)
        elif current is not None:
            current.rows.append(row)
        else:
            orphans.append(row)
    return groups, orphans


def check_groups(table: Table, groups: list[Group]) -> list[Diagnostic]:
    """Merged ranges in a group's columns must cover whole groups; one item per row."""
    found: list[Diagnostic] = []
    group_cols = {c.key for c in table.spec.columns if c.level == "group"}
    seen: set[int] = set()
    for key, col in table.columns.items():
        for group in groups:
            for row in group.rows:
                rng = table.merge_at(row, col)
                if rng is None or id(rng) in seen or rng.min_row <= table.header_row:
                    continue
                seen.add(id(rng))
                detail = _misfit(table, groups, key, rng, key in group_cols)
                if detail:
                    found.append(table.diag("X009", rng.min_row, key, detail=detail))
        if key in group_cols:
            found += _conflicts(table, groups, key)
    return found


def _misfit(table: Table, groups: list[Group], key: str, rng: CellRange, group_level: bool):
    rows = (
        f"第 {rng.min_row}–{rng.max_row} 行"
        if rng.max_row > rng.min_row
        else f"第 {rng.min_row} 行"
    )
    if not group_level:
        joined = [r for r in table.rows if rng.min_row <= r <= rng.max_row]
        if key == table.spec.item and len(joined) > 1:
            return f"合并单元格 {rng.coord} 把{rows}的几条内容合成了一格"
        return None
    inside = [g for g in groups if rng.min_row <= g.start <= rng.max_row]
    if key in table.spec.starts and len(inside) > 1:
        return f"合并单元格 {rng.coord} 跨越了两个问题（第 {inside[1].start} 行另起了一个问题）"
    for group in groups:
        cuts = rng.min_row <= group.end and group.start <= rng.max_row
        if cuts and not (rng.min_row <= group.start and group.end <= rng.max_row):
            return (
                f"合并单元格 {rng.coord}（{rows}）与第 {group.start}–{group.end} 行的问题没有对齐"
            )
    return None


def _conflicts(table: Table, groups: list[Group], key: str) -> list[Diagnostic]:
    found = []
    for group in groups:
        first = text(table.value(group.start, key))
        for row in group.rows[1:]:
            value = text(table.own(row, table.columns[key]))
            if value and first and value != first:
                detail = (
                    f"“{value}”与第 {group.start} 行开始的问题的“{first}”不同，"
                    "同一问题在这一列只应有一个值"
                )
                found.append(table.diag("X009", row, key, detail=detail))
            first = first or value
    return found


def group_value(table: Table, group: Group, key: str) -> tuple[object, int]:
    """A group's value in a column: the first filled cell among its rows, and its row."""
    for row in group.rows:
        value = table.value(row, key)
        if text(value) is not None:
            return value, row
    return None, group.start
