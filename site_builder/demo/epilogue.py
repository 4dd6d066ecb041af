"""The audit trail's harder cases in the demo, after the sample's own history.

Each case leaves the ledgers as the sample has them (a later, properly approved change
puts things back), so the demo's tree still equals the sample while its history shows:
a change slipped into a merge, a merge that brought nothing in, a closed problem edited
in place, and a signers change approved by someone without the authority to approve it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from site_builder.history.writer import ObjectWriter, Person
from site_builder.model import Project
from site_builder.model.district import Reviewer

SIGNERS = "rounds/signers.yml"


@dataclass
class Epilogue:
    writer: ObjectWriter
    main: dict[str, bytes]
    head: str
    when: datetime
    sign: Callable[[str], Path | None]
    count: int = 0
    heads: list[str] | None = None  # the main line so far, oldest first

    def _tick(self) -> datetime:
        self.when += timedelta(hours=20)
        return self.when

    def _advance(self, sha: str) -> None:
        self.heads = [*(self.heads or []), self.head]
        self.head = sha

    def empty_merge(self, files: dict[str, bytes], who: Person, message: str) -> None:
        """A merge commit whose side parent is an older main-line commit."""
        self.main.update(files)
        side = (self.heads or [self.head])[-2]
        sha = self.writer.commit(
            dict(self.main), [self.head, side], who, who, self._tick(), message,
            sign_with=self.sign(who.email),
        )  # fmt: skip
        self._advance(sha)
        self.count += 1

    def merge(
        self,
        files: dict[str, bytes],
        author: Person,
        reviewer: Reviewer,
        message: str,
        extra: dict[str, bytes] | None = None,
    ) -> None:
        """A branch with ``files`` merged by ``reviewer``; ``extra`` is written in the merge."""
        tip = self.writer.commit(
            {**self.main, **files}, [self.head], author, author, self._tick(), message
        )
        self.main.update(files)
        self.main.update(extra or {})
        approver = Person(reviewer.name, reviewer.email)
        text = f"Merge pull request #{900 + self.count} from demo/epilogue\n\n{message}"
        sha = self.writer.commit(
            dict(self.main), [self.head, tip], approver, approver, self._tick(), text,
            sign_with=self.sign(reviewer.email),
        )  # fmt: skip
        self._advance(sha)
        self.count += 2


def play(epilogue: Epilogue, project: Project, staff: Person) -> None:
    ledger, closed, measure = _subject(project, epilogue.main)
    rel = ledger.src.file
    text = epilogue.main[rel].decode()
    office = next(r for r in project.signers.reviewers if r.role == "inspection_office")
    discipline = next(r for r in project.signers.reviewers if r.role == "discipline")
    organisation = next(r for r in project.signers.reviewers if r.role == "organisation")

    # A closed problem's title edited in place, then put back: both show as 已销号事项被修改.
    old_title = f"title: {closed.title}\n"
    edited = text.replace(old_title, f"title: {closed.title}（已整改到位）\n", 1)
    epilogue.merge({rel: edited.encode()}, staff, discipline, "完善已销号问题的标题表述")
    epilogue.merge(
        {rel: text.encode()}, staff, office, "恢复已销号问题的原标题（已销号事项不应修改）"
    )

    # A change slipped into a merge: the branch changes nothing in the ledger, the merger
    # changes a measure's owner while merging.
    swapped = text.replace(f"owner: {measure.owner}\n", "owner: 待定\n", 1).encode()
    settings = epilogue.main.get("rounds/settings.yml", b"")
    epilogue.merge(
        {"rounds/settings.yml": settings}, staff, discipline, "更新整改进展说明",
        extra={rel: swapped},
    )  # fmt: skip
    # A "merge" of a branch already on the main line: it approves nothing it carries.
    epilogue.empty_merge(
        {rel: text.encode()},
        Person(discipline.name, discipline.email),
        "Merge branch 'fix-owner'\n\n恢复措施责任人",
    )

    # A reviewer added and approved by someone whose role cannot approve the signers file:
    # the list does not take effect; the office then takes the entry out again.
    signers = epilogue.main[SIGNERS]
    added = (
        signers
        + (
            "  - name: 郑凯\n    email: zhengkai@zzb.xiaodian.example\n    role: organisation\n"
            '    units: ["*"]\n'
        ).encode()
    )
    epilogue.merge({SIGNERS: added}, staff, organisation, "增补组织部审批人郑凯")
    epilogue.merge({SIGNERS: signers}, staff, office, "撤回未经巡察办审批的签字人名单修改")


def _subject(project: Project, main: dict[str, bytes]):
    """A pilot ledger with a closed problem and an open measure whose owner line is unique."""
    pilots = {u.id for u in project.units if u.pilot}
    for ledger in sorted(project.ledgers, key=lambda led: (led.round, led.unit)):
        if ledger.unit not in pilots or ledger.src.file not in main:
            continue
        text = main[ledger.src.file].decode()
        closed = next(
            (p for p in ledger.problems
             if p.status == "closed" and text.count(f"title: {p.title}\n") == 1),
            None,
        )  # fmt: skip
        measure = next(
            (m for p in ledger.problems if p.status == "open" for m in p.measures
             if m.owner and m.status == "in_progress" and text.count(f"owner: {m.owner}\n") == 1),
            None,
        )  # fmt: skip
        if closed is not None and measure is not None:
            return ledger, closed, measure
    raise LookupError("示例数据中没有可用于演示的试点单位台账")
