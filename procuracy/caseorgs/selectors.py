"""Reads of case-handling organisations that pages, the API and the figures share."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When

from procuracy.caseorgs.models import CaseHandlingOrg, Membership, Role
from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.models import today

# Members are listed in the order a file names them: the prosecutor(s) first, then support.
ROLE_ORDER = Case(
    *[When(role=role, then=Value(i)) for i, role in enumerate(Role.values)],
    output_field=IntegerField(),
)


def orgs(
    actor: Actor,
    *,
    procuratorate: int | None = None,
    department: int | None = None,
    kind: str = "",
    day: datetime.date | None = None,
):
    """The organisations that exist on `day` (today by default), with their current members."""
    day = day or today()
    qs = scope.restrict(CaseHandlingOrg.objects.on(day), actor)
    if procuratorate:
        qs = qs.filter(procuratorate_id=procuratorate)
    if department:
        qs = qs.filter(department_id=department)
    if kind:
        qs = qs.filter(kind=kind)
    members = Membership.objects.on(day).select_related("staff").order_by(ROLE_ORDER, "id")
    return (
        qs.select_related("procuratorate", "department")
        .annotate(member_count=Count("memberships", filter=Q(memberships__valid_to__isnull=True)))
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_members"))
        .order_by(*CaseHandlingOrg._meta.ordering)  # an aggregate drops Meta.ordering
    )


def org_for(actor: Actor, pk: int) -> CaseHandlingOrg:
    """Raises CaseHandlingOrg.DoesNotExist outside the actor's scope, as for none."""
    qs = scope.restrict(CaseHandlingOrg.objects.all(), actor)
    return qs.select_related("procuratorate", "department").get(pk=pk)


def membership_history(org: CaseHandlingOrg):
    """Every membership the organisation has had, joined and left, oldest first."""
    return org.memberships.select_related("staff").order_by("valid_from", "id")


def current_members(org: CaseHandlingOrg, day: datetime.date | None = None):
    return org.memberships.on(day or today()).select_related("staff").order_by(ROLE_ORDER, "id")
