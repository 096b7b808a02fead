"""The acts that form, adjust and dissolve case-handling organisations, and their rules:
only a quota prosecutor is a sole prosecutor or a lead; a sole organisation has exactly one
prosecutor; a team has one lead and at least two prosecutors; assistants and clerks join but
never lead; every member works at the organisation's procuratorate."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.caseorgs.models import CaseHandlingOrg, Membership, OrgKind, Role, TeamKind
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Department
from procuracy.people.models import Category, QuotaRecord, Staff

MANAGE = role_rule(
    "caseorgs.manage",
    gettext_lazy("组建和调整办案组织"),
    {"chief", "acting_chief", "deputy_chief"},
)

ROLE_CATEGORY = {
    Role.SOLE: Category.PROSECUTOR,
    Role.LEAD: Category.PROSECUTOR,
    Role.PROSECUTOR: Category.PROSECUTOR,
    Role.ASSISTANT: Category.ASSISTANT,
    Role.CLERK: Category.CLERK,
}


def _check_department(department: Department, day: datetime.date) -> None:
    if not department.handles_cases:
        raise RuleViolation(_("办案组织只能设在业务机构或综合业务机构。"), "department")
    if not department.holds_on(day):
        raise RuleViolation(_("该内设机构在 %(day)s 未设立或已撤销。") % {"day": day}, "department")


def _check_member(
    org: CaseHandlingOrg, staff: Staff, role: str, day: datetime.date, founding: bool = False
) -> None:
    if staff.procuratorate_id != org.procuratorate_id or not (
        staff.joined_on <= day and (staff.left_on is None or day < staff.left_on)
    ):
        raise RuleViolation(
            _("%(name)s 不在本院工作,不能加入本院的办案组织。") % {"name": staff.name}, "staff"
        )
    if staff.category != ROLE_CATEGORY[Role(role)]:
        if role in (Role.SOLE, Role.LEAD):
            message = _("只有员额检察官才能担任%(role)s;%(name)s 是%(category)s。")
        else:
            message = _("%(role)s须由相应类别人员担任;%(name)s 是%(category)s。")
        raise RuleViolation(
            message
            % {
                "role": Role(role).label,
                "name": staff.name,
                "category": Category(staff.category).label,
            },
            "staff",
        )
    if (
        role in Role.prosecutor_roles()
        and not QuotaRecord.objects.on(day).filter(staff=staff).exists()
    ):
        raise RuleViolation(
            _("只有员额检察官才能担任%(role)s;%(name)s 在 %(day)s 不在员额内。")
            % {"role": Role(role).label, "name": staff.name, "day": day},
            "staff",
        )
    if not founding and org.memberships.on(day).filter(staff=staff).exists():
        raise RuleViolation(_("%(name)s 已是该办案组织成员。") % {"name": staff.name}, "staff")


def _join(org, staff, role, day) -> Membership:
    _check_member(org, staff, role, day)
    return Membership.objects.create(org=org, staff=staff, role=role, valid_from=day)


def _founding_members(org, day, members: list[tuple[str, Staff]]) -> list[Membership]:
    """The members an organisation is formed with, as (role, person): each person once."""
    seen: set[int] = set()
    rows = []
    for role, staff in members:
        if staff.pk in seen:
            raise RuleViolation(_("%(name)s 在名单中出现了两次。") % {"name": staff.name}, "staff")
        seen.add(staff.pk)
        _check_member(org, staff, role, day, founding=True)
        rows.append(Membership(org=org, staff=staff, role=role, valid_from=day))
    return Membership.objects.bulk_create(rows)


def _roles(role: str, people: Iterable[Staff]) -> list[tuple[str, Staff]]:
    return [(role, staff) for staff in people]


def _members_body(memberships: Iterable[Membership]) -> list[dict]:
    return [{"staff": m.staff_id, "role": m.role} for m in memberships]


@service(MANAGE, where=lambda kw: kw["department"].procuratorate)
def form_sole_org(
    *,
    actor: Actor,
    department: Department,
    prosecutor: Staff,
    valid_from: datetime.date,
    assistants: Iterable[Staff] = (),
    clerks: Iterable[Staff] = (),
    name: str = "",
    occurred_at: datetime.datetime | None = None,
) -> CaseHandlingOrg:
    _check_department(department, valid_from)
    already = Membership.objects.on(valid_from).filter(
        staff=prosecutor, role=Role.SOLE, org__department=department
    )
    if already.exists():
        raise RuleViolation(
            _("%(name)s 在本部门已是独任检察官。") % {"name": prosecutor.name}, "prosecutor"
        )
    org = CaseHandlingOrg(
        procuratorate=department.procuratorate,
        department=department,
        kind=OrgKind.SOLE,
        name=name or _("%(name)s独任检察官") % {"name": prosecutor.name},
        valid_from=valid_from,
    )
    org.save()
    members = _founding_members(
        org,
        valid_from,
        [(Role.SOLE, prosecutor), *_roles(Role.ASSISTANT, assistants), *_roles(Role.CLERK, clerks)],
    )
    record(
        actor=actor,
        kind="org.sole_formed",
        subject=org,
        procuratorate=org.procuratorate,
        rows=[org, *members],
        body={
            "department": department.pk,
            "name": org.name,
            "valid_from": valid_from.isoformat(),
            "members": _members_body(members),
        },
        occurred_at=occurred_at,
    )
    return org


@service(MANAGE, where=lambda kw: kw["department"].procuratorate)
def form_team(
    *,
    actor: Actor,
    department: Department,
    name: str,
    team_kind: str,
    lead: Staff,
    prosecutors: Iterable[Staff],
    valid_from: datetime.date,
    assistants: Iterable[Staff] = (),
    clerks: Iterable[Staff] = (),
    occurred_at: datetime.datetime | None = None,
) -> CaseHandlingOrg:
    _check_department(department, valid_from)
    prosecutors = list(prosecutors)
    if team_kind not in TeamKind.values:
        raise RuleViolation(_("办案组须为固定办案组或临时办案组。"), "team_kind")
    if not name.strip():
        raise RuleViolation(_("请填写办案组名称。"), "name")
    if not prosecutors:
        raise RuleViolation(_("检察官办案组须由两名以上检察官组成。"), "prosecutors")
    org = CaseHandlingOrg(
        procuratorate=department.procuratorate,
        department=department,
        kind=OrgKind.TEAM,
        team_kind=team_kind,
        name=name.strip(),
        valid_from=valid_from,
    )
    org.save()
    members = _founding_members(
        org,
        valid_from,
        [
            (Role.LEAD, lead),
            *_roles(Role.PROSECUTOR, prosecutors),
            *_roles(Role.ASSISTANT, assistants),
            *_roles(Role.CLERK, clerks),
        ],
    )
    record(
        actor=actor,
        kind="org.team_formed",
        subject=org,
        procuratorate=org.procuratorate,
        rows=[org, *members],
        body={
            "department": department.pk,
            "name": org.name,
            "team_kind": team_kind,
            "valid_from": valid_from.isoformat(),
            "members": _members_body(members),
        },
        occurred_at=occurred_at,
    )
    return org


def _check_open(org: CaseHandlingOrg, day: datetime.date) -> None:
    if not org.holds_on(day):
        raise RuleViolation(_("该办案组织在 %(day)s 不存在或已撤销。") % {"day": day})


@service(MANAGE, where=lambda kw: kw["org"].procuratorate)
def add_member(
    *,
    actor: Actor,
    org: CaseHandlingOrg,
    staff: Staff,
    role: str,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Membership:
    _check_open(org, on)
    if role in (Role.SOLE, Role.LEAD):
        raise RuleViolation(_("独任检察官和主办检察官不能以增补成员的方式产生。"), "role")
    if role == Role.PROSECUTOR and org.kind == OrgKind.SOLE:
        raise RuleViolation(_("独任检察官办案组织只有一名检察官。"), "role")
    membership = _join(org, staff, role, on)
    record(
        actor=actor,
        kind="org.member_added",
        subject=membership,
        procuratorate=org.procuratorate,
        body={"org": org.pk, "staff": staff.pk, "role": role, "valid_from": on.isoformat()},
        occurred_at=occurred_at,
    )
    return membership


@service(MANAGE, where=lambda kw: kw["membership"].org.procuratorate)
def end_membership(
    *,
    actor: Actor,
    membership: Membership,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Membership:
    org = membership.org
    if membership.valid_to is not None:
        raise RuleViolation(_("该成员已经离开办案组织。"))
    if on <= membership.valid_from:
        raise RuleViolation(_("离开日期须晚于加入日期。"), "on")
    if membership.role == Role.SOLE:
        raise RuleViolation(_("独任检察官不能离开自己的办案组织;请撤销该组织。"))
    if membership.role == Role.LEAD:
        raise RuleViolation(_("主办检察官离开前须先指定新的主办检察官。"))
    if membership.role == Role.PROSECUTOR:
        prosecutors = org.memberships.on(on).filter(role__in=Role.prosecutor_roles())
        if prosecutors.exclude(pk=membership.pk).count() < 2:
            raise RuleViolation(_("检察官办案组须由两名以上检察官组成。"))
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    record(
        actor=actor,
        kind="org.member_removed",
        subject=membership,
        procuratorate=org.procuratorate,
        body={"org": org.pk, "staff": membership.staff_id, "valid_to": on.isoformat()},
        occurred_at=occurred_at,
    )
    return membership


@service(MANAGE, where=lambda kw: kw["org"].procuratorate)
def change_lead(
    *,
    actor: Actor,
    org: CaseHandlingOrg,
    lead: Staff,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Membership:
    """The old lead stays in the team as a prosecutor; the new lead's old role ends."""
    _check_open(org, on)
    if org.kind != OrgKind.TEAM:
        raise RuleViolation(_("只有检察官办案组设主办检察官。"))
    current = list(org.memberships.on(on).filter(role__in=[Role.LEAD, Role.PROSECUTOR]))
    old_lead = next((m for m in current if m.role == Role.LEAD), None)
    if old_lead is not None and old_lead.staff_id == lead.pk:
        raise RuleViolation(_("%(name)s 已是主办检察官。") % {"name": lead.name}, "lead")
    written = []
    for m in current:
        if m.staff_id == lead.pk or m is old_lead:
            m.valid_to = on
            m.save(update_fields=["valid_to"])
            written.append(m)
    new = _join(org, lead, Role.LEAD, on)
    written.append(new)
    if old_lead is not None:
        written.append(
            Membership.objects.create(
                org=org, staff_id=old_lead.staff_id, role=Role.PROSECUTOR, valid_from=on
            )
        )
    record(
        actor=actor,
        kind="org.lead_changed",
        subject=org,
        procuratorate=org.procuratorate,
        rows=written,
        body={
            "from": old_lead.staff_id if old_lead else None,
            "to": lead.pk,
            "on": on.isoformat(),
        },
        occurred_at=occurred_at,
    )
    return new


