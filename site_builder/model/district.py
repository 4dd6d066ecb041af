"""District-level files under rounds/: registry, rounds, catalogue, self-checks, settings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from site_builder.model.supervision import SupervisionSettings
from site_builder.model.types import Id, LedgerDate, Level, ListOf, OptDate, OptText, Record, Text

UnitKind = Literal[
    "street",
    "town",
    "bureau",
    "school",
    "hospital",
    "enterprise",
    "community",
    "village",
    "other",
]
SelfCheckResult = Literal["found", "not_found"]


class Unit(Record):
    id: Id
    name: Text
    kind: UnitKind
    inspected_in: Annotated[list[Id], ListOf] = []
    pilot: bool = False


class Registry(Record):
    units: Annotated[list[Unit], ListOf] = []


class Signature(Record):
    name: OptText = None
    signed_on: OptDate = None


class Receipt(Record):
    principal: Signature | None = None
    team_leader: Signature | None = None
    office_director: Signature | None = None


class InspectedUnit(Record):
    unit: Id
    feedback_on: LedgerDate
    receipt: Receipt | None = None


class Team(Record):
    name: Text
    leader: Text
    members: Annotated[list[Text], ListOf] = []
    units: Annotated[list[InspectedUnit], ListOf] = []


class Round(Record):
    id: Id
    name: Text
    start: LedgerDate
    end: LedgerDate
    rectification_days: Annotated[int, Field(ge=1, le=3650)] = 90
    teams: Annotated[list[Team], ListOf] = []

    def inspected(self) -> dict[str, InspectedUnit]:
        return {entry.unit: entry for team in self.teams for entry in team.units}

    def team_of(self, unit: str) -> Team | None:
        return next((t for t in self.teams if any(e.unit == unit for e in t.units)), None)


class CommonProblem(Record):
    code: Id
    title: Text
    description: Text
    category: Text
    named_in: Annotated[list[Id], ListOf] = []
    self_check_points: Annotated[list[Text], ListOf] = []


class Catalogue(Record):
    common_problems: Annotated[list[CommonProblem], ListOf] = []


class SelfCheck(Record):
    unit: Id
    code: Id
    checked_on: LedgerDate
    result: SelfCheckResult
    note: OptText = None
    rectified_on: OptDate = None


class SelfChecks(Record):
    self_checks: Annotated[list[SelfCheck], ListOf] = []


class Case(Record):
    """A typical warning case (典型案例): Markdown with YAML front matter."""

    id: Id
    title: Text
    unit: Id
    round: Id | None = None
    date: LedgerDate
    category: Text
    form: Level
    problems: Annotated[list[Text], ListOf] = []
    lesson: Text
    body: str = ""


class Category(Record):
    code: Id
    label: Text


class Thresholds(Record):
    green_days: Annotated[int, Field(ge=0, le=3650)] = 20
    yellow_days: Annotated[int, Field(ge=0, le=3650)] = 10
    stale_days: Annotated[int, Field(ge=1, le=3650)] = 60


DEFAULT_CATEGORIES = [
    Category(code="leadership", label="党的领导"),
    Category(code="party_building", label="党的建设"),
    Category(code="strict_governance", label="全面从严治党"),
    Category(code="personnel", label="选人用人"),
    Category(code="work_style", label="作风建设"),
    Category(code="finance_assets", label="财务和资产管理"),
    Category(code="people_livelihood", label="群众身边问题"),
    Category(code="rectification", label="整改落实"),
]
DEFAULT_VAGUE_PHRASES = [
    "进一步",
    "加强",
    "高度重视",
    "认真",
    "切实",
    "抓好",
    "落实",
    "狠抓",
    "持续",
    "不断",
    "强化",
    "提高认识",
    "严格",
    "深入",
    "全面",
    "推进",
    "做好",
    "工作",
]


class DisclosureSettings(Record):
    """rounds/settings.yml `disclosure:`: how the public reaches the office about the
    rectification a public site discloses (整改情况公开); empty fields are left out."""

    contact: Text = "区委巡察办"  # who receives opinions, as the notices name it
    phone: OptText = None  # 监督电话
    email: OptText = None  # 电子邮箱
    address: OptText = None  # 通讯地址
    postcode: OptText = None  # 邮政编码


class Settings(Record):
    district: Text = "示例区"
    # The date warnings are computed against; empty means the day of the build.
    as_of: OptDate = None
    categories: Annotated[list[Category], ListOf] = DEFAULT_CATEGORIES
    thresholds: Thresholds = Thresholds()
    vague_phrases: Annotated[list[Text], ListOf] = DEFAULT_VAGUE_PHRASES
    min_measure_chars: Annotated[int, Field(ge=0, le=200)] = 8
    # Days after feedback a 立行立改 measure must be done in, and the plan is due in
    # when the feedback list names no plan_due.
    immediate_days: Annotated[int, Field(ge=1, le=365)] = 30
    plan_days: Annotated[int, Field(ge=1, le=365)] = 30
    # Field paths left out of a public build (`--audience public`), on top of the
    # built-in ones (site_builder.audience): e.g. problems.measures.owner.
    sensitive_fields: Annotated[list[Text], ListOf] = []
    # IANA time zone for times the site prints (the build time).
    time_zone: Text = "Asia/Shanghai"
    # When `rectify dubian` calls for supervision (督办), and the 督办通知's 文号 and 落款.
    supervision: SupervisionSettings = SupervisionSettings()
    # The 监督电话, 邮箱 and 通讯地址 that public notices (整改情况公开) print.
    disclosure: DisclosureSettings = DisclosureSettings()


ReviewerRole = Literal["discipline", "organisation", "inspection_office"]


class Reviewer(Record):
    """A person whose approved merge is a sign-off (rounds/signers.yml)."""

    name: Text
    email: Text
    role: ReviewerRole
    units: Annotated[list[Text], ListOf] = []  # unit ids, or "*" for every unit
    ssh_key: OptText = None  # "ssh-ed25519 AAAA..." public key
    # ASCII-armored OpenPGP public key ("-----BEGIN PGP PUBLIC KEY BLOCK-----" ...)
    gpg_key: OptText = None
    github: OptText = None  # login on the code-hosting platform, for CODEOWNERS
    # The term of office: approvals dated before ``since`` or after ``until`` do not count.
    # A reviewer who leaves keeps every approval made while listed.
    since: OptDate = None
    until: OptDate = None

    def may_approve(self, unit: str) -> bool:
        return "*" in self.units or unit in self.units

    def serves_on(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )


class PlatformKey(Record):
    """A code-hosting platform's merge-signing key (GitHub web-flow, Gitea, Forgejo):
    an SSH key, an ASCII-armored OpenPGP key, or both (validate: G011 if neither)."""

    name: Text
    ssh_key: OptText = None
    gpg_key: OptText = None


class SignaturePolicy(Record):
    require_signature: bool = False
    # Who may approve a governance change (the signers file, settings, the evaluation
    # rubric, CODEOWNERS, the workflows): a reviewer listed before it with one of these roles.
    governance_roles: Annotated[list[ReviewerRole], ListOf] = ["inspection_office", "discipline"]
    platform_keys: Annotated[list[PlatformKey], ListOf] = []


class Signers(Record):
    policy: SignaturePolicy = SignaturePolicy()
    reviewers: Annotated[list[Reviewer], ListOf] = []

    def by_identity(self, name: str, email: str) -> Reviewer | None:
        email = email.strip().lower()
        for reviewer in self.reviewers:
            if email and reviewer.email.strip().lower() == email:
                return reviewer
        return None
