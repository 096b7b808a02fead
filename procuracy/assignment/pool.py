"""The draw's pool for a case on a day: who may take part, with what running load, and who is
kept out and why.

The pool is every case-handling organisation of the case's procuratorate, active that day, in a
department that handles the case's business line that day; an organisation not handling the
line is simply not in it. An organisation whose prosecutors (sole, lead or member prosecutor)
are not all present that day stays in the pool, so that the commitment shows it, and is
excluded with its reason. Loads are the weights of each organisation's open assignments of
cases not yet closed, in hundredths of a case weight (docs/assignment.md §1).

Not yet here (a later slice): conflicts and recusals (`exclusions_for_conflicts` is the hook)
and the department's approved assignment scheme, which will narrow the pool to the
organisations the scheme names for the case type and carry `max_distance` and `escape`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from procuracy.assignment import draw
from procuracy.assignment.models import Assignment
from procuracy.caseorgs.models import CaseHandlingOrg, Membership, Role
from procuracy.cases.models import Case, CaseStatus
from procuracy.organisation.models import Department
from procuracy.people.models import Staff

OPEN_CASE_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.ASSIGNED,
    CaseStatus.HANDLING,
    CaseStatus.DECIDING,
)


@dataclass(frozen=True)
class Pool:
    """The pool in ascending org id, the exclusions likewise, and the organisations by id (for
    showing them)."""

    members: tuple[draw.Member, ...]
    exclusions: tuple[draw.Exclusion, ...]
    orgs: dict[int, CaseHandlingOrg]

    @property
    def candidates(self) -> list[draw.Member]:
        excluded = {e.org for e in self.exclusions}
        return [m for m in self.members if m.org not in excluded]


def units(weight: Decimal) -> int:
    """A case weight in the draw's integer unit, hundredths (1.5 → 150)."""
    return int((Decimal(weight) * 100).to_integral_value())


def orgs_handling(case: Case, day: datetime.date) -> list[CaseHandlingOrg]:
    departments = Department.objects.on(day).filter(
        procuratorate=case.procuratorate, business_lines=case.business_line
    )
    return list(
        CaseHandlingOrg.objects.on(day)
        .filter(procuratorate=case.procuratorate, department__in=departments)
        .select_related("department")
        .order_by("pk")
    )


def loads(org_ids: list[int]) -> dict[int, int]:
    """Each organisation's running load: its open assignments of cases not closed."""
    sums = (
        Assignment.objects.open()
        .filter(org_id__in=org_ids, case__status__in=OPEN_CASE_STATUSES)
        .values("org_id")
        .annotate(total=Sum("weight"))
    )
    found = {row["org_id"]: units(row["total"]) for row in sums}
    return {pk: found.get(pk, 0) for pk in org_ids}


def exclusions_for_absence(orgs: list[CaseHandlingOrg], day: datetime.date) -> list[draw.Exclusion]:
    """An organisation with a prosecutor away that day (or none at all) stays out of the draw."""
    members = (
        Membership.objects.on(day)
        .filter(org__in=orgs, role__in=Role.prosecutor_roles())
        .select_related("staff")
        .order_by("org_id", "role", "id")
    )
    by_org: dict[int, list[Membership]] = defaultdict(list)
    for membership in members:
        by_org[membership.org_id].append(membership)
    present = set(
        Staff.objects.present_on(day)
        .filter(pk__in=[m.staff_id for m in members])
        .values_list("pk", flat=True)
    )
    found = []
    for org in orgs:
        prosecutors = by_org.get(org.pk, [])
        if not prosecutors:
            found.append(draw.Exclusion(org.pk, "no_prosecutor", _("没有在任的检察官")))
            continue
        away = [m for m in prosecutors if m.staff_id not in present]
        if away:
            names = "、".join(f"{Role(m.role).label}{m.staff.name}" for m in away)
            found.append(draw.Exclusion(org.pk, "absent", _("%(who)s缺勤") % {"who": names}))
    return found


def exclusions_for_conflicts(
    case: Case, orgs: list[CaseHandlingOrg], day: datetime.date
) -> list[draw.Exclusion]:
    """Conflicts declared on a person or found on the case, and recusals: a later slice."""
    return []


def merged(exclusions: list[draw.Exclusion]) -> tuple[draw.Exclusion, ...]:
    """One exclusion per organisation, in ascending org id, as the draw takes them: the reason
    codes joined by "+", the reasons by "；"."""
    by_org: dict[int, list[draw.Exclusion]] = defaultdict(list)
    for exclusion in exclusions:
        by_org[exclusion.org].append(exclusion)
    return tuple(
        draw.Exclusion(
            org,
            "+".join(e.reason for e in found),
            "；".join(e.text for e in found),
        )
        for org, found in sorted(by_org.items())
    )


def pool_for(case: Case, day: datetime.date) -> Pool:
    orgs = orgs_handling(case, day)
    org_loads = loads([o.pk for o in orgs])
    return Pool(
        members=tuple(draw.Member(org=o.pk, load=org_loads[o.pk]) for o in orgs),
        exclusions=merged(
            exclusions_for_absence(orgs, day) + exclusions_for_conflicts(case, orgs, day)
        ),
        orgs={o.pk: o for o in orgs},
    )
