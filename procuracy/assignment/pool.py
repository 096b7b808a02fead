"""The draw's pool for a case on a day: who may take part, with what running load, and who is
kept out and why.

The pool is every case-handling organisation of the case's procuratorate, active that day, in a
department that handles the case's business line that day; an organisation not handling the
line is simply not in it. Where the department has an assignment scheme in force that day
(分案方案, schemes.py), the scheme decides: a case type it does not cover leaves the
department's organisations out, and of the rest only those it names take part (none named:
all of them); the scheme's max_distance and escape are the draw's. An organisation whose
prosecutors (sole, lead or member prosecutor) are not all present that day stays in the pool,
so that the commitment shows it, and is excluded with its reason; so is one with a member
(any role) who declared a conflict the case's names match, or who is named as a party of the
case. Loads are the weights of each organisation's open assignments of cases not yet closed,
in hundredths of a case weight (docs/assignment.md §1).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from procuracy.assignment import draw
from procuracy.assignment.models import Assignment, AssignmentScheme
from procuracy.caseorgs.models import CaseHandlingOrg, Membership, Role
from procuracy.cases.models import OPEN_STATUSES, Case, Party
from procuracy.core import compiled
from procuracy.organisation.models import Department
from procuracy.people.models import Conflict, Staff, normal_name


@dataclass(frozen=True)
class Pool:
    """The pool in ascending org id, the exclusions likewise, the organisations by id (for
    showing them), and the assignment schemes in force that the pool followed."""

    members: tuple[draw.Member, ...]
    exclusions: tuple[draw.Exclusion, ...]
    orgs: dict[int, CaseHandlingOrg]
    schemes: tuple[AssignmentScheme, ...] = ()

    @property
    def candidates(self) -> list[draw.Member]:
        excluded = {e.org for e in self.exclusions}
        return [m for m in self.members if m.org not in excluded]


def units(weight: Decimal) -> int:
    """A case weight in the draw's integer unit, hundredths (1.5 → 150)."""
    return int((Decimal(weight) * 100).to_integral_value())


# The pool's two main reads are compiled once per process for each set of arguments
# (core.compiled): the ORM spent more time building them than the database answering.


def _orgs_query(procuratorate_id: int, business_line_id: int, day: datetime.date):
    departments = Department.objects.on(day).filter(
        procuratorate_id=procuratorate_id, business_lines=business_line_id
    )
    open_weights = (
        Assignment.objects.open()
        .filter(org_id=OuterRef("pk"), case__status__in=OPEN_STATUSES)  # returned, suspended too
        .order_by()
        .values("org_id")
        .annotate(total=Sum("weight"))
        .values("total")
    )
    in_force = (
        AssignmentScheme.objects.approved_by_day(day)  # newest first: the one in force
        .filter(department_id=OuterRef("department_id"))
        .values("pk")[:1]
    )
    return (
        CaseHandlingOrg.objects.on(day)
        .filter(procuratorate_id=procuratorate_id, department__in=departments)
        .annotate(
            open_load=Subquery(open_weights, output_field=DecimalField()),
            scheme_id=Subquery(in_force),
        )
        .order_by("pk")
    )


def orgs_handling(case: Case, day: datetime.date) -> list[CaseHandlingOrg]:
    """The organisations active that day in a department handling the case's line, in one
    query, each with its running load (`open_load`, a sum of case weights or None) and the
    id of its department's assignment scheme in force that day (`scheme_id`, or None)."""
    return compiled.raw(
        CaseHandlingOrg, _orgs_query, case.procuratorate_id, case.business_line_id, day
    )


def following_schemes(
    case: Case, orgs: list[CaseHandlingOrg]
) -> tuple[list[CaseHandlingOrg], tuple[AssignmentScheme, ...]]:
    """The organisations that take part under their departments' schemes in force, and the
    schemes that admitted the case type (a department without one keeps all its orgs). The
    schemes are read only where a department has one."""
    in_force = {o.department_id: getattr(o, "scheme_id", None) for o in orgs}  # annotated
    wanted = {pk for pk in in_force.values() if pk is not None}
    if not wanted:
        return orgs, ()
    by_id = AssignmentScheme.objects.in_bulk(wanted)
    schemes = {dept: by_id[pk] for dept, pk in in_force.items() if pk is not None}
    code = case.case_type.code
    kept = []
    for org in orgs:
        scheme = schemes.get(org.department_id)
        if scheme is None or (scheme.covers(code) and scheme.takes_part(org.pk)):
            kept.append(org)
    used = tuple(s for _, s in sorted(schemes.items()) if s.covers(code))
    return kept, used


def loads(orgs: list[CaseHandlingOrg]) -> dict[int, int]:
    """Each organisation's running load: its open assignments of cases not closed (summed
    by orgs_handling; SQLite gives the sum as a float, hence str())."""
    return {o.pk: units(Decimal(str(getattr(o, "open_load", None) or 0))) for o in orgs}


class Member(NamedTuple):
    """A member of an organisation on the day, as the exclusions read them."""

    org_id: int
    staff_id: int
    role: str
    name: str
    present: bool  # employed that day and not away
    declares: bool  # has a conflict declaration in force that day


