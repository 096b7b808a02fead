"""API reads of case-handling organisations: those that exist today, and one with its members
now and its membership history."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from procuracy.caseorgs import selectors
from procuracy.caseorgs.models import CaseHandlingOrg, OrgKind, Role, TeamKind
from procuracy.core.actors import actor_of
from procuracy.organisation.api import (
    INVALID,
    NOT_FOUND,
    SIGNED_IN,
    DepartmentRef,
    ProcuratorateRef,
)
from procuracy.people.api import Pagination
from procuracy.people.models import Category

router = Router(tags=["caseorgs"])


class MemberRef(Schema):
    id: int
    name: str
    category: Category
    category_label: str

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()


class MembershipOut(Schema):
    staff: MemberRef
    role: Role
    role_label: str
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class CaseOrgOut(Schema):
    id: int
    name: str
    kind: OrgKind
    kind_label: str
    team_kind: TeamKind | None
    team_kind_label: str | None
    type_label: str
    procuratorate: ProcuratorateRef
    department: DepartmentRef
    valid_from: datetime.date
    valid_to: datetime.date | None
    members: list[MembershipOut]

    @staticmethod
    def resolve_kind_label(obj: CaseHandlingOrg) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_team_kind(obj: CaseHandlingOrg) -> str | None:
        return obj.team_kind or None

    @staticmethod
    def resolve_team_kind_label(obj: CaseHandlingOrg) -> str | None:
        return obj.get_team_kind_display() if obj.team_kind else None

    @staticmethod
    def resolve_members(obj) -> list:
        # Prefetched by the selector: the members on the day asked about.
        return obj.current_members


class CaseOrgDetail(CaseOrgOut):
    history: list[MembershipOut]


@router.get("", response={200: list[CaseOrgOut], **SIGNED_IN, **INVALID})
@paginate(Pagination)
def list_caseorgs(
    request,
    procuratorate: int | None = None,
    department: int | None = None,
    kind: OrgKind | None = None,
):
    """The case-handling organisations that exist today, with their current members."""
    return selectors.orgs(
        actor_of(request), procuratorate=procuratorate, department=department, kind=kind or ""
    )


@router.get("/{org_id}", response={200: CaseOrgDetail, **SIGNED_IN, **NOT_FOUND})
def get_caseorg(request, org_id: int):
    """An organisation with its members today and every membership it has had."""
    org = selectors.org_for(actor_of(request), org_id)
    org.current_members = list(selectors.current_members(org))
    org.history = list(selectors.membership_history(org))
    return org
