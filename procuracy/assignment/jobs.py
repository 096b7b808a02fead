"""The assignment's scheduled work, run by `procuracy worker`: the daily batch draw of a
department whose approved scheme sets a batch hour (每日集中分案), and the completion of draws
that waited for their beacon round.

Both act as the system, under the rules the scheme and the draw already follow: the batch's
cases are drawn one by one through `draw_case`, each its own two ledgered acts; a case whose
pool is empty stays in the queue with the reason logged, and the rest go on.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from procuracy.assignment import beacon, services
from procuracy.assignment.models import AssignmentScheme
from procuracy.cases.models import Case, CaseStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.jobs import job
from procuracy.core.models import Act

log = logging.getLogger("procuracy.assignment")


def last_batch(hour: int, now: datetime.datetime) -> datetime.datetime:
    """The latest batch time at `hour` (Asia/Shanghai) not after `now`."""
    local = timezone.localtime(now)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment <= local else moment - datetime.timedelta(days=1)


def batch_cases(scheme: AssignmentScheme, cutoff: datetime.datetime):
    """The cases the scheme's batch at `cutoff` draws: received at its procuratorate, of a
    case type it covers, in a business line its department handles, still waiting, and taken
    in before the batch time (a case received after it waits for the next day's)."""
    received_at = Act.objects.filter(seq=OuterRef("ledger_seq")).values("occurred_at")[:1]
    lines = scheme.department.business_lines.values("pk")
    return (
        Case.objects.filter(
            procuratorate_id=scheme.procuratorate_id,
            status=CaseStatus.RECEIVED,
            case_type__code__in=scheme.case_types,
            business_line_id__in=lines,
        )
        .annotate(received_at=Subquery(received_at))
        .filter(received_at__lte=cutoff)
        .select_related("procuratorate", "case_type", "business_line")
        .order_by("received_on", "id")
    )


@dataclass
class BatchRun:
    drawn: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # for a beacon round
    refused: list[tuple[str, str]] = field(default_factory=list)  # (case, why)


def run_batches(now: datetime.datetime | None = None) -> BatchRun:
    """Draw every case due in a batch of a scheme in force today that sets a batch hour."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    run = BatchRun()
    schemes = AssignmentScheme.objects.approved_by_day(day).select_related("department")
    seen: set[int] = set()
    system = Actor.system()
    for scheme in schemes:
        if scheme.department_id in seen:  # the first of a department is the one in force
            continue
        seen.add(scheme.department_id)
        if scheme.batch_hour is None:
            continue
        waiting = set(services.awaiting_beacon())
        for case in batch_cases(scheme, last_batch(scheme.batch_hour, now)):
            if case.pk in waiting:
                continue
            try:
                result = services.draw_case(actor=system, case=case)
            except RuleViolation as refused:
                run.refused.append((case.number, refused.rule))
                log.warning("batch draw of %s refused: %s", case.number, refused.rule)
                continue
            if isinstance(result, services.Awaiting):
                run.waiting.append(case.number)
            else:
                run.drawn.append(case.number)
    return run


@job("assignment.batch_draw", every=datetime.timedelta(minutes=5))
def batch_draw() -> BatchRun:
    return run_batches()


@job("assignment.complete_draws", every=datetime.timedelta(minutes=1))
def complete_draws() -> list[str]:
    """Complete the draws whose beacon round is out (nothing when no beacon is configured)."""
    if not beacon.configured():
        return []
    done = []
    for case_id in services.awaiting_beacon():
        case = Case.objects.select_related("procuratorate").get(pk=case_id)
        try:
            services.complete_draw(actor=Actor.system(), case=case)
        except RuleViolation:  # the round is not out yet
            continue
        done.append(case.number)
    return done
