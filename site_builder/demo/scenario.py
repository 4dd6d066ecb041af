"""The demo history: feedback, plans, progress on branches, reviewer merges, 2017-2020.

Everything is derived from the sample data plus a fixed script, so the repository
is identical on every run. The script puts every sign-off state in it: confirmed
(web merges and offline sign-offs, SSH-signed; one merge signed with a reviewer's
OpenPGP key; one Gitea-style merge whose Reviewed-by line the instance's key signed),
unconfirmed (a direct commit),
self-approved, unknown reviewer, bad signature and missing signature; one
postponement per pilot unit and one relapse.
"""

from __future__ import annotations

import hashlib
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path

from site_builder.demo.epilogue import Epilogue, play
from site_builder.demo.gpg import NOT_REVIEWER_KEYS, PLATFORM_KEY, SECRET_KEY, gpg_signer
from site_builder.demo.supervision import supervision_versions
from site_builder.demo.versions import Script, change_days, version_at
from site_builder.history.writer import ObjectWriter, Person, empty_target
from site_builder.load import load_project
from site_builder.load.dump import dump_yaml
from site_builder.model import Ledger, Project
from site_builder.model.district import Reviewer

CST = timezone(timedelta(hours=8))
OFFICE = Person("王晓燕", "wangxiaoyan@xcb.xiaodian.example")
OUTSIDER = Person("刘建华", "liujianhua@xiaodian.example")  # merges without being a listed reviewer
GITEA = Person("Gitea", "gitea@git.xiaodian.example")  # the committer of the instance's merges
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建国",
    "海燕",
    "晓东",
    "丽娟",
    "志刚",
    "文静",
    "国强",
    "红梅",
    "永红",
    "春生",
    "秀英",
    "立新",
    "卫东",
    "慧敏",
    "学军",
    "晓丽",
    "振华",
    "玉兰",
    "红军",
    "海涛",
]

# Which sign-off departure each special pilot unit's first progress merge carries.
SPECIAL = ["self_approved", "missing_signature", "bad_signature", "unknown_reviewer", "direct",
           "gpg_signed", "platform_reviewed"]  # fmt: skip


class DemoError(Exception):
    """The demo could not be made; the message is for the operator."""


@dataclass
class DemoResult:
    root: Path
    head: str
    commits: int
    scenarios: dict[str, str] = field(default_factory=dict)  # scenario -> ledger key


@dataclass(order=True)
class _Step:
    when: datetime
    seq: int
    kind: str = field(compare=False)  # office | branch | merge | direct
    files: dict[str, bytes] = field(compare=False, default_factory=dict)
    author: Person = field(compare=False, default=OFFICE)
    message: str = field(compare=False, default="")
    branch: str = field(compare=False, default="")
    merge_mode: str = field(compare=False, default="web")
    reviewer: Reviewer | None = field(compare=False, default=None)


def staff_of(unit_id: str) -> Person:
    digest = hashlib.sha256(unit_id.encode()).digest()
    name = SURNAMES[digest[0] % len(SURNAMES)] + GIVEN[digest[1] % len(GIVEN)]
    return Person(name, f"{unit_id}.staff@xiaodian.example")


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(9, 0), CST) + timedelta(minutes=minute)