@service(MANAGE, where=lambda kw: kw["org"].procuratorate)
def dissolve_org(
    *,
    actor: Actor,
    org: CaseHandlingOrg,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> CaseHandlingOrg:
    if org.valid_to is not None:
        raise RuleViolation(_("该办案组织已撤销。"))
    if on <= org.valid_from:
        raise RuleViolation(_("撤销日期须晚于组建日期。"), "on")
    ended = list(org.memberships.filter(valid_to__isnull=True))
    for m in ended:
        m.valid_to = on
        m.save(update_fields=["valid_to"])
    org.valid_to = on
    org.save(update_fields=["valid_to"])
    record(
        actor=actor,
        kind="org.dissolved",
        subject=org,
        procuratorate=org.procuratorate,
        rows=[org, *ended],
        body={"valid_to": on.isoformat(), "memberships_ended": [m.pk for m in ended]},
        occurred_at=occurred_at,
    )
    return org


def release_member(
    staff: Staff, day: datetime.date, roles: Iterable[str] | None = None
) -> list[Membership | CaseHandlingOrg]:
    """End a person's memberships on `day` (they left the procuratorate or the quota), and
    return every row that changed, for the calling act to record.

    A sole prosecutor's own organisation ends with them; a team left without its lead keeps
    going and shows the vacancy until a new lead is named. Called inside another act.
    """
    memberships = Membership.objects.filter(staff=staff, valid_to__isnull=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    written: list[Membership | CaseHandlingOrg] = []
    for m in memberships.select_related("org"):
        m.valid_to = max(day, m.valid_from)
        m.save(update_fields=["valid_to"])
        written.append(m)
        if m.role == Role.SOLE and m.org.valid_to is None:
            for other in m.org.memberships.filter(valid_to__isnull=True):
                other.valid_to = m.valid_to
                other.save(update_fields=["valid_to"])
                written.append(other)
            m.org.valid_to = m.valid_to
            m.org.save(update_fields=["valid_to"])
            written.append(m.org)
    return written


def ended_memberships(staff: Staff, written: Iterable) -> list[int]:
    """The person's own memberships among the rows release_member() wrote."""
    return [r.pk for r in written if isinstance(r, Membership) and r.staff_id == staff.pk]
