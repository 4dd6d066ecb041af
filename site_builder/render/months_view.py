"""The monthly pages (月报) of the internal site: the month's summary in words, its table
(the same rows as the .docx and .xlsx of `rectify monthly`) and the trend chart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from site_builder.analyse.monthly import COLUMNS, Figures, MonthlyReport
from site_builder.analyse.months import TrendPoint
from site_builder.model.labels import CLUE_STATUS, MONEY_KIND
from site_builder.model.wording import cn_date
from site_builder.render import charts
from site_builder.render.fingerprint import PageCache, _read_state

if TYPE_CHECKING:
    from site_builder.render.views import SiteData

MONTH_STATE_FILE = "month-fingerprints.json"


def summary(report: MonthlyReport, clues: bool = True) -> str:
    """The report's figures in one paragraph, as the .docx opens."""
    t = report.total
    forms = "、".join(
        f"第{'一二三四'[form - 1]}种形态 {count} 人次" for form, count in t.forms.items()
    )
    handed = "、".join(f"{CLUE_STATUS[key]} {count} 件" for key, count in t.clues.items())
    money = "、".join(f"{MONEY_KIND[key]} {amount:,.2f} 元" for key, amount in t.money.items())
    text = (
        f"截至{cn_date(report.last)}，{len(report.rounds)} 轮巡察反馈问题 {t.problems} 个，"
        f"累计销号 {t.closed} 个，其中本月销号 {t.closed_month} 个；逾期未完成措施 {t.overdue} 条，"
        f"整改时限延期 {t.postponed} 次，销号后重新打开 {t.relapsed} 个；问责 {forms}；"
        f"本月督办 {t.dubian} 次；"
    )
    if clues:
        text += f"移交问题线索 {sum(t.clues.values())} 件（{handed}）；"
    return text + f"{money}，合计 {sum(t.money.values()):,.2f} 元。"


def cell(value: object) -> str:
    return str(value) if isinstance(value, int | str) else f"{value:,.2f}"


def cells(figures: Figures) -> Markup:
    """A row's figures as table cells (numbers only: nothing to escape). A month page has
    a row per unit inspected so far, so its rows are joined here rather than cell by cell
    in the template."""
    return Markup("".join(f"<td>{cell(value)}</td>" for value in figures.values()))


@dataclass
class MonthPage:
    report: MonthlyReport
    previous: str | None  # the month before, if it has a page
    next: str | None
    partial: bool  # the site's as-of month: figures so far, not the month's end

    @property
    def summary(self) -> str:
        return summary(self.report)

    @property
    def month(self) -> str:
        return self.report.month

    @property
    def label(self) -> str:
        year, month = self.report.month.split("-")
        return f"{year}年{int(month)}月"


def month_pages(reports: list[MonthlyReport]) -> list[MonthPage]:
    pages = []
    for index, report in enumerate(reports):
        before = reports[index - 1].month if index else None
        after = reports[index + 1].month if index + 1 < len(reports) else None
        partial = report.partial
        pages.append(MonthPage(report, before, after, partial))
    return pages


class MonthPageCache(PageCache):
    """The month pages' fingerprints, kept beside the unit pages' in a file of their own
    (OUT/month-fingerprints.json). A month page reads its report, the months before and
    after it, whether the month is over, and the district's name: its key is the report's
    digest (analyse.months: the same figures, the same digest) and the rest."""

    def __init__(self, docs_dir: Path, *scope: object) -> None:
        super().__init__(docs_dir, *scope)
        self.path = docs_dir.parent / MONTH_STATE_FILE
        self.previous = _read_state(self.path, self.scope)

    def page_key(self, page: MonthPage) -> str | None:
        """None for a report of unknown digest: always rendered."""
        if not page.report.digest:
            return None
        return self.key(page.report.digest, page.previous, page.next, page.partial)


def month_page_cache(site: SiteData, docs_dir: Path) -> MonthPageCache:
    audience = site.build.get("audience", "internal")
    return MonthPageCache(docs_dir, audience, site.project.settings.district)


def trend_chart(points: list[TrendPoint]) -> Markup:
    series = {
        "本月销号问题": [p.closed for p in points],
        "月末逾期措施": [p.overdue for p in points],
        "本月改后又犯": [p.relapsed for p in points],
    }
    return charts.monthly_trend([p.month for p in points], series, "各月销号、逾期和改后又犯")


__all__ = [
    "COLUMNS",
    "MonthPage",
    "MonthPageCache",
    "cell",
    "cells",
    "month_page_cache",
    "month_pages",
    "summary",
    "trend_chart",
]
