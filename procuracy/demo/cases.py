"""The demo province's year of cases: taken in by each procuratorate's case office on the
working days of the year before the build day, drawn (a few designated by the chief, with a
reason and written reasoning), then moved along the lifecycle with an office's timing: started
within days, decided by whoever the power list in force lets decide (the handler, or on
submission the department head, a deputy, the chief or the committee), now and then returned
for supplementary investigation or extended, filed some days after closing.

Every act goes through its service and is dated when it happened (`occurred_at`). The acts are
replayed in the order of their times, so that each draw sees the loads of its day. The intakes
are a pure plan (`plan_cases`: the same seed, province, count and working days give the same
intakes); what the draws choose is seeded from the ledger, so it differs between builds.

Where the demo's sign-in accounts work (the *showcase* procuratorate), the caseload is a full
one (PER_PROSECUTOR cases a prosecutor a year, up to half of the count), and its desks show
what desks show: the `prosecutor` keeps the cases of the last DESK_DAYS open, one of them
within its warning days; the chief has a submission waiting; the case office has the last
day's intakes still to draw and closed cases to file.
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from procuracy.assignment import services as assignment
from procuracy.assignment.models import AssignmentKind
from procuracy.caseorgs.models import CaseHandlingOrg, Membership, OrgKind, Role
from procuracy.cases import deadlines, lifecycle
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseStatus, CaseType, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.demo.casebook import (
    DURATIONS,
    ENDINGS,
    OUTCOMES,
    REASONING,
    SERIOUS,
    CaseSpec,
    Maker,
)
from procuracy.demo.oversight import Walk
from procuracy.demo.spec import PlaceSpec, Plan, apportion
from procuracy.organisation.models import BusinessLine, Department
from procuracy.people.models import Absence, Position, Staff
from procuracy.powers import engine
from procuracy.powers.engine import Context
from procuracy.powers.models import Holder, Matter, Power

DEFAULT_CASES = 1200
PER_PROSECUTOR = 80  # the showcase's cases a prosecutor a year: a full caseload
SHOWCASE_SHARE = 2  # … but at most half of the count
QUEUED = 2  # the showcase's intakes on the last day, left for the case office to draw
DESK_DAYS = 30  # the `prosecutor` account's cases received this recently stay open
YEAR = 365
OPENS, CLOSES = datetime.time(9, 0), datetime.time(17, 30)
P_RETURN = 0.09  # a prosecution review returned for supplementary investigation
P_SECOND_RETURN = 0.15  # … and of those, returned twice
P_EXTEND = 0.06  # a prosecution review extended by 15 days
P_LATE = 0.04  # a stage that runs past its expiry (by up to LATE_DAYS)
LATE_DAYS = 30
P_SERIOUS_DESIGNATED = 0.4  # a major, difficult or complex case designated to a team
P_LEADER = 0.015  # a case a leader takes on himself (领导办案)
DESIGNATED_SHARE = 0.6  # of the warning limit: the most a procuratorate's share may reach

# --- the plan: who takes in what, when ------------------------------------------------------


def showcase_of(plan: Plan) -> PlaceSpec:
    """The procuratorate where the demo's sign-in accounts work."""
    person = next(a.person for a in plan.accounts if a.login == "prosecutor")
    return plan.places[plan.people[person].place]