def _without_supplements(raw: bytes) -> bytes:
    """A feedback list as entered on the feedback day: items with added_on left out."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if not any(line.lstrip().startswith("added_on:") for line in block):
            out.extend(block)
        block.clear()

    for line in raw.decode("utf-8").splitlines(keepends=True):
        if line.startswith("- id:"):
            flush()
            block.append(line)
        elif block and line.startswith("  "):
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "".join(out).encode("utf-8")


def _yaml(data: dict) -> bytes:
    return dump_yaml(data).encode()


class _Plan:
    """Collects steps from the sample, then replays them in date order as commits."""

    def __init__(self, project: Project, source: Path) -> None:
        self.project = project
        self.source = source
        self.steps: list[_Step] = []
        self.seq = 0
        self.scenarios: dict[str, str] = {}

    def add(self, when: datetime, kind: str, **kwargs) -> None:
        self.seq += 1
        self.steps.append(_Step(when, self.seq, kind, **kwargs))

    def raw(self, rel: str) -> bytes:
        return (self.source / rel).read_bytes()

    def reviewers_for(self, unit: str) -> list[Reviewer]:
        return [r for r in self.project.signers.reviewers if r.may_approve(unit)]

    def plan_district(self) -> None:
        first = min(r.start for r in self.project.rounds) - timedelta(days=30)
        base = {
            rel: self.raw(rel)
            for rel in ("rounds/settings.yml", "rounds/units.yml", "rounds/signers.yml")
            if (self.source / rel).exists()
        }
        # No mkdocs.yml: the packaged base configuration serves the demo.
        base[".gitignore"] = b"build/\n"
        for path in sorted((self.source / "docs" / "guide").glob("*.md")):
            base[f"docs/guide/{path.name}"] = path.read_bytes()
        self.add(_at(first, 0), "office", files=base, message="建立巡察整改台账仓库")
        for round_ in sorted(self.project.rounds, key=lambda r: r.start):
            self.add(
                _at(round_.start, 0),
                "office",
                files={f"rounds/{Path(round_.src.file).name}": self.raw(round_.src.file)},
                message=f"{round_.name}：登记巡察组、被巡察单位和反馈签收情况",
            )
        self.plan_feedback_lists()
        last = max(r.end for r in self.project.rounds)
        tail = {"rounds/common_problems.yml": self.raw("rounds/common_problems.yml")}
        if (self.source / "rounds/self_checks.yml").exists():
            tail["rounds/self_checks.yml"] = self.raw("rounds/self_checks.yml")
        for case in sorted((self.source / "rounds" / "cases").glob("*.md")):
            tail[f"rounds/cases/{case.name}"] = case.read_bytes()
        for clues in sorted((self.source / "rounds" / "clues").glob("*.yml")):
            tail[f"rounds/clues/{clues.name}"] = clues.read_bytes()
        self.add(
            _at(last + timedelta(days=20), 0),
            "office",
            files=tail,
            message="更新共性问题目录、未巡先改自查记录和典型案例",
        )
        self.plan_evaluations(last)
        for file in self.project.supervision:  # 督办 records, each on the day it was issued
            for day, content in supervision_versions(file, self.raw(file.src.file)):
                self.add(
                    _at(day, 480), "office", files={file.src.file: content}, message="登记督办记录"
                )

    def plan_feedback_lists(self) -> None:
        """Each team's feedback list, entered by the office on the feedback day; a
        supplementary item (补充反馈) is added on the day it was handed over."""
        for feedback in self.project.feedback_lists:
            round_ = self.project.round_by_id[feedback.round]
            day = round_.inspected()[feedback.unit].feedback_on
            rel, raw = feedback.src.file, self.raw(feedback.src.file)
            later = sorted({i.added_on for i in feedback.items if i.added_on})
            first = _without_supplements(raw) if later else raw
            name = self.project.unit_by_id[feedback.unit].name
            self.add(
                _at(day, 1), "office", files={rel: first}, message=f"录入{name}巡察反馈问题清单"
            )
            if later:
                self.add(
                    _at(later[-1], 1),
                    "office",
                    files={rel: raw},
                    message=f"录入巡察组对{name}的补充反馈问题",
                )

    def plan_evaluations(self, last: date) -> None:
        """The rubric, the 八查 records and bulletins, entered the day after the last evaluation."""
        folder = self.source / "rounds" / "evaluations"
        files = {
            p.relative_to(self.source).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
        if files:
            day = max((e.evaluated_on for e in self.project.evaluations), default=last)
            self.add(
                _at(day + timedelta(days=1), 0),
                "office",
                files=files,
                message="录入巡察整改量化检查评估细则、评估记录和警示教育通报",
            )

    def plan_ledger(self, ledger: Ledger, special: str | None, script: Script) -> None:
        round_ = self.project.round_by_id[ledger.round]
        feedback = round_.inspected()[ledger.unit].feedback_on
        rel = ledger.src.file
        staff = staff_of(ledger.unit)
        reviewers = self.reviewers_for(ledger.unit) or self.project.signers.reviewers
        plan_day = ledger.plan.submitted_on or feedback + timedelta(days=10)
        days = [plan_day, *[d for d in change_days(ledger, feedback, script) if d > plan_day]]
        buckets: dict[tuple[int, int], date] = {}
        for day in days:
            buckets[(day.year, day.month)] = max(day, buckets.get((day.year, day.month), day))
        steps = sorted(buckets.values())
        for index, day in enumerate(steps):
            final = index == len(steps) - 1
            content = self.raw(rel) if final else _yaml(version_at(ledger, day, feedback, script))
            if index == 0:
                message = "报送整改方案和整改台账"
            elif final:
                message = "更新整改台账（整改进展、佐证材料、整改报告）"
            else:
                message = f"更新 {day:%Y年%m月} 整改进展"
            mode = special if (special and index == 1) else ("offline" if index % 2 else "web")
            reviewer = reviewers[(index + len(ledger.unit)) % len(reviewers)]
            if mode == "gpg_signed":  # the reviewer who signs with OpenPGP approves this one
                reviewer = next((r for r in reviewers if r.gpg_key), reviewer)
            author = staff
            if mode == "self_approved":
                author = Person(reviewer.name, reviewer.email)
            branch = f"{ledger.unit}/{ledger.round}-{index:02d}"
            minute = sum(map(ord, ledger.unit)) % 300
            if mode == "direct":
                self.add(
                    _at(day, minute),
                    "direct",
                    files={rel: content},
                    author=author,
                    message=message + "（直接提交）",
                )
                continue
            self.add(
                _at(day, minute),
                "branch",
                files={rel: content},
                author=author,
                message=message,
                branch=branch,
            )
            self.add(
                _at(day + timedelta(days=2), minute + 1),
                "merge",
                branch=branch,
                merge_mode=mode,
                reviewer=reviewer,
                message=message,
            )


def _scripts(project: Project) -> tuple[dict[str, Script], dict[str, str], str]:
    """Postponements, the relapse and the sign-off departures, chosen from the data."""
    scripts: dict[str, Script] = {}
    special: dict[str, str] = {}
    pilots = [u.id for u in project.units if u.pilot]
    ledgers = sorted(project.ledgers, key=lambda led: (led.round, led.unit))
    pilot_ledgers = [led for led in ledgers if led.unit in pilots]
    seen_units: set[str] = set()
    for ledger in pilot_ledgers:
        if ledger.unit in seen_units:
            continue
        seen_units.add(ledger.unit)
        feedback = project.round_by_id[ledger.round].inspected()[ledger.unit].feedback_on
        script = scripts.setdefault(ledger.key, Script())
        for problem in ledger.problems:
            movable = [
                (m, m.deadline)
                for m in problem.measures
                if m.deadline
                and m.deadline - feedback > timedelta(days=150)
                and m.status != "withdrawn"
            ]
            if any(m.postponements for p in ledger.problems for m in p.measures):
                # The ledger's own 延期申请 records drive its postponements (versions.py).
                break
            if movable and not script.postponed:
                m, deadline = movable[0]
                original = deadline - timedelta(days=90)
                script.postponed[f"{problem.id}/{m.id}"] = (original, original - timedelta(days=7))
        if len(special) < len(SPECIAL):
            special[ledger.key] = SPECIAL[len(special)]
    for ledger in pilot_ledgers:
        feedback = project.round_by_id[ledger.round].inspected()[ledger.unit].feedback_on
        for problem in ledger.problems:
            if (
                problem.status == "open"
                and problem.measures
                and all(m.status == "in_progress" for m in problem.measures)
            ):
                first = feedback + timedelta(days=60)
                scripts.setdefault(ledger.key, Script()).relapse[problem.id] = (
                    first,
                    first + timedelta(days=75),
                )
                return scripts, special, f"{ledger.key}/{problem.id}"
    return scripts, special, ""


def build_demo(target: Path, source: Path, force: bool = False) -> DemoResult:
    """Create the demo repository at ``target`` from the sample district at ``source``."""
    project, diagnostics = load_project(source)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise DemoError(
            f"示例数据有 {len(errors)} 个错误，先运行 rectify validate 修正：{errors[0].as_text()}"
        )
    if not empty_target(target, force):
        raise DemoError(f"{target} 不是空目录。加 --force 覆盖。")

    plan = _Plan(project, source)
    plan.plan_district()
    scripts, special, relapse = _scripts(project)
    for ledger in sorted(project.ledgers, key=lambda led: (led.round, led.unit)):
        plan.plan_ledger(ledger, special.get(ledger.key), scripts.get(ledger.key, Script()))

    with tempfile.TemporaryDirectory() as tmp:
        keys = demo_keys(Path(tmp))
        writer = ObjectWriter(target)
        try:
            with gpg_signer(keys.get(SECRET_KEY)) as gpg:
                head, count = _replay(writer, plan, keys, gpg)
            head, count = _epilogue(writer, plan, keys, head, count)
            writer.set_branch("main", head)
            writer.checkout_main()
        finally:
            writer.close()
    scenarios = {mode: key for key, mode in special.items()} | {"relapse": relapse}
    return DemoResult(target, head, count, scenarios)


def demo_keys(folder: Path) -> dict[str, Path]:
    """The shipped demo keys, copied with the permissions ssh-keygen insists on."""
    keys = {}
    for entry in (resources.files("site_builder.demo") / "keys").iterdir():
        if entry.name.endswith((".pub", ".md")):
            continue
        path = folder / entry.name
        path.write_bytes(entry.read_bytes())
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        keys[entry.name] = path
    return keys


def _key_for(keys: dict[str, Path], email: str) -> Path | None:
    return keys.get(email.split("@", 1)[0])


def _epilogue(
    writer: ObjectWriter, plan: _Plan, keys: dict[str, Path], head: str, count: int
) -> tuple[str, int]:
    last = max(step.when for step in plan.steps)
    main = {rel: data for step in sorted(plan.steps) for rel, data in step.files.items()}
    ending = Epilogue(writer, main, head, last, lambda email: _key_for(keys, email))
    ledger_units = sorted({led.unit for led in plan.project.ledgers})
    play(ending, plan.project, staff_of(ledger_units[0]))
    return ending.head, count + ending.count


def _replay(
    writer: ObjectWriter, plan: _Plan, keys: dict[str, Path], gpg: Callable | None
) -> tuple[str, int]:
    main: dict[str, bytes] = {}
    head: list[str] = []
    branches: dict[str, tuple[str, dict[str, bytes]]] = {}
    count = 0
    others = sorted(k for k in keys if k not in NOT_REVIEWER_KEYS)
    for step in sorted(plan.steps):
        if step.kind in ("office", "direct"):
            main.update(step.files)
            head = [
                writer.commit(dict(main), head, step.author, step.author, step.when, step.message)
            ]
        elif step.kind == "branch":
            tree = {**main, **step.files}
            sha = writer.commit(tree, head, step.author, step.author, step.when, step.message)
            writer.set_branch(step.branch, sha)
            branches[step.branch] = (sha, step.files)
        else:
            sha, files = branches.pop(step.branch)
            main.update(files)
            reviewer = step.reviewer
            if reviewer is None:  # the script gives every merge step its reviewer
                raise ValueError(f"merge step {step.branch} has no reviewer")
            approver = Person(reviewer.name, reviewer.email)
            key: Path | Callable | None = _key_for(keys, reviewer.email)
            committer = approver
            message = f"Merge pull request #{count + 1} from {step.branch}\n\n{step.message}"
            if step.merge_mode == "offline":
                message = (
                    f"签核合并 {step.branch}\n\n{step.message}\n\n"
                    f"Approved-by: {reviewer.name} <{reviewer.email}>"
                )
            elif step.merge_mode == "unknown_reviewer":
                approver, key = OUTSIDER, None
            elif step.merge_mode == "missing_signature":
                key = None
            elif step.merge_mode == "bad_signature":
                own = reviewer.email.split("@", 1)[0]
                key = keys[next(name for name in others if name != own)]
            elif step.merge_mode == "gpg_signed" and gpg is not None and reviewer.gpg_key:
                key = lambda payload, when=step.when: gpg(payload, when)  # noqa: E731
            elif step.merge_mode == "platform_reviewed" and PLATFORM_KEY in keys:
                # Gitea: the author merges her own approved request; the instance commits,
                # writes Reviewed-by from its template and signs with its key.
                approver, committer, key = (
                    staff_of(step.branch.split("/")[0]),
                    GITEA,
                    keys[PLATFORM_KEY],
                )
                number = count + 1
                message = (
                    f"Merge pull request '{step.message}' (#{number}) from {step.branch} into main"
                    f"\n\nReviewed-on: https://git.xiaodian.example/xcb/ledger/pulls/{number}\n"
                    f"Reviewed-by: {reviewer.name} <{reviewer.email}>"
                )
            head = [
                writer.commit(
                    dict(main), [*head, sha], approver, committer, step.when, message, sign_with=key
                )
            ]
        count += 1
    return head[0], count
