"""API of the departments' assignment schemes (分案方案): the versions with their state, and
the acts on them — draft, revise or discard a draft, approve it — each along the spine."""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema
from ninja.responses import Status

from procuracy.assignment import schemes
from procuracy.assignment.models import AssignmentScheme, SchemeStatus
from procuracy.core import scope
from procuracy.core.actors import actor_of
from procuracy.organisation.api import (
    INVALID,
    NOT_FOUND,
    SIGNED_IN,
    DepartmentRef,
    Message,
    ProcuratorateRef,
)
from procuracy.organisation.models import Department
from procuracy.powers.models import ApprovalBody

router = Router(tags=["assignment schemes"])

DENIED = {403: Message}


class EscapeOut(Schema):
    numerator: int
    denominator: int


class SchemeOut(Schema):
    id: int
    procuratorate: ProcuratorateRef
    department: DepartmentRef
    number: int
    status: SchemeStatus
    state: str = Field(
        ..., description="draft, approved (not yet in force), in_force, superseded or discarded"
    )
    state_label: str
    case_types: list[str]
    orgs: list[int] = Field(
        ..., description="the organisations that take part; empty: all of the department's"
    )
    max_distance: int = Field(..., description="in hundredths of a case weight")
    escape: EscapeOut
    batch_hour: int | None
    note: str
    effective_from: datetime.date | None
    approval_body: ApprovalBody | None
    approval_reference: str
    approved_by: int | None = Field(None, alias="approved_by_id")
    ledger_seq: int | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.state_label)

    @staticmethod
    def resolve_escape(obj: AssignmentScheme) -> dict:
        return {"numerator": obj.escape_numerator, "denominator": obj.escape_denominator}

    @staticmethod
    def resolve_approval_body(obj: AssignmentScheme) -> str | None:
        return obj.approval_body or None


class TermsIn(Schema):
    case_types: list[str] = Field(..., description="case type codes (GET /case-types)")
    orgs: list[int] = Field(default_factory=list)
    max_distance: int = Field(..., description="in hundredths of a case weight: 300 = 3 cases")
    escape_numerator: int
    escape_denominator: int
    batch_hour: int | None = None
    note: str = Field("", max_length=2000)


class DraftIn(TermsIn):
    department: int


class ApproveIn(Schema):
    effective_from: datetime.date
    body: ApprovalBody = ApprovalBody.CHIEF
    reference: str = Field("", max_length=100)


class DiscardIn(Schema):
    reason: str = Field(..., max_length=200)


def _scheme(request, scheme_id: int) -> AssignmentScheme:
    return schemes.scheme_for(actor_of(request), scheme_id)


def _stated(scheme: AssignmentScheme) -> AssignmentScheme:
    return schemes.with_states([scheme])[0]


@router.get("", response={200: list[SchemeOut], **SIGNED_IN}, url_name="assignment_schemes")
def list_schemes(request, procuratorate: int | None = None, department: int | None = None):
    """Every version the signed-in person may see, newest first within each department."""
    rows = schemes.schemes_for(actor_of(request)).order_by(
        "procuratorate__path", "department_id", "-number"
    )
    if procuratorate:
        rows = rows.filter(procuratorate_id=procuratorate)
    if department:
        rows = rows.filter(department_id=department)
    return schemes.with_states(rows)


@router.get("/{scheme_id}", response={200: SchemeOut, **SIGNED_IN, **NOT_FOUND})
def get_scheme(request, scheme_id: int):
    return _scheme(request, scheme_id)


@router.post(
    "",
    response={201: SchemeOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID},
    url_name="assignment_schemes",
)
def draft_scheme(request, payload: DraftIn):
    """A new version of a department's scheme, as a draft (one draft at a time)."""
    actor = actor_of(request)
    data = payload.model_dump()
    department = scope.restrict(Department.objects.all(), actor).get(pk=data.pop("department"))
    scheme = schemes.draft_scheme(actor=actor, department=department, **data)
    return Status(201, _stated(scheme))


@router.post(
    "/{scheme_id}/revise", response={200: SchemeOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID}
)
def revise_scheme(request, scheme_id: int, payload: TermsIn):
    """Change a draft; an approved version answers 422: a new version is drafted instead."""
    scheme = schemes.revise_scheme(
        actor=actor_of(request), scheme=_scheme(request, scheme_id), **payload.model_dump()
    )
    return _stated(scheme)


@router.post(
    "/{scheme_id}/approve",
    response={200: SchemeOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def approve_scheme(request, scheme_id: int, payload: ApproveIn):
    """The chief approves a draft, or records the committee's approval (`body` "committee"
    with the minutes in `reference`), in force from `effective_from`."""
    scheme = schemes.approve_scheme(
        actor=actor_of(request), scheme=_scheme(request, scheme_id), **payload.model_dump()
    )
    return _stated(scheme)


@router.post(
    "/{scheme_id}/discard",
    response={200: SchemeOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def discard_scheme(request, scheme_id: int, payload: DiscardIn):
    scheme = schemes.discard_scheme(
        actor=actor_of(request), scheme=_scheme(request, scheme_id), **payload.model_dump()
    )
    return _stated(scheme)