def allocate(plan: Plan, n: int) -> dict[int, int]:
    """How many cases each procuratorate takes in: the showcase a full caseload (at most
    half of n), the others the rest in proportion to their prosecutors."""
    showcase = showcase_of(plan)
    own = min(PER_PROSECUTOR * showcase.prosecutors, n // SHOWCASE_SHARE)
    own = min(n, max(own, QUEUED))
    others = [p for p in plan.places if p.key != showcase.key]
    counts = apportion(n - own, [p.prosecutors for p in others])
    found = {p.key: k for p, k in zip(others, counts, strict=True)}
    found[showcase.key] = own
    return found


def plan_cases(
    plan: Plan,
    n: int,
    days: list[datetime.date],
    type_lines: dict[str, frozenset[str]],
) -> list[CaseSpec]:
    """n intakes over the working days `days` (oldest first), in the order they happen. The
    showcase's last QUEUED intakes fall on the last day and stay in the queue."""
    if n <= 0 or not days:
        return []
    rng = random.Random(f"{plan.seed}:cases:{n}")
    maker = Maker(rng, plan, type_lines)
    showcase = showcase_of(plan)
    specs = []
    for key, count in allocate(plan, n).items():
        place = plan.places[key]
        queued = QUEUED if key == showcase.key else 0
        dates = sorted(rng.choice(days) for _ in range(count - queued)) + [days[-1]] * queued
        for i, day in enumerate(dates):
            spec = maker.case(place, day, rng.randrange(0, 480 if i < count - queued else 20))
            if spec is not None:
                specs.append(dataclasses.replace(spec, queued=i >= count - queued))
    specs.sort(key=lambda s: (s.day, s.minute, s.place))
    return specs


def estimated_calls(n: int) -> int:
    """About how many acts n cases make (for the progress bar)."""
    return 13 * n // 2


# --- the year, replayed through the services ------------------------------------------------


@dataclass
class _Story:
    """One case as the year goes: its plan, the case, who handles it, what is left to do."""

    spec: CaseSpec
    case: Case | None = None
    org: int | None = None
    handler: Actor | None = None
    steps: list[str] = field(default_factory=list)
    extend: bool = False
    keep_open: bool = False


@dataclass
class _People:
    """Who does what at each procuratorate, read once."""

    clerks: dict[int, list[Staff]] = field(default_factory=lambda: defaultdict(list))
    chiefs: dict[int, Staff] = field(default_factory=dict)
    deputies: dict[int, list[Staff]] = field(default_factory=lambda: defaultdict(list))
    heads: dict[int, list[Staff]] = field(default_factory=lambda: defaultdict(list))  # by dept
    leads: dict[int, Staff] = field(default_factory=dict)  # by org
    prosecutors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # org
    orgs: dict[tuple[int, str], list[CaseHandlingOrg]] = field(
        default_factory=lambda: defaultdict(list)
    )  # by (procuratorate, business line)
    away: dict[int, list[tuple[datetime.date, datetime.date]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    dept_lines: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    org_dept: dict[int, int] = field(default_factory=dict)

    @classmethod
    def read(cls, day: datetime.date) -> _People:
        found = cls()
        positions = Position.objects.on(day).select_related("staff__user").order_by("id")
        for pos in positions:
            if pos.kind == "case_management":
                found.clerks[pos.procuratorate_id].append(pos.staff)
            elif pos.kind == "chief":
                found.chiefs[pos.procuratorate_id] = pos.staff
            elif pos.kind == "deputy_chief":
                found.deputies[pos.procuratorate_id].append(pos.staff)
            elif pos.kind == "department_head":
                found.heads[pos.department_id].append(pos.staff)
        members = Membership.objects.on(day).filter(role__in=Role.prosecutor_roles())
        for m in members.select_related("staff__user").order_by("id"):
            found.prosecutors[m.org_id].append(m.staff_id)
            if m.role in (Role.SOLE, Role.LEAD):
                found.leads[m.org_id] = m.staff
        for dept in Department.objects.on(day).prefetch_related("business_lines"):
            found.dept_lines[dept.pk] = {line.code for line in dept.business_lines.all()}
        for org in CaseHandlingOrg.objects.on(day).order_by("pk"):
            found.org_dept[org.pk] = org.department_id
            for line in found.dept_lines[org.department_id]:
                found.orgs[org.procuratorate_id, line].append(org)
        for staff_id, starts, ends in Absence.objects.values_list("staff", "starts_on", "ends_on"):
            found.away[staff_id].append((starts, ends))
        return found

    def present(self, staff_id: int, day: datetime.date) -> bool:
        return not any(s <= day <= e for s, e in self.away.get(staff_id, ()))

    def org_present(self, org_id: int, day: datetime.date) -> bool:
        staff = self.prosecutors.get(org_id, [])
        return bool(staff) and all(self.present(s, day) for s in staff)


class _Year:
    """Replays the planned intakes and everything that follows them, in time order."""

    def __init__(self, builder, specs: list[CaseSpec], today: datetime.date, lines, desk_staff):
        self.builder = builder
        self.today = today
        self.end = self.clock(today)
        self.type_lines = lines
        self.rng = random.Random(f"{builder.plan.seed}:year")
        self.calendar = WorkingCalendar.between(today - datetime.timedelta(days=YEAR), today)
        self.people = _People.read(today)
        self.actors: dict[int, Actor] = {}
        self.place_of = dict(builder.places)
        self.spec_of = {builder.places[p.key].pk: p for p in builder.plan.places}
        self.types = {t.code: t for t in CaseType.objects.all()}
        self.lines = {line.code: line for line in BusinessLine.objects.all()}
        self.matters = dict(Matter.objects.values_list("code", "name"))
        self.queue: list[tuple[datetime.datetime, int, Callable, _Story]] = []
        self.order = itertools.count()
        self.shares: Counter = Counter()  # (month, place, dept, kind) and (place, kind)
        self.desk_orgs = {
            org.pk
            for group in self.people.orgs.values()
            for org in group
            if self.people.leads.get(org.pk) in desk_staff
        }
        self.stories = [_Story(spec) for spec in specs]
        self.walk = Walk(self)
        for story in self.stories:
            self.schedule(self.at(story.spec.day, story.spec.minute), self.receive, story)

    # --- time -----------------------------------------------------------------------------

    @staticmethod
    def at(day: datetime.date, minute: int) -> datetime.datetime:
        moment = datetime.datetime.combine(day, OPENS) + datetime.timedelta(minutes=minute)
        return timezone.make_aware(moment)

    @classmethod
    def clock(cls, today: datetime.date) -> datetime.datetime:
        """Where the year ends: now, or the build day's close if that is earlier."""
        return min(timezone.now(), cls.at(today, 8 * 60 + 30))

    def working(self, day: datetime.date, days: int = 0) -> datetime.date:
        """`days` calendar days after `day`, moved on to a working day."""
        day += datetime.timedelta(days=days)
        while not self.calendar.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def later(self, moment: datetime.datetime, lo: int, hi: int) -> datetime.datetime:
        """A time lo–hi working days after `moment` (0: later the same day, if there is
        time left)."""
        days = self.rng.randint(lo, hi)
        if days == 0:
            sooner = moment + datetime.timedelta(minutes=self.rng.randint(5, 90))
            local = timezone.localtime(sooner)
            if local.time() < CLOSES:
                return sooner
            days = 1
        day = timezone.localtime(moment).date()
        for _n in range(days):
            day = self.working(day, 1)
        return self.at(day, self.rng.randrange(0, 480))

    def on_day(self, day: datetime.date, after: datetime.datetime) -> datetime.datetime:
        moment = self.at(self.working(day), self.rng.randrange(0, 480))
        return max(moment, after + datetime.timedelta(minutes=5))

    def schedule(self, moment: datetime.datetime, action: Callable, story: _Story) -> None:
        """Do `action` then, unless then is after the build (the case waits as it is)."""
        if moment <= self.end:
            heapq.heappush(self.queue, (moment, next(self.order), action, story))

    def run(self) -> None:
        while self.queue:
            moment, _n, action, story = heapq.heappop(self.queue)
            action(story, moment)

    # --- who ------------------------------------------------------------------------------

    def actor(self, staff: Staff) -> Actor:
        found = self.actors.get(staff.pk)
        if found is None:
            login = staff.user.username if staff.user_id else staff.name
            found = self.actors[staff.pk] = Actor(login=login, staff=staff)
        return found

    def clerk(self, story: _Story) -> Actor:
        return self.actor(self.people.clerks[story.case.procuratorate_id][0])

    def tick(self, n: int = 1) -> None:
        for _n in range(n):
            self.builder.tick()

    # --- intake and assignment ------------------------------------------------------------

    def receive(self, story: _Story, moment: datetime.datetime) -> None:
        self.intake(story, moment)
        if not story.spec.queued:
            self.schedule(self.later(moment, 0, 1), self.assign, story)

    def intake(self, story: _Story, moment: datetime.datetime, related=()) -> None:
        spec = story.spec
        place = self.place_of[spec.place]
        clerk = self.actor(self.people.clerks[place.pk][0])
        story.case = receive_case(
            actor=clerk,
            procuratorate=place,
            case_type=self.types[spec.case_type],
            business_line=self.lines[spec.line],
            title=spec.title,
            source=spec.source,
            received_on=spec.day,
            referred_by=spec.referred_by,
            custody=spec.custody,
            flags=spec.flags,
            amount=spec.amount,
            parties=spec.parties,
            related=related,
            occurred_at=moment,
        )
        self.tick()

    def assign(self, story: _Story, moment: datetime.datetime) -> None:
        day = timezone.localtime(moment).date()
        case = story.case
        chosen = self.designation(story, day)
        if chosen is not None:
            org, reason, reasoning = chosen
            assignment.designate_case(
                actor=self.actor(self.people.chiefs[case.procuratorate_id]),
                case=case,
                org=org,
                reason=reason,
                reasoning=reasoning,
                occurred_at=moment,
            )
            self.tick()
            kind = AssignmentKind.DESIGNATION
        elif self.pool(case, day):
            drawn = assignment.draw_case(actor=self.clerk(story), case=case, occurred_at=moment)
            self.tick(2)
            org, kind = drawn.assignment.org, AssignmentKind.DRAW
        else:  # nobody may take it today: it waits in the queue
            return
        self.count(moment, case, org, kind)
        story.org = org.pk
        story.handler = self.actor(self.people.leads[org.pk])
        received = case.received_on
        story.keep_open = org.pk in self.desk_orgs and (self.today - received).days < DESK_DAYS
        self.schedule(self.later(moment, 0, 2), self.start, story)

    def pool(self, case: Case, day: datetime.date) -> list[CaseHandlingOrg]:
        """The organisations the draw may choose (a draw with none would be refused)."""
        orgs = self.people.orgs.get((case.procuratorate_id, case.business_line.code), [])
        return [o for o in orgs if self.people.org_present(o.pk, day)]

    def count(self, moment, case: Case, org: CaseHandlingOrg, kind: str) -> None:
        month = timezone.localtime(moment).strftime("%Y-%m")
        self.shares[month, case.procuratorate_id, org.department_id, kind] += 1
        self.shares[case.procuratorate_id, kind] += 1

    def share_after(self, *group) -> float:
        """The group's designated share, in percent, with one more designation."""
        draws = self.shares[(*group, AssignmentKind.DRAW)]
        designated = self.shares[(*group, AssignmentKind.DESIGNATION)] + 1
        return 100 * designated / (draws + designated)

    def designation(self, story: _Story, day: datetime.date):
        """(org, reason, reasoning) when the chief takes the case out of the draw: a serious
        case for a team, now and then a case a leader handles himself; only while the share
        of designations stays well under the warning limit."""
        case = story.case
        serious = set(case.flags) & SERIOUS
        if serious and self.rng.random() < P_SERIOUS_DESIGNATED:
            reason = "major"
        elif self.rng.random() < P_LEADER:
            reason = "leader"
        else:
            return None
        org = self.designated_org(case, reason, day)
        if org is None:
            return None
        warning = settings.PROCURACY_DESIGNATED_SHARE_WARNING
        month = day.strftime("%Y-%m")
        group = (month, case.procuratorate_id, org.department_id)
        if self.share_after(*group) > warning:  # the month's group, as the figures count it
            return None
        if self.share_after(case.procuratorate_id) > warning * DESIGNATED_SHARE:
            return None
        return org, reason, self.designation_reasoning(org, reason)

    def designated_org(self, case: Case, reason: str, day: datetime.date):
        orgs = [o for o in self.pool(case, day)]
        if reason == "major":
            teams = [o for o in orgs if o.kind == OrgKind.TEAM]
            return self.rng.choice(teams) if teams else None
        place = case.procuratorate_id
        leaders = {s.pk for s in [self.people.chiefs.get(place), *self.people.deputies[place]] if s}
        own = [o for o in orgs if o.kind == OrgKind.SOLE and self.people.leads[o.pk].pk in leaders]
        return self.rng.choice(own) if own else None

    def designation_reasoning(self, org: CaseHandlingOrg, reason: str) -> str:
        lead = self.people.leads[org.pk].name
        if reason == "major":
            return f"案情重大、复杂,指定由{org.name}(主办检察官{lead})办理。"
        return f"院领导带头办理重大疑难复杂案件,指定由{lead}检察官亲自办理。"

    # --- the lifecycle --------------------------------------------------------------------

    def when_present(self, story: _Story, moment: datetime.datetime):
        """The handler acts on a day they are at work; back from an absence, the next one."""
        day = timezone.localtime(moment).date()
        staff_id = story.handler.staff.pk
        while not self.people.present(staff_id, day):
            day = self.working(day, 1)
        return moment if day == timezone.localtime(moment).date() else self.at(day, 30)

    def start(self, story: _Story, moment: datetime.datetime) -> None:
        later = self.when_present(story, moment)
        if later != moment:
            self.schedule(later, self.start, story)
            return
        lifecycle.start_handling(actor=story.handler, case=story.case, occurred_at=moment)
        self.tick()
        self.walk.started(story, moment)
        if story.keep_open:
            return
        story.steps = self.ending(story.case)
        if story.case.case_type.code == "prosecution_review":
            if self.rng.random() < P_RETURN:
                returns = 2 if self.rng.random() < P_SECOND_RETURN else 1
                story.steps[:0] = ["return_investigation"] * returns
            story.extend = self.rng.random() < P_EXTEND
        self.next_step(story, moment)

    def pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights)[0]

    def ending(self, case: Case) -> list[str]:
        """The steps that end the case: a conditional non-prosecution only for a minor, and
        for a case the supervision commission sent, a decision to arrest, not an approval."""
        steps = list(self.pick(ENDINGS[case.case_type.code]))
        line = case.business_line.code
        swaps = {}
        if line != "minors":
            swaps["conditional_non_prosecution"] = "discretionary_non_prosecution"
        if line == "duty_crime":
            swaps |= {"approve_arrest": "decide_arrest", "refuse_arrest": "decline_arrest"}
        return [swaps.get(step, step) for step in steps]

    def next_step(self, story: _Story, moment: datetime.datetime) -> None:
        """Schedule the next thing the handler does, timed by the stage that runs: most well
        inside it, a few past its expiry; an extension a few days before it expires."""
        if not story.steps:
            return
        case = story.case
        day = timezone.localtime(moment).date()
        if story.extend and len(story.steps) == 1 and case.stage == "prosecution_review":
            story.extend = False
            story.steps.insert(0, "extend_review")
            target = case.due_on - datetime.timedelta(days=self.rng.randint(1, 4))
        elif case.due_on:
            span = max(1, (case.due_on - day).days)
            if story.steps[0] != "return_investigation" and self.rng.random() < P_LATE:
                target = case.due_on + datetime.timedelta(days=self.rng.randint(1, LATE_DAYS))
            else:
                target = day + datetime.timedelta(days=int(span * self.rng.uniform(0.3, 0.85)))
        else:
            lo, hi = DURATIONS.get(case.case_type.code, (10, 30))
            days = self.rng.randint(lo, hi) // len(story.steps)
            target = day + datetime.timedelta(days=days)
        target = max(target, day + datetime.timedelta(days=1))
        self.schedule(self.on_day(target, moment), self.act, story)

    def act(self, story: _Story, moment: datetime.datetime) -> None:
        later = self.when_present(story, moment)
        if later != moment:
            self.schedule(later, self.act, story)
            return
        step = story.steps.pop(0)
        case = story.case
        if step == "conclude":
            outcome = OUTCOMES.get(case.case_type.code, "审查终结。")
            lifecycle.conclude(actor=story.handler, case=case, outcome=outcome, occurred_at=moment)
            self.tick()
            self.after(story, moment)
            return
        self.decide(story, step, moment)

    def decide(self, story: _Story, matter: str, moment: datetime.datetime) -> None:
        """The handler decides if the list lets them; else submits it, and the first holder
        on the path upward who may decide it does so some days later."""
        case = story.case
        ctx = self.context(story, timezone.localtime(moment).date())
        answer = engine.authorize(story.handler, matter, ctx, Power.DECIDE)
        reasoning = REASONING.get(matter, "经审查,依法作出决定。")
        if answer.allowed:
            self.decided(story, story.handler, matter, reasoning, moment)
            return
        pending = lifecycle.submit_decision(
            actor=story.handler,
            case=case,
            matter=matter,
            reasoning=f"承办检察官审查认为:{reasoning}建议{self.matters[matter]}。",
            occurred_at=moment,
        )
        self.tick()
        self.schedule(
            self.later(moment, 1, 2), lambda s, when: self.walk.step(s, pending, when), story
        )

    def context(self, story: _Story, day: datetime.date) -> Context:
        """What lifecycle.context_of reads from the database, from what the year knows: the
        organisations' members do not change during it."""
        case = story.case
        return Context(
            procuratorate=case.procuratorate,
            business_line=case.business_line.code,
            case_type=case.case_type.code,
            flags=frozenset(case.flags),
            amount=case.amount,
            on=day,
            handlers=frozenset(self.people.prosecutors[story.org]),
            lead=story.handler.staff.pk,
            department_id=self.people.org_dept[story.org],
        )

    def decided(self, story, actor, matter, reasoning, moment) -> None:
        lifecycle.decide(
            actor=actor, case=story.case, matter=matter, reasoning=reasoning, occurred_at=moment
        )
        self.tick()
        if matter == "return_investigation":
            self.schedule(self.later(moment, 8, 18), self.resubmit, story)
        else:
            self.after(story, moment)

    def after(self, story: _Story, moment: datetime.datetime) -> None:
        """Closed: filed some days later. Otherwise on to the next step."""
        if story.case.status in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED):
            self.schedule(self.later(moment, 3, 15), self.archive, story)
        else:
            self.next_step(story, moment)

    def resubmit(self, story: _Story, moment: datetime.datetime) -> None:
        day = timezone.localtime(moment).date()
        lifecycle.resubmit(
            actor=self.clerk(story), case=story.case, received_on=day, occurred_at=moment
        )
        self.tick()
        self.next_step(story, moment)

    def archive(self, story: _Story, moment: datetime.datetime) -> None:
        lifecycle.archive(actor=self.clerk(story), case=story.case, occurred_at=moment)
        self.tick()

    # --- the showcase's desks -------------------------------------------------------------

    def due_soon_case(self, staff: Staff, maker: Maker) -> None:
        """A case for the `prosecutor`'s own desk that comes due within its warning days on
        the build day: received on the day that makes it so, the follow-up of a case their
        organisation handled before (捕诉一体), designated to them with that reason."""
        for org, case_type in self.desk_choices(staff):
            code = deadlines.stage_for(self.types[case_type].stage, custody=False)
            day = self.received_for_due_soon(code)
            if day is None:
                continue
            lines = self.type_lines[case_type] & self.people.dept_lines[org.department_id]
            line = "minors" if "minors" in lines else sorted(lines)[0]
            place = self.spec_of[org.procuratorate_id]
            spec = maker.make(place, day, 0, case_type, line)
            free = tuple(dataclasses.replace(p, in_custody=False) for p in spec.parties)
            spec = dataclasses.replace(spec, custody=False, flags=(), amount=None, parties=free)
            story = _Story(spec, org=org.pk)
            self.stories.append(story)
            self.schedule(self.at(day, self.rng.randrange(0, 240)), self.follow_up, story)
            return

    def desk_choices(self, staff: Staff):
        """The prosecutor's sole organisations (their own department's first), each with the
        types its department takes in that run a statutory stage."""
        orgs = [
            org
            for group in self.people.orgs.values()
            for org in group
            if org.kind == OrgKind.SOLE and self.people.leads.get(org.pk) == staff
        ]
        orgs = sorted(set(orgs), key=lambda o: (o.department_id != staff.department_id, o.pk))
        for org in orgs:
            for case_type in ("prosecution_review", "arrest_review", "custody_review"):
                if self.type_lines[case_type] & self.people.dept_lines[org.department_id]:
                    yield org, case_type

    def received_for_due_soon(self, code: str) -> datetime.date | None:
        """A working day such that a stage `code` begun then is due soon on the build day
        (warn_on <= today <= due_on), the middle one of those there are."""
        found = []
        warn = datetime.timedelta(days=deadlines.warn_days(code))
        for back in range(1, 60):
            day = self.today - datetime.timedelta(days=back)
            if not self.calendar.is_working_day(day):
                continue
            calendar = lifecycle.calendar_for(day)
            due = deadlines.expiry(code, day, calendar=calendar, custody=False).day
            if due - warn <= self.today <= due:
                found.append(day)
        return sorted(found)[len(found) // 2] if found else None

    def follow_up(self, story: _Story, moment: datetime.datetime) -> None:
        org = CaseHandlingOrg.objects.get(pk=story.org)
        earlier = (
            Case.objects.filter(
                assignments__org=org, status__in=(CaseStatus.CLOSED, CaseStatus.ARCHIVED)
            )
            .select_related("case_type", "business_line")
            .order_by("-received_on", "-id")
            .first()
        )
        if earlier is None:  # nothing to follow up: an intake like any other
            self.receive(story, moment)
            return
        spec = story.spec
        if earlier.case_type.code == "arrest_review" and spec.case_type == "prosecution_review":
            suspects = earlier.parties.filter(role="suspect").values_list("name", flat=True)
            spec = dataclasses.replace(
                spec,
                title=earlier.title,
                line=earlier.business_line.code,
                parties=tuple(PartyFields("suspect", name) for name in suspects),
            )
            story.spec = spec
        self.intake(story, moment, related=[earlier.number])
        assignment.designate_case(
            actor=self.actor(self.people.chiefs[org.procuratorate_id]),
            case=story.case,
            org=org,
            reason="related",
            reasoning=f"本案与{earlier.number}系关联案件,由原承办检察官继续办理(捕诉一体)。",
            occurred_at=moment,
        )
        self.tick()
        self.count(moment, story.case, org, AssignmentKind.DESIGNATION)
        story.handler = self.actor(self.people.leads[org.pk])
        story.keep_open = True
        self.schedule(self.later(moment, 0, 1), self.start, story)

    def waiting_on_chief(self, place_pk: int) -> None:
        """Unless a submission already waits on the showcase's chief, a handler submits one
        now: a suspension, which the list leaves to the chief (规则 Art 4)."""
        pending = Decision.objects.filter(
            status=DecisionStatus.PENDING, case__procuratorate_id=place_pk
        )
        if any(d.path and d.path[-1]["holder"] == Holder.CHIEF for d in pending):
            return
        chief = self.people.chiefs[place_pk]
        day = timezone.localtime(self.end).date()
        for story in reversed(self.stories):
            case = story.case
            if case is None or case.procuratorate_id != place_pk:
                continue
            if case.status != CaseStatus.HANDLING or story.handler.staff == chief:
                continue
            if not self.people.present(story.handler.staff.pk, day):
                continue
            ctx = self.context(story, day)
            answer = engine.authorize(story.handler, "suspend_review", ctx, Power.DECIDE)
            if answer.allowed or not answer.path or answer.path[-1].holder != Holder.CHIEF:
                continue
            lifecycle.submit_decision(
                actor=story.handler,
                case=case,
                matter="suspend_review",
                reasoning=f"承办检察官审查认为:{REASONING['suspend_review']}",
                occurred_at=self.end,
            )
            self.tick()
            return


def working_days(calendar: WorkingCalendar, today: datetime.date, end) -> list[datetime.date]:
    """The working days of the year before the build day whose office hours had begun by
    `end`, oldest first."""
    first = today - datetime.timedelta(days=YEAR - 1)
    days = [first + datetime.timedelta(days=i) for i in range(YEAR)]
    opened = [d for d in days if _Year.at(d, 30) <= end]
    return [d for d in opened if calendar.is_working_day(d)]


def type_lines() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for code, line in CaseType.objects.values_list("code", "business_lines__code"):
        if line:
            found[code].add(line)
    return {code: frozenset(lines) for code, lines in found.items()}


def build_year(builder, n: int, *, today: datetime.date) -> None:
    """Take in n cases over the year before `today` and carry each as far as the year allows,
    through the services, as the builder's acts (`builder.tick` counts each)."""
    if n <= 0:
        return
    builder.progress.phase(_("案件"))
    lines = type_lines()
    calendar = WorkingCalendar.between(today - datetime.timedelta(days=YEAR), today)
    days = working_days(calendar, today, _Year.clock(today))
    plan = builder.plan
    specs = plan_cases(plan, n, days, lines)
    accounts = {a.login: builder.staff[a.person] for a in plan.accounts}
    year = _Year(builder, specs, today, lines, {accounts["prosecutor"]})
    maker = Maker(random.Random(f"{plan.seed}:desk"), plan, lines)
    year.due_soon_case(accounts["prosecutor"], maker)
    year.run()
    year.waiting_on_chief(accounts["chief"].procuratorate_id)
