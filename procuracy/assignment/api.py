"""API of the assignment audit (分案审计): the page's rows — each draw recomputed from the
ledger, each designation and reassignment with its reason, reasoning and approver — its
summary, and the fairness figures, for those the page is for (403 with who may, for others)."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema

from procuracy.assignment import selectors
from procuracy.assignment.models import AssignmentKind, AssignmentReason
from procuracy.core.actors import actor_of
from procuracy.organisation.api import INVALID, SIGNED_IN, Message

router = Router(tags=["assignment"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class AuditRef(Schema):
    id: int
    name: str


class AuditCaseRef(Schema):
    id: int
    number: str
    readable: bool = Field(description="whether the reader may open the case itself")


class AuditDrawOut(Schema):
    commitment_seq: int | None = Field(description="the ledger entry holding the draw's inputs")
    status: Literal["matches", "differs", "unverifiable"]
    status_label: str
    recomputed_org: int | None = Field(description="the organisation the recomputation chose")
    recomputed_org_name: str | None
    recorded_org: int | None = Field(description="the organisation the assignment records")
    problems: list[str]
    sentence: str


class AuditRowOut(Schema):
    id: int
    case: AuditCaseRef
    procuratorate: AuditRef
    department: AuditRef
    org: AuditRef
    kind: AssignmentKind
    kind_label: str
    valid_from: datetime.datetime
    ended_at: datetime.datetime | None
    weight: Decimal
    reason: AssignmentReason | None
    reason_label: str | None
    reasoning: str
    approved_by: AuditRef | None
    ledger_seq: int | None = Field(description="the entry that recorded the assignment")
    draw: AuditDrawOut | None = Field(description="a draw's recomputation; null otherwise")


class AuditTotalsOut(Schema):
    draw: int
    designation: int
    reassignment: int


class AuditSummaryOut(Schema):
    draws: int = Field(description="draws on this page, each recomputed")
    matches: int
    differs: int
    unverifiable: int
    sentence: str


class AuditOut(Schema):
    count: int = Field(description="assignments the filters keep")
    page: int
    pages: int
    page_size: int
    totals: AuditTotalsOut = Field(description="of everything the filters keep, by kind")
    summary: AuditSummaryOut
    rows: list[AuditRowOut]
    figures: dict = Field(description="the figures' assignment section for the reader's scope")


class AuditFilters(Schema):
    procuratorate: int | None = None
    department: int | None = None
    kind: AssignmentKind | None = None
    month_from: str | None = Field(None, pattern=MONTH, description="YYYY-MM, the first month")
    month_to: str | None = Field(None, pattern=MONTH, description="YYYY-MM, the last month")
    page: int = Field(1, ge=1)
    page_size: int = Field(selectors.AUDIT_PAGE_SIZE, ge=1, le=200)


def _month(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(f"{value}-01") if value else None


@router.get("/audit", response={200: AuditOut, 403: Message, **SIGNED_IN, **INVALID})
def get_audit(request, filters: Query[AuditFilters]):
    """The assignments one may audit, newest first, a page at a time: each draw recomputed
    from the ledger (matches, differs, or cannot be recomputed, with the reason), each
    designation and reassignment with its reason, reasoning and approver. Open to the case
    management office and deputy chiefs (their procuratorate), chiefs and the inspection and
    discipline offices (theirs and below); 403 for anyone else."""
    actor = actor_of(request)
    kept = {
        "procuratorate": filters.procuratorate,
        "department": filters.department,
        "kind": filters.kind or "",
        "month_from": _month(filters.month_from),
        "month_to": _month(filters.month_to),
    }
    found = selectors.audit(actor, page=filters.page, per_page=filters.page_size, **kept)
    return {**found.as_json(), "figures": selectors.fairness(actor, **kept)}
