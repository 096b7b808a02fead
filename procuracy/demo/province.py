"""Builds the demo province: carries out a plan (plan.py) through the service functions, as
the system actor, so every row it writes leaves its act like any other record.

Also what the `demo` command needs around the build: emptying the database (`reset`), the
superuser, and a fingerprint that shows two builds with the same seed are the same.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from procuracy.caseorgs import services as caseorgs
from procuracy.caseorgs.models import Membership
from procuracy.cases import services as cases
from procuracy.core.actors import Actor
from procuracy.core.spine import at_start_of
from procuracy.demo import cases as demo_cases
from procuracy.demo.plan import ACCOUNT_ROLES, HISTORY_END, Plan
from procuracy.organisation import services as organisation
from procuracy.organisation.models import BusinessLine, Department, Procuratorate
from procuracy.people import services as people
from procuracy.people.models import GradeRecord, Position, QuotaRecord, RankRecord, Staff
from procuracy.powers import services as powers
from procuracy.powers import shipped
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import ApprovalBody, ListLevel, PowerList

# The one documented password of every demo account (README, and printed by the command).
DEMO_PASSWORD = "demo-2026-procuracy"
ADMIN_LOGIN = "admin"
ADMIN_ROLE = gettext_noop("系统管理员")

# The power lists: the templates in force with the reform, revised after the 2024 opinion.
LISTS_APPROVED = datetime.date(2019, 6, 20)
LISTS_FROM = datetime.date(2019, 7, 1)
LISTS_REVISED = datetime.date(2024, 8, 20)
LISTS_REVISED_FROM = datetime.date(2024, 9, 1)
PROSECUTION_ITEMS = ("B09-1", "B09-3", "B09-5")  # 提起公诉: the prosecutor's amount limit
REVISED_THRESHOLD = Decimal("10000000")


class Progress:
    """What the build reports as it goes; the command draws it as a progress bar."""

    def phase(self, label: str) -> None:
        """A new phase of the build begins (label in Chinese)."""

    def advance(self, n: int = 1) -> None:
        """n more service calls are done."""


@dataclass
class Account:
    login: str
    role: str
    name: str
    procuratorate: str


@dataclass
class Built:
    accounts: list[Account] = field(default_factory=list)
    calls: int = 0


class _Builder:
    """Keeps the created records by plan key so that later acts can name them."""

    def __init__(self, plan: Plan, progress: Progress):
        self.plan = plan
        self.progress = progress
        self.actor = Actor.system()
        self.lines = {line.code: line for line in BusinessLine.objects.all()}
        self.places: dict[int, Procuratorate] = {}
        self.depts: dict[int, Department] = {}
        self.staff: dict[int, Staff] = {}
        self.calls = 0

    def tick(self) -> None:
        self.calls += 1
        self.progress.advance()

    def procuratorates(self) -> None:
        self.progress.phase(_("检察院"))
        for spec in self.plan.places:
            self.places[spec.key] = organisation.create_procuratorate(
                actor=self.actor,
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                level=spec.level,
                parent=self.places.get(spec.parent),
            )
            self.tick()

    def departments(self) -> None:
        """The old departments, the reform that closes them, then the new ones: a new
        department may reuse an old name (办公室) only once the old one has closed."""
        old = [spec for spec in self.plan.depts if spec.closes_on]
        self.progress.phase(_("改革前内设机构"))
        for spec in old:
            self._open(spec)
        self.progress.phase(_("内设机构改革"))
        for spec in old:
            organisation.close_department(
                actor=self.actor,
                department=self.depts[spec.key],
                on=spec.closes_on,
                occurred_at=at_start_of(spec.closes_on),
            )
            self.tick()
        self.progress.phase(_("现行内设机构"))
        for spec in self.plan.depts:
            if not spec.closes_on:
                self._open(spec)

    def _open(self, spec) -> None:
        missing = set(spec.lines) - self.lines.keys()
        if missing:
            raise RuntimeError(f"business lines missing: {sorted(missing)} (migrate?)")
        self.depts[spec.key] = organisation.open_department(
            actor=self.actor,
            procuratorate=self.places[spec.place],
            name=spec.name,
            kind=spec.kind,
            business_lines=[self.lines[code] for code in spec.lines],
            valid_from=spec.valid_from,
            occurred_at=at_start_of(spec.valid_from),
        )
        self.tick()

    def people(self) -> None:
        self.progress.phase(_("人员"))
        for spec in self.plan.people:
            self.staff[spec.key] = people.register_staff(
                actor=self.actor,
                procuratorate=self.places[spec.place],
                department=self.depts.get(spec.dept),
                name=spec.name,
                gender=spec.gender,
                category=spec.category,
                employment=spec.employment,
                joined_on=spec.joined,
                birth_date=spec.birth,
                posted_from=spec.posted_from,
                occurred_at=at_start_of(spec.joined),
            )
            self.tick()
        self.progress.phase(_("员额、等级和职级"))
        for spec in self.plan.people:
            self._career(spec, self.staff[spec.key])

    def _career(self, spec, staff: Staff) -> None:
        if spec.quota_on:
            people.enter_quota(
                actor=self.actor,
                staff=staff,
                on=spec.quota_on,
                occurred_at=at_start_of(spec.quota_on),
            )
            self.tick()
        for grade, day, reason in spec.grades:
            people.record_grade(
                actor=self.actor,
                staff=staff,
                grade=grade,
                effective_on=day,
                reason=reason,
                occurred_at=at_start_of(day),
            )
            self.tick()
        for rank, day, reason in spec.ranks:
            people.record_rank(
                actor=self.actor,
                staff=staff,
                rank=rank,
                effective_on=day,
                reason=reason,
                occurred_at=at_start_of(day),
            )
            self.tick()

    def positions(self) -> None:
        self.progress.phase(_("职务"))
        for spec in self.plan.positions:
            people.appoint(
                actor=self.actor,
                staff=self.staff[spec.person],
                kind=spec.kind,
                department=self.depts.get(spec.dept),
                valid_from=spec.valid_from,
                occurred_at=at_start_of(spec.valid_from),
            )
            self.tick()

    def orgs(self) -> None:
        self.progress.phase(_("办案组织"))
        for spec in self.plan.soles:
            caseorgs.form_sole_org(
                actor=self.actor,
                department=self.depts[spec.dept],
                prosecutor=self.staff[spec.prosecutor],
                valid_from=spec.valid_from,
                assistants=[self.staff[k] for k in spec.assistants],
                occurred_at=at_start_of(spec.valid_from),
            )
            self.tick()
        for spec in self.plan.teams:
            caseorgs.form_team(
                actor=self.actor,
                department=self.depts[spec.dept],
                name=spec.name,
                team_kind="fixed",
                lead=self.staff[spec.lead],
                prosecutors=[self.staff[k] for k in spec.prosecutors],
                valid_from=spec.valid_from,
                assistants=[self.staff[k] for k in spec.assistants],
                clerks=[self.staff[k] for k in spec.clerks],
                occurred_at=at_start_of(spec.valid_from),
            )
            self.tick()

    def absences(self, today: datetime.date) -> None:
        self.progress.phase(_("离岗"))
        for spec in self.plan.absences:
            staff = self.staff[spec.person]
            starts = max(today + datetime.timedelta(days=spec.starts_in), staff.joined_on)
            people.record_absence(
                actor=self.actor,
                staff=staff,
                kind=spec.kind,
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=spec.days - 1),
                note=_("演示数据"),
                occurred_at=at_start_of(min(starts, today)),
            )
            self.tick()

    def power_lists(self) -> None:
        """The province's three lists, loaded from the shipped templates with the reform and
        approved in committee by the provincial chief; then, after the SPP's 2024 opinion, a
        second version of the base list that raises the amount below which a prosecutor
        decides a prosecution (500万 → 1000万), so that the pages have a history to compare."""
        self.progress.phase(_("权力清单"))
        province = self.places[self.plan.places[0].key]
        chief = Actor(login="province_chief", staff=self.staff[self.plan.places[0].leaders[0]])
        shipped.load_templates(
            chief, province, effective_from=LISTS_FROM, occurred_at=at_start_of(LISTS_APPROVED)
        )
        for _n in range(9):  # three lists opened, drafted and approved
            self.tick()
        base = PowerList.objects.get(procuratorate=province, level=ListLevel.BASE)
        when = at_start_of(LISTS_REVISED)
        draft = powers.draft_version(
            actor=chief,
            power_list=base,
            note=_("落实最高人民检察院2024年《关于人民检察院全面准确落实司法责任制的若干意见》"),
            occurred_at=when,
        )
        self.tick()
        items = draft.items.filter(code__in=PROSECUTION_ITEMS).select_related("matter")
        # The chief's range moves up first, so that no two deciders overlap in between.
        for item in sorted(items, key=lambda i: i.max_amount is not None):
            fields = ItemFields.of(item)
            if fields.max_amount is not None:
                fields.max_amount = REVISED_THRESHOLD
            if fields.min_amount is not None:
                fields.min_amount = REVISED_THRESHOLD
            powers.change_item(actor=chief, item=item, fields=fields, occurred_at=when)
            self.tick()
        powers.approve_version(
            actor=chief,
            version=draft,
            effective_from=LISTS_REVISED_FROM,
            body=ApprovalBody.COMMITTEE,
            reference=_("省院检委会〔2024〕第9次会议"),
            occurred_at=when,
        )
        self.tick()

    def calendar(self, today: datetime.date) -> None:
        """The official holidays and make-up working days of the years the demo covers, as the
        case office loads them (the time limits count working days by them)."""
        self.progress.phase(_("节假日日历"))
        known = cases.official_years()
        for year in range(LISTS_FROM.year, today.year + 1):
            if year in known:
                cases.load_official_year(actor=self.actor, year=year)
                self.tick()

    def accounts(self, password: str) -> list[Account]:
        self.progress.phase(_("登录账号"))
        out = []
        for spec in self.plan.accounts:
            staff = self.staff[spec.person]
            people.open_account(actor=self.actor, staff=staff, login=spec.login, password=password)
            self.tick()
            out.append(Account(spec.login, spec.role, staff.name, staff.procuratorate.name))
        return out


def build(
    plan: Plan,
    *,
    today: datetime.date,
    password: str = DEMO_PASSWORD,
    progress: Progress | None = None,
    cases: int = 0,
) -> Built:
    """Carry out the plan, then open the accounts and the administrator's, then take in
    `cases` cases over the year before `today` (demo/cases.py). The caller holds the
    transaction (the command wraps the whole build in one)."""
    if today < HISTORY_END:
        raise ValueError(f"the demo's history runs to {HISTORY_END}; the build day is {today}")
    builder = _Builder(plan, progress or Progress())
    builder.procuratorates()
    builder.departments()
    builder.people()
    builder.positions()
    builder.orgs()
    builder.absences(today)
    builder.power_lists()
    builder.calendar(today)
    accounts = [create_admin(password), *builder.accounts(password)]
    demo_cases.build_year(builder, cases, today=today)
    return Built(accounts=accounts, calls=builder.calls)


# --- around the build -----------------------------------------------------------------------


def has_data() -> bool:
    return Procuratorate.objects.exists()


def needs_migration() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def reset() -> None:
    """Empty every table, then put back the reference data the migrations load (the business
    lines…): `flush` removes it too, and the migrations count as applied already."""
    if connection.vendor == "postgresql":
        # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks still
        # pending in this transaction (rows written earlier in it): check them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    reload_reference_data()


def reload_reference_data() -> None:
    """Re-run the forward data steps (RunPython) of the project's own migrations, each against
    the models as they stand at that step. Such steps must be idempotent (update_or_create)."""
    loader = MigrationExecutor(connection).loader
    editor = SimpleNamespace(connection=connection)
    done: set[tuple[str, str]] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            migration = loader.graph.nodes[key]
            if key in done or not migration.__module__.startswith("procuracy."):
                continue
            done.add(key)
            if not any(isinstance(op, RunPython) for op in migration.operations):
                continue
            state = loader.project_state(key, at_end=False)
            for op in migration.operations:
                if isinstance(op, RunPython):
                    op.code(state.apps, editor)
                else:
                    op.state_forwards(key[0], state)


@contextlib.contextmanager
def _environment(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def create_admin(password: str = DEMO_PASSWORD) -> Account:
    """The installation's administrator: a superuser without a staff record, made the way an
    installer makes one (Django's `createsuperuser`), since it is set-up, not a domain act."""
    with _environment(DJANGO_SUPERUSER_PASSWORD=password):
        call_command(
            "createsuperuser",
            interactive=False,
            username=ADMIN_LOGIN,
            email="admin@demo.invalid",
            verbosity=0,
        )
    return Account(ADMIN_LOGIN, ADMIN_ROLE, "—", "—")


def existing_accounts() -> list[Account]:
    """The demo's accounts as the database holds them (for `procuracy demo --logins`)."""
    roles = {ADMIN_LOGIN: ADMIN_ROLE, **dict(ACCOUNT_ROLES)}
    users = (
        get_user_model().objects.filter(username__in=roles).select_related("staff__procuratorate")
    )
    found = {u.username: u for u in users}
    accounts = []
    for login, role in roles.items():
        user = found.get(login)
        if user is None:
            continue
        staff = getattr(user, "staff", None)
        name, place = (staff.name, staff.procuratorate.name) if staff else ("—", "—")
        accounts.append(Account(login, role, name, place))
    return accounts


def fingerprint() -> str:
    """A digest of what the seed decides: codes, names, departments, people, careers,
    positions and memberships, in the order they were made. Absences (dated from the build
    day), timestamps and database ids are left out."""
    digest = hashlib.sha256()

    def feed(rows) -> None:
        for row in rows:
            digest.update(json.dumps(row, default=str, ensure_ascii=False).encode())

    feed(Procuratorate.objects.order_by("id").values_list("code", "name", "level", "parent__code"))
    feed(
        Department.objects.order_by("id").values_list(
            "procuratorate__code", "name", "kind", "valid_from", "valid_to"
        )
    )
    feed(
        Staff.objects.order_by("id").values_list(
            "procuratorate__code",
            "department__name",
            "name",
            "gender",
            "birth_date",
            "category",
            "employment",
            "joined_on",
            "user__username",
        )
    )
    for model, value in ((GradeRecord, "grade"), (RankRecord, "rank")):
        feed(
            model.objects.order_by("id").values_list("staff__name", value, "effective_on", "reason")
        )
    feed(QuotaRecord.objects.order_by("id").values_list("staff__name", "valid_from"))
    feed(
        Position.objects.order_by("id").values_list(
            "staff__name", "kind", "department__name", "valid_from"
        )
    )
    feed(
        Membership.objects.order_by("id").values_list(
            "org__procuratorate__code",
            "org__department__name",
            "org__name",
            "staff__name",
            "role",
            "valid_from",
        )
    )
    return digest.hexdigest()[:16]