def _members_query(org_ids: tuple[int, ...], day: datetime.date):
    return (
        Membership.objects.on(day)
        .filter(org_id__in=org_ids)
        .annotate(
            present=Exists(Staff.objects.present_on(day).filter(pk=OuterRef("staff_id"))),
            declares=Exists(Conflict.objects.on(day).filter(staff_id=OuterRef("staff_id"))),
        )
        .order_by("org_id", "role", "id")
        .values_list("org_id", "staff_id", "role", "staff__name", "present", "declares")
    )


def members_on(orgs: list[CaseHandlingOrg], day: datetime.date) -> dict[int, list[Member]]:
    """Every member of each organisation that day, prosecutors, assistants and clerks alike
    (the rules on recusal reach them all, 刑事诉讼法 Art 32), in one query, with whether
    each is present that day and whether they have a conflict declaration in force."""
    if not orgs:
        return {}
    rows = compiled.fetch(_members_query, tuple(o.pk for o in orgs), day)
    by_org: dict[int, list[Member]] = defaultdict(list)
    for org_id, staff_id, role, name, present, declares in rows:
        by_org[org_id].append(Member(org_id, staff_id, role, name, bool(present), bool(declares)))
    return by_org


def exclusions_for_absence(
    orgs: list[CaseHandlingOrg], members: dict[int, list[Member]]
) -> list[draw.Exclusion]:
    """An organisation with a prosecutor away that day (or none at all) stays out of the draw."""
    roles = set(Role.prosecutor_roles())
    found = []
    for org in orgs:
        prosecutors = [m for m in members.get(org.pk, []) if m.role in roles]
        if not prosecutors:
            found.append(draw.Exclusion(org.pk, "no_prosecutor", _("没有在任的检察官")))
            continue
        away = [m for m in prosecutors if not m.present]
        if away:
            names = "、".join(_who(m) for m in away)
            found.append(draw.Exclusion(org.pk, "absent", _("%(who)s缺勤") % {"who": names}))
    return found


def _party_names_query(case_id: int):
    return Party.objects.filter(case_id=case_id).order_by().values_list("name")


def _case_names(case: Case) -> tuple[set[str], set[str]]:
    """The case's names as compared: its parties', and those with the referring body."""
    rows = compiled.fetch(_party_names_query, case.pk)
    parties = {normal_name(name) for (name,) in rows} - {""}
    return parties, parties | ({normal_name(case.referred_by)} - {""})


def _who(member: Member) -> str:
    return f"{Role(member.role).label}{member.name}"


def exclusions_for_conflicts(
    case: Case,
    orgs: list[CaseHandlingOrg],
    members: dict[int, list[Member]],
    day: datetime.date,
) -> list[draw.Exclusion]:
    """An organisation with a member who declared a conflict in force that day that the case
    matches (any name it declares — a person, a unit, the law firm — equal to a party's name
    or the referring body's), reason `conflict`; or with a member named as a party of the
    case, reason `recusal`. The words name the member and the kind of conflict, never whom it
    concerns: the commitment is read by the whole procuratorate, the declaration only by the
    person and the personnel offices (its ledger entry is personal)."""
    if not orgs:
        return []
    parties, names = _case_names(case)
    if not names:
        return []
    declaring = {m.staff_id for found in members.values() for m in found if m.declares}
    matching: dict[int, list[Conflict]] = defaultdict(list)
    if declaring:
        for conflict in Conflict.objects.on(day).filter(staff_id__in=declaring).order_by("id"):
            if any(normal_name(n) in names for n in conflict.declared_names):
                matching[conflict.staff_id].append(conflict)
    found = []
    for org in orgs:
        here = members.get(org.pk, [])
        declared = [
            _("%(who)s申报%(kind)s(申报编号 %(id)s)")
            % {"who": _who(m), "kind": c.get_kind_display(), "id": c.pk}
            for m in here
            for c in matching.get(m.staff_id, [])
        ]
        if declared:
            found.append(draw.Exclusion(org.pk, "conflict", "、".join(declared)))
        named = [m for m in here if normal_name(m.name) in parties]
        if named:
            who = "、".join(_who(m) for m in named)
            found.append(
                draw.Exclusion(org.pk, "recusal", _("%(who)s与本案当事人同名") % {"who": who})
            )
    return found


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
    """Three queries in the common case (the organisations with their loads, their members
    with presence and declarations, the case's parties' names), one more for the schemes
    where a department has one in force, and one for the declarations where a member has
    one. Reads the case's ids, not its related rows."""
    orgs, schemes = following_schemes(case, orgs_handling(case, day))
    org_loads = loads(orgs)
    members = members_on(orgs, day)
    return Pool(
        members=tuple(draw.Member(org=o.pk, load=org_loads[o.pk]) for o in orgs),
        exclusions=merged(
            exclusions_for_absence(orgs, members)
            + exclusions_for_conflicts(case, orgs, members, day)
        ),
        orgs={o.pk: o for o in orgs},
        schemes=schemes,
    )
