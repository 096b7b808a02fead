"""API of cases: the queue with its filters, a case with its parties and the time limit of its
first stage, intake (the case office's act: 422 with the reason for bad input, 403 with the
reason when refused), and the catalogue of case types."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from procuracy.cases import intake, selectors
from procuracy.cases.models import CaseSource, CaseStatus, CaseType, PartyRole
from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message, ProcuratorateRef
from procuracy.organisation.models import BusinessLine
from procuracy.people.api import Pagination
from procuracy.powers.models import Flag

router = Router(tags=["cases"])
types_router = Router(tags=["cases"])


class LineRef(Schema):
    code: str
    name: str


class CaseTypeRef(Schema):
    code: str
    name: str


class CaseTypeOut(Schema):
    code: str
    number: int
    name: str
    word: str = Field(description="the word its case numbers carry, as 刑诉")
    stage: str = Field(description="the time limit of its first stage; empty when none")
    weight: Decimal = Field(description="its base weight in the draw")
    business_lines: list[LineRef]

    @staticmethod
    def resolve_business_lines(obj) -> list:
        return list(obj.business_lines.all())


class PartyOut(Schema):
    role: PartyRole
    role_label: str
    name: str
    in_custody: bool
    note: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class TimeLimitOut(Schema):
    stage: str
    name: str
    expires_on: datetime.date
    state: str = Field(description="ok, due_soon or overdue, today")
    days_left: int
    explanation: list[str]


class CaseOut(Schema):
    id: int
    number: str
    procuratorate: ProcuratorateRef
    case_type: CaseTypeRef
    business_line: LineRef
    title: str
    source: CaseSource
    source_label: str
    referred_by: str
    received_on: datetime.date
    custody: bool
    flags: list[Flag]
    amount: Decimal | None
    related: list[str]
    weight: Decimal
    status: CaseStatus
    status_label: str
    warnings: list[str]
    ledger_seq: int | None

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class CaseDetail(CaseOut):
    parties: list[PartyOut]
    time_limit: TimeLimitOut | None = Field(description="the first stage's; null when none")

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.all())

    @staticmethod
    def resolve_time_limit(obj) -> dict | None:
        limit = selectors.time_limit(obj)
        if limit is None:
            return None
        return {
            "stage": limit.deadline.stage,
            "name": limit.name,
            "expires_on": limit.deadline.day,
            "state": limit.state,
            "days_left": limit.days_left,
            "explanation": limit.deadline.explanation,
        }


# One path, two operations: one URL name, so that the path resolves to the name it has.
@router.get("", response={200: list[CaseOut], **SIGNED_IN, **INVALID}, url_name="cases")
@paginate(Pagination)
def list_cases(
    request,
    procuratorate: int | None = None,
    status: CaseStatus | None = None,
    case_type: str = "",
    business_line: str = "",
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
    warned: bool = False,
):
    """The cases one may read, newest received first. `case_type` and `business_line` are
    codes; `warned` keeps those with intake warnings."""
    return selectors.cases(
        actor_of(request),
        procuratorate=procuratorate,
        status=status or "",
        case_type=case_type,
        business_line=business_line,
        received_from=received_from,
        received_to=received_to,
        warned=warned,
    )


@router.get("/{case_id}", response={200: CaseDetail, **SIGNED_IN, **NOT_FOUND})
def get_case(request, case_id: int):
    """A case with its parties and the time limit of its first stage. Those who may not read
    it are answered 404, as if it were not there."""
    return selectors.case_for(actor_of(request), case_id)


class PartyIn(Schema):
    role: PartyRole
    name: str = Field(max_length=100)
    in_custody: bool = False
    note: str = Field("", max_length=200)


class CaseIn(Schema):
    case_type: str = Field(description="a case type's code (GET /case-types)")
    business_line: str = Field(description="a business line's code, one of the type's")
    title: str = Field(max_length=100)
    source: CaseSource
    referred_by: str = Field("", max_length=100)
    received_on: datetime.date | None = Field(None, description="today when left out")
    custody: bool = False
    flags: list[Flag] = []
    amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    related: list[str] = Field([], description="numbers of the procuratorate's own cases")
    parties: list[PartyIn] = []


def _case_type(code: str) -> CaseType:
    found = CaseType.objects.filter(code=code).first()
    if found is None:
        raise RuleViolation(_("案件类型“%(value)s”不存在。") % {"value": code}, "case_type")
    return found


def _line(code: str) -> BusinessLine:
    found = BusinessLine.objects.filter(code=code).first()
    if found is None:
        raise RuleViolation(_("业务条线“%(value)s”不存在。") % {"value": code}, "business_line")
    return found


@router.post("", response={201: CaseDetail, 403: Message, **SIGNED_IN, **INVALID}, url_name="cases")
def receive_case(request, payload: CaseIn):
    """Take a case in at one's case management office: numbered, weighed, its parties
    recorded, what looks incomplete kept as warnings. Only the case office may; 403 says why."""
    actor = actor_of(request)
    parties = [
        intake.PartyFields(str(p.role), p.name, in_custody=p.in_custody, note=p.note)
        for p in payload.parties
    ]
    case = intake.receive_case(
        actor=actor,
        procuratorate=selectors.intake_place(actor),
        case_type=_case_type(payload.case_type),
        business_line=_line(payload.business_line),
        title=payload.title,
        source=str(payload.source),
        referred_by=payload.referred_by,
        received_on=payload.received_on or today(),
        custody=payload.custody,
        flags=[str(f) for f in payload.flags],
        amount=payload.amount,
        related=payload.related,
        parties=parties,
    )
    return Status(201, selectors.visible_cases(actor).get(pk=case.pk))


@types_router.get("", response={200: list[CaseTypeOut], **SIGNED_IN})
def list_case_types(request):
    """The catalogue of case types, with the business lines each belongs to."""
    return list(selectors.case_types())
