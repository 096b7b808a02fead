"""Reads of cases that the pages, the API and the command line share: who may read a case (one
rule, `readable_q`, that later slices widen to handlers and reviewers and narrow for sealed
cases), the office's queue with its filters, and the time limit a case's first stage runs
under."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from procuracy.cases import deadlines
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.models import Case, CaseType
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import Procuratorate
from procuracy.powers.models import Flag

# Who reads the cases of their own procuratorate: the case management office and its leaders.
OWN_READERS = frozenset(
    {"case_management", "chief", "acting_chief", "deputy_chief", "department_head"}
)
# Who also reads the cases of the procuratorates below their own.
BELOW_READERS = frozenset({"chief", "acting_chief"})
INTAKE_POSITION = "case_management"


def readable_q(actor: Actor) -> Q:
    """The filter on Case for the cases `actor` may read. An administrator without a post reads
    none: keeping the system is not reading its cases."""
    if actor.is_system:
        return Q()
    nothing = Q(pk__in=[])
    if actor.staff is None or actor.staff.left_on is not None:
        return nothing
    q = nothing
    for held in actor.positions:
        if held.kind in BELOW_READERS:
            q |= Q(procuratorate__path__startswith=held.procuratorate_path)
        elif held.kind in OWN_READERS:
            q |= Q(procuratorate_id=held.procuratorate_id)
    return q


def visible_cases(actor: Actor) -> QuerySet[Case]:
    return Case.objects.filter(readable_q(actor)).select_related(
        "procuratorate", "case_type", "business_line"
    )


def case_for(actor: Actor, pk: int) -> Case:
    """The case, if `actor` may read it; Case.DoesNotExist otherwise (so that a page answers
    404 alike for a case that is not there and one the reader may not see)."""
    return visible_cases(actor).get(pk=pk)


def case_numbered(actor: Actor, number: str) -> Case:
    return visible_cases(actor).get(number=number)


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


# ---- the time limit of the first stage ---------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    deadline: deadlines.Deadline
    name: str
    state: str  # deadlines.OK, DUE_SOON or OVERDUE
    days_left: int


def first_stage(case: Case) -> str:
    return deadlines.stage_for(case.case_type.stage, custody=case.custody)


def time_limit(case: Case, calendar: WorkingCalendar | None = None) -> TimeLimit | None:
    """When the first stage expires, counted from the day the case was received, with the
    explanation and today's warning state; None for a type without a statutory stage."""
    stage = first_stage(case)
    if not stage:
        return None
    start = case.received_on
    calendar = calendar or WorkingCalendar.between(start, start + datetime.timedelta(days=120))
    deadline = deadlines.expiry(stage, start, calendar=calendar, custody=case.custody)
    day = today()
    return TimeLimit(
        deadline=deadline,
        name=deadlines.limit(stage).name,
        state=deadlines.warning_state(deadline.day, day, deadlines.warn_days(stage)),
        days_left=(deadline.day - day).days,
    )
