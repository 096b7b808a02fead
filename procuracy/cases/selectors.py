"""Reads of cases that the pages, the API and the command line share: who may read a case (one
rule, `readable_q`, that later slices widen to handlers and reviewers and narrow for sealed
cases), the office's queue with its filters, and the time limit a case's first stage runs
under."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from procuracy.cases import deadlines, lifecycle
from procuracy.cases.models import Case, CaseType, Stage
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import Procuratorate
from procuracy.powers.models import Flag

# Who reads the cases of their own procuratorate: the case management office and its leaders;
# a department head, those of the business lines their department handles.
OWN_READERS = frozenset({"case_management", "chief", "acting_chief", "deputy_chief"})
# Who also reads the cases of the procuratorates below their own.
BELOW_READERS = frozenset({"chief", "acting_chief"})
# Who reads a sealed case besides its handlers: the chief of its own procuratorate.
SEALED_READERS = frozenset({"chief", "acting_chief"})
INTAKE_POSITION = "case_management"


def readable_q(actor: Actor) -> Q:
    """The filter on Case for the cases `actor` may read: the handlers of its open assignment
    (every member of the organisation, assistants and clerks too), the case office and the
    leaders in scope. A sealed case only its handlers and its own chief. An administrator
    without a post reads none: keeping the system is not reading its cases."""
    from procuracy.organisation.models import Department

    if actor.is_system:
        return Q()
    nothing = Q(pk__in=[])
    if actor.staff is None or actor.staff.left_on is not None:
        return nothing
    handled = handled_q(actor, today())
    open_to = nothing
    sealed_to = nothing
    for held in actor.positions:
        if held.kind in BELOW_READERS:
            open_to |= Q(procuratorate__path__startswith=held.procuratorate_path)
        elif held.kind in OWN_READERS:
            open_to |= Q(procuratorate_id=held.procuratorate_id)
        elif held.kind == "department_head" and held.department_id is not None:
            lines = Department.objects.filter(pk=held.department_id).values("business_lines")
            open_to |= Q(procuratorate_id=held.procuratorate_id, business_line_id__in=lines)
        if held.kind in SEALED_READERS:
            sealed_to |= Q(procuratorate_id=held.procuratorate_id)
    return handled | (Q(sealed="") & open_to) | (~Q(sealed="") & sealed_to)


def handled_q(actor: Actor, day: datetime.date) -> Q:
    """The cases whose open assignment is to an organisation the actor is a member of."""
    from procuracy.assignment.models import Assignment
    from procuracy.caseorgs.models import Membership

    if actor.staff is None:
        return Q(pk__in=[])
    orgs = Membership.objects.on(day).filter(staff=actor.staff).values("org_id")
    return Q(pk__in=Assignment.objects.open().filter(org_id__in=orgs).values("case_id"))


def visible_cases(actor: Actor) -> QuerySet[Case]:
    return Case.objects.filter(readable_q(actor)).select_related(
        "procuratorate", "case_type", "business_line"
    )


def case_for(actor: Actor, pk: int, channel: str = "page") -> Case:
    """The case, if `actor` may read it; Case.DoesNotExist otherwise (so that a page answers
    404 alike for a case that is not there and one the reader may not see). A read of a
    sealed case is recorded (an act of its own) before the case is returned."""
    return _read(actor, visible_cases(actor).get(pk=pk), channel)


def case_numbered(actor: Actor, number: str, channel: str = "cli") -> Case:
    return _read(actor, visible_cases(actor).get(number=number), channel)


def _read(actor: Actor, case: Case, channel: str) -> Case:
    if case.sealed and not actor.is_system:
        lifecycle.note_sealed_read(actor=actor, case=case, channel=channel)
    return case


def cases(
    actor: Actor,
    *,
    procuratorate: int | None = None,
    status: str = "",
    case_type: str = "",
    business_line: str = "",
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
    warned: bool = False,
) -> QuerySet[Case]:
    """The queue: the cases `actor` may read, newest received first. `case_type` and
    `business_line` are codes; `warned` keeps the cases with intake warnings."""
    qs = visible_cases(actor)
    if procuratorate:
        qs = qs.filter(procuratorate_id=procuratorate)
    if status:
        qs = qs.filter(status=status)
    if case_type:
        qs = qs.filter(case_type__code=case_type)
    if business_line:
        qs = qs.filter(business_line__code=business_line)
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    if warned:
        qs = qs.exclude(warnings=[])
    return qs


def intake_place(actor: Actor) -> Procuratorate | None:
    """Where `actor` takes cases in: the procuratorate of their post in a case management
    office, else their own (where the intake form shows them why they may not)."""
    for held in actor.positions:
        if held.kind == INTAKE_POSITION:
            return Procuratorate.objects.get(pk=held.procuratorate_id)
    return actor.staff.procuratorate if actor.staff is not None else None


def case_types() -> QuerySet[CaseType]:
    return CaseType.objects.prefetch_related("business_lines")


def flag_labels(flags) -> str:
    """["major", "plea"] → 重大、认罪认罚"""
    return "、".join(str(Flag(f).label) if f in Flag.values else f for f in flags)


# ---- the time limits --------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    deadline: deadlines.Deadline | None  # None while the clock is stopped (suspended)
    stage: Stage
    name: str
    state: str  # deadlines.OK, DUE_SOON or OVERDUE; "" when stopped or ended
    days_left: int | None

    @property
    def expires_on(self) -> datetime.date | None:
        return self.deadline.day if self.deadline else None

    @property
    def explanation(self) -> list[str]:
        return self.deadline.explanation if self.deadline else list(self.stage.explanation)


def first_stage(case: Case) -> str:
    return deadlines.stage_for(case.case_type.stage, custody=case.custody)


def time_limits(case: Case) -> list[TimeLimit]:
    """Every stage the case has run under, oldest first, each with its expiry explained and,
    for the running one, today's warning state."""
    day = today()
    found = []
    for stage in case.stages.order_by("started_on", "id"):
        deadline = lifecycle.compute(stage, day)
        state, left = "", None
        if deadline is not None and stage.ended_on is None:
            state = deadlines.warning_state(deadline.day, day, deadlines.warn_days(stage.code))
            left = (deadline.day - day).days
        found.append(TimeLimit(deadline, stage, deadlines.limit(stage.code).name, state, left))
    return found


def time_limit(case: Case) -> TimeLimit | None:
    """The running stage's time limit (or the last one's, once the case has ended)."""
    return current_limit(time_limits(case))


def current_limit(limits: list[TimeLimit]) -> TimeLimit | None:
    """Of `time_limits(case)`, the running stage's, or the last one's once the case has
    ended (for a caller that shows them all, without computing the stages twice)."""
    found = [t for t in limits if t.stage.ended_on is None] or limits
    return found[-1] if found else None


def due_state(case: Case, day: datetime.date | None = None) -> str:
    """The running stage's warning state from what the case stores (no stage computed)."""
    if case.due_on is None:
        return ""
    day = day or today()
    if day > case.due_on:
        return deadlines.OVERDUE
    if case.warn_on is not None and day >= case.warn_on:
        return deadlines.DUE_SOON
    return deadlines.OK
