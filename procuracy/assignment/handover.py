"""Handover (人员变动): the open cases whose organisation can no longer carry them — the
organisation dissolved, or its sole or lead prosecutor left the procuratorate, moved away, left
the organisation, or is away longer than PROCURACY_HANDOVER_ABSENCE_DAYS — listed for
reassignment, each with its reasons. Reassigning one is `services.reassign_case` with the
reason 人员变动, approved as the power list says.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from procuracy.assignment.models import Assignment
from procuracy.caseorgs.models import Membership, Role
from procuracy.cases.models import OPEN_STATUSES, CaseStatus
from procuracy.people.models import Absence

LEADS = (Role.SOLE, Role.LEAD)
ABSENCE_DAYS = 15  # a lead away this long (and still away) hands over: local practice, NOT VERIFIED


@dataclass
class Handover:
    assignment: Assignment
    reasons: list[str] = field(default_factory=list)

    @property
    def case(self):
        return self.assignment.case


def absence_days() -> int:
    return int(getattr(settings, "PROCURACY_HANDOVER_ABSENCE_DAYS", ABSENCE_DAYS))


def awaiting(cases_q: Q, day: datetime.date) -> list[Handover]:
    """The open assignments of the cases `cases_q` selects whose organisation can no longer
    carry them on `day`, oldest case first."""
    open_assignments = list(
        Assignment.objects.open()
        .filter(case__in=_cases(cases_q))
        .exclude(case__status=CaseStatus.RECEIVED)
        .select_related("case", "org", "case__procuratorate")
        .order_by("case__received_on", "case_id")
    )
    if not open_assignments:
        return []
    orgs = {a.org_id: a.org for a in open_assignments}
    leads = _leads(list(orgs), day)
    long_away = _long_away({m.staff_id for ms in leads.values() for m in ms}, day)
    found = []
    for assignment in open_assignments:
        reasons = _reasons(assignment, leads.get(assignment.org_id, []), long_away, day)
        if reasons:
            found.append(Handover(assignment, reasons))
    return found


def _cases(cases_q: Q):
    from procuracy.cases.models import Case

    return Case.objects.filter(cases_q, status__in=OPEN_STATUSES)


def _leads(org_ids: list[int], day: datetime.date) -> dict[int, list[Membership]]:
    """Each organisation's sole or lead prosecutors: those in force that day, and those whose
    membership ended on or before it with no successor yet (they show why)."""
    rows = (
        Membership.objects.filter(org_id__in=org_ids, role__in=LEADS, valid_from__lte=day)
        .select_related("staff", "org")
        .order_by("org_id", "-valid_from", "-id")
    )
    by_org: dict[int, list[Membership]] = defaultdict(list)
    for membership in rows:
        current = by_org[membership.org_id]
        if current and current[0].holds_on(day):
            continue  # the organisation has a lead in force: older rows say nothing
        current.append(membership)
    return by_org


def _long_away(staff_ids: set[int], day: datetime.date) -> dict[int, Absence]:
    """Absences covering `day` that last at least the configured number of days."""
    wanted = datetime.timedelta(days=absence_days() - 1)
    found = {}
    for absence in Absence.objects.filter(
        staff_id__in=staff_ids, starts_on__lte=day, ends_on__gte=day
    ).order_by("starts_on", "id"):
        if absence.ends_on - absence.starts_on >= wanted:
            found[absence.staff_id] = absence
    return found


def _reasons(
    assignment: Assignment,
    leads: list[Membership],
    long_away: dict[int, Absence],
    day: datetime.date,
) -> list[str]:
    org, case = assignment.org, assignment.case
    if not org.holds_on(day):
        return [_("办案组织“%(org)s”已撤销。") % {"org": org.name}]
    current = [m for m in leads if m.holds_on(day)]
    if not current:
        names = "、".join(m.staff.name for m in leads[:1])
        if names:
            return [_("%(name)s已退出办案组织,尚无接替的主办检察官。") % {"name": names}]
        return [_("办案组织没有在任的独任或主办检察官。")]
    reasons = []
    for membership in current:
        staff, role = membership.staff, Role(membership.role).label
        who = {"role": role, "name": staff.name}
        if staff.left_on is not None and staff.left_on <= day:
            reasons.append(_("%(role)s%(name)s已离职。") % who)
        elif staff.procuratorate_id != case.procuratorate_id:
            reasons.append(_("%(role)s%(name)s已调离本院。") % who)
        elif membership.staff_id in long_away:
            absence = long_away[membership.staff_id]
            reasons.append(
                _("%(role)s%(name)s离岗(%(start)s 至 %(end)s)超过 %(days)s 天。")
                % {
                    **who,
                    "start": absence.starts_on.isoformat(),
                    "end": absence.ends_on.isoformat(),
                    "days": absence_days(),
                }
            )
    return reasons
