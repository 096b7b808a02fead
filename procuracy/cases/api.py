"""API of cases: the queue with its filters (deadline warnings among them), a case with its
parties, every stage's time limit and its decisions, intake and the lifecycle's transitions
(each an act: 422 with the reason for bad input or a broken rule, 403 with the power list's
reason when refused, nothing written either way), the prosecutor's desk (待办), and the
catalogue of case types."""

import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from procuracy.cases import desk as desks
from procuracy.cases import intake, lifecycle, selectors
from procuracy.cases.models import (
    CaseSource,
    CaseStatus,
    CaseType,
    DecisionStatus,
    PartyRole,
    Sealing,
    StageEnd,
)
from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message, ProcuratorateRef
from procuracy.organisation.models import BusinessLine
from procuracy.people.api import Pagination
from procuracy.powers.models import Flag, Holder, Power

router = Router(tags=["cases"])
types_router = Router(tags=["cases"])
desk_router = Router(tags=["cases"])


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
    started_on: datetime.date
    restart: str = Field(description="resubmitted or jurisdiction when counted afresh; else empty")
    expires_on: datetime.date | None = Field(description="null while the clock is stopped")
    state: str = Field(description="ok, due_soon or overdue today; empty once ended or stopped")
    days_left: int | None
    ended_on: datetime.date | None
    end: StageEnd | Literal[""] = Field(description="why the stage ended; empty while it runs")
    late: bool = Field(description="ended, or still running today, after its expiry")
    explanation: list[str]


def _limit(limit: selectors.TimeLimit) -> dict:
    return {
        "stage": limit.stage.code,
        "name": limit.name,
        "started_on": limit.stage.started_on,
        "restart": limit.stage.restart,
        "expires_on": limit.expires_on,
        "state": limit.state,
        "days_left": limit.days_left,
        "ended_on": limit.stage.ended_on,
        "end": limit.stage.end,
        "late": limit.stage.late,
        "explanation": limit.explanation,
    }


def _limits(case) -> list[selectors.TimeLimit]:
    """The case's time limits, worked out once for the answer's two fields."""
    found = case.__dict__.get("_api_limits")
    if found is None:
        found = case.__dict__["_api_limits"] = selectors.time_limits(case)
    return found


class StaffRef(Schema):
    id: int
    name: str


class StepOut(Schema):
    holder: Holder
    holder_label: str
    power: Power
    power_label: str

    @staticmethod
    def resolve_holder_label(obj) -> str:
        return str(Holder(obj["holder"]).label)

    @staticmethod
    def resolve_power_label(obj) -> str:
        return str(Power(obj["power"]).label)


class DecisionOut(Schema):
    id: int
    matter: str = Field(description="the matter's code")
    matter_name: str
    status: DecisionStatus
    status_label: str
    reasoning: str
    proposed_by: StaffRef | None = Field(description="who submitted it (报请); null if none")
    proposed_at: datetime.datetime | None
    path: list[StepOut] = Field(description="who decides, in order, for a submitted matter")
    decided_by: StaffRef | None
    decided_at: datetime.datetime | None
    item: int | None = Field(description="the power-list item it was made under")
    item_code: str | None
    delegation: int | None = Field(description="the written delegation it was made under")
    basis: str = Field(description="the power list's sentence: item, delegation or default rule")
    superseded_by: int | None
    ledger_seq: int | None

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_item(obj) -> int | None:
        return obj.item_id

    @staticmethod
    def resolve_item_code(obj) -> str | None:
        return obj.item.code if obj.item else None

    @staticmethod
    def resolve_delegation(obj) -> int | None:
        return obj.delegation_id

    @staticmethod
    def resolve_superseded_by(obj) -> int | None:
        return obj.superseded_by_id


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
    sealed: Sealing | Literal[""] = Field(description="why fewer read it; empty when not sealed")
    stage: str = Field(description="the running stage's time limit; empty when none runs")
    due_on: datetime.date | None = Field(description="the running stage's expiry")
    due_state: str = Field(description="ok, due_soon or overdue today; empty when none runs")
    closed_on: datetime.date | None
    ledger_seq: int | None

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_due_state(obj) -> str:
        return selectors.due_state(obj)


class CaseDetail(CaseOut):
    parties: list[PartyOut]
    time_limit: TimeLimitOut | None = Field(
        description="the running stage's (or the last one's); null when none"
    )
    stages: list[TimeLimitOut] = Field(
        description="every stage the case has run under, oldest first"
    )
    decisions: list[DecisionOut] = Field(description="made, waiting (pending) or superseded")

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.all())

    @staticmethod
    def resolve_time_limit(obj) -> dict | None:
        limit = selectors.current_limit(_limits(obj))
        return _limit(limit) if limit is not None else None

    @staticmethod
    def resolve_stages(obj) -> list[dict]:
        return [_limit(limit) for limit in _limits(obj)]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return desks.decisions(obj)


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
    due: Literal["warned", "due_soon", "overdue"] | None = None,
):
    """The cases one may read, newest received first. `case_type` and `business_line` are
    codes; `warned` keeps those with intake warnings; `due` those whose running stage is due
    soon, overdue, or either ("warned")."""
    found = selectors.cases(
        actor_of(request),
        procuratorate=procuratorate,
        status=status or "",
        case_type=case_type,
        business_line=business_line,
        received_from=received_from,
        received_to=received_to,
        warned=warned,
    )
    return desks.due_filter(found, due or "")


@router.get("/{case_id}", response={200: CaseDetail, **SIGNED_IN, **NOT_FOUND})
def get_case(request, case_id: int):
    """A case with its parties, its time limits (the running one, and every stage) and its
    decisions. Those who may not read it are answered 404, as if it were not there; a read of
    a sealed case is recorded."""
    return selectors.case_for(actor_of(request), case_id, channel="api")


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


# ---- the lifecycle's transitions ---------------------------------------------------------

ACTED = {200: CaseDetail, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID}


def _act(request, case_id: int, act, **arguments):
    """Perform a transition on a case the caller may read and answer the case as it now is;
    ActDenied (403) and RuleViolation (422) are answered by the API's handlers."""
    actor = actor_of(request)
    case = selectors.case_for(actor, case_id, channel="api")
    act(actor=actor, case=case, **arguments)
    case.refresh_from_db()
    return case


class SubmitIn(Schema):
    matter: str = Field(description="a matter's code, one the case's type and state allow")
    reasoning: str = Field(max_length=4000)


class ExcludeIn(Schema):
    start: datetime.date
    end: datetime.date
    reason: str = Field(max_length=200, description="as 对犯罪嫌疑人作精神病鉴定")


class VariantIn(Schema):
    variant: str = Field(
        max_length=24, description="as over_one_year (fast track) or major; empty: the ordinary"
    )
    reason: str = Field(max_length=200)


class ResubmitIn(Schema):
    received_on: datetime.date | None = Field(None, description="today when left out")


class ConcludeIn(Schema):
    outcome: str = Field(max_length=2000)


@router.post("/{case_id}/start", response=ACTED)
def start_case(request, case_id: int):
    """The assigned organisation's prosecutor takes the case up (开始办理)."""
    return _act(request, case_id, lifecycle.start_handling)


@router.post("/{case_id}/submit", response=ACTED)
def submit_decision(request, case_id: int, payload: SubmitIn):
    """A handler submits a matter the list gives to someone above (报请): the decision waits
    with the path upward, and the case in 审核/决定中. 422 when the handler may decide it."""
    return _act(
        request,
        case_id,
        lifecycle.submit_decision,
        matter=payload.matter,
        reasoning=payload.reasoning,
    )


@router.post("/{case_id}/decide", response=ACTED)
def decide(request, case_id: int, payload: SubmitIn):
    """Decide a matter as the power list allows the caller; a waiting submission is decided
    by it once reviewed. The handlers' proposal agreed, its effect moves the case on (closed,
    returned, extended, suspended …); a leader's decision against or without it leaves the
    case 执行决定 until the handlers carry it out. The committee decides in its meetings."""
    return _act(
        request,
        case_id,
        lifecycle.decide,
        matter=payload.matter,
        reasoning=payload.reasoning,
    )


@router.post("/{case_id}/exclude", response=ACTED)
def exclude_period(request, case_id: int, payload: ExcludeIn):
    """Record a period the law leaves out of the running stage's count (a psychiatric
    assessment): its expiry moves back by the period's days."""
    return _act(
        request,
        case_id,
        lifecycle.exclude_period,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
    )


@router.post("/{case_id}/variant", response=ACTED)
def set_stage_variant(request, case_id: int, payload: VariantIn):
    """Count the running stage under another length the law gives it (a fast-track case
    whose likely sentence exceeds a year: 15 days), or back under its ordinary length."""
    return _act(
        request,
        case_id,
        lifecycle.set_stage_variant,
        variant=payload.variant,
        reason=payload.reason,
    )


@router.post("/{case_id}/resubmit", response=ACTED)
def resubmit(request, case_id: int, payload: ResubmitIn):
    """The case office receives a returned case back; review is counted afresh from then."""
    received_on = payload.received_on or today()
    return _act(request, case_id, lifecycle.resubmit, received_on=received_on)


@router.post("/{case_id}/conclude", response=ACTED)
def conclude(request, case_id: int, payload: ConcludeIn):
    """Close a case whose type does not end by a decision, with the outcome in writing."""
    return _act(request, case_id, lifecycle.conclude, outcome=payload.outcome)


@router.post("/{case_id}/archive", response=ACTED)
def archive(request, case_id: int):
    """The case office files a closed or transferred case (归档)."""
    return _act(request, case_id, lifecycle.archive)


@router.post("/{case_id}/execute", response=ACTED)
def execute(request, case_id: int):
    """The handlers carry out the binding decision (执行决定: a leader's against or without
    their proposal, or the committee's): its effect moves the case on. 422 while a written
    objection to it waits for its answer; there is no refusing it."""
    return _act(request, case_id, lifecycle.execute)


# ---- the desk ----------------------------------------------------------------------------


class DeskCaseOut(Schema):
    id: int
    number: str
    title: str
    procuratorate: ProcuratorateRef
    case_type: CaseTypeRef
    status: CaseStatus
    status_label: str
    stage: str
    due_on: datetime.date | None
    due_state: str = Field(description="ok, due_soon or overdue today; empty when none runs")
    days_left: int | None = Field(description="negative when overdue")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class DeskDecisionOut(Schema):
    id: int
    case: DeskCaseOut
    matter: str
    matter_name: str
    reasoning: str
    proposed_by: StaffRef | None
    proposed_at: datetime.datetime | None

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name


class DeskSubmissionOut(DeskDecisionOut):
    waiting_at: str = Field(description="the step it waits at, as 部门负责人审核")

    @staticmethod
    def resolve_waiting_at(obj) -> str:
        return getattr(obj, "waiting_at", "")


class DeskBindingOut(Schema):
    id: int
    case: DeskCaseOut
    matter: str
    matter_name: str
    body: str = Field(description="committee when the committee's; else empty (a leader's)")
    decided_by: StaffRef | None
    decided_at: datetime.datetime | None
    overrides: int | None = Field(description="the submission it did not adopt")
    objection: int | None = Field(description="the written objection to it, if any")
    objection_answered: bool

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name

    @staticmethod
    def resolve_overrides(obj) -> int | None:
        return obj.overrides_id

    @staticmethod
    def resolve_objection(obj) -> int | None:
        found = getattr(obj, "objection", None)
        return found.pk if found is not None else None

    @staticmethod
    def resolve_objection_answered(obj) -> bool:
        found = getattr(obj, "objection", None)
        return found is not None and found.answered_at is not None


class DeskObjectionOut(Schema):
    id: int
    decision: DeskDecisionOut = Field(description="the binding decision objected to")
    filed_by: StaffRef
    filed_at: datetime.datetime
    text: str


class DeskJointOpinionOut(Schema):
    id: int
    case: DeskCaseOut
    decision: int = Field(description="the submission the joint meeting was on")
    matter_name: str
    convened_by: StaffRef
    held_at: datetime.datetime
    position: str
    opinion: str

    @staticmethod
    def resolve_case(obj):
        return obj.meeting.decision.case

    @staticmethod
    def resolve_decision(obj) -> int:
        return obj.meeting.decision_id

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.meeting.decision.matter.name

    @staticmethod
    def resolve_convened_by(obj):
        return obj.meeting.convened_by

    @staticmethod
    def resolve_held_at(obj):
        return obj.meeting.held_at


class DeskReportOut(Schema):
    id: int
    case: DeskCaseOut
    flags: list[str]
    opened_at: datetime.datetime
    filed_at: datetime.datetime | None


class DeskInstructionOut(Schema):
    id: int
    kind: str
    document_no: str
    case_id: int | None
    issuer: ProcuratorateRef
    issued_by: StaffRef
    issued_at: datetime.datetime


class DeskOut(Schema):
    day: datetime.date
    waiting: int = Field(description="tasks waiting on the caller")
    counts: dict[str, int] = Field(description="how many in each list (the lists show 100 at most)")
    office: bool = Field(description="the caller sits in a case management office")
    leader: bool = Field(description="the caller watches the warnings of a scope")
    handling: list[DeskCaseOut] = Field(description="the cases the caller handles, by due date")
    to_start: list[DeskCaseOut]
    to_review: list[DeskSubmissionOut] = Field(
        description="submissions waiting at the caller's review step (审核)"
    )
    to_decide: list[DeskSubmissionOut] = Field(
        description="submissions at the caller's decision, the reviews before it done"
    )
    under_review: list[DeskSubmissionOut] = Field(
        description="submissions the caller will decide once reviewed below (not tasks yet)"
    )
    to_reexamine: list[DeskSubmissionOut] = Field(
        description="submissions sent back to the caller (a handler) to re-examine (复核)"
    )
    to_execute: list[DeskBindingOut] = Field(
        description="binding decisions the caller (a handler) is to carry out"
    )
    objected: list[DeskBindingOut] = Field(
        description="binding decisions the caller objected to, waiting for the answer"
    )
    objections: list[DeskObjectionOut] = Field(description="written objections to answer")
    to_sign: list[DeskJointOpinionOut] = Field(
        description="the caller's opinions in joint meetings, to sign"
    )
    to_agenda: list[DeskSubmissionOut] = Field(
        description="submissions referred to the committee, not yet on an agenda (the chief)"
    )
    reports_to_file: list[DeskReportOut] = Field(description="flagged cases' reports to file")
    reports_to_read: list[DeskReportOut] = Field(description="filed reports to read (the chief)")
    to_comply: list[DeskInstructionOut] = Field(
        description="instructions waiting for the caller's compliance report"
    )
    to_draw: list[DeskCaseOut]
    returned: list[DeskCaseOut] = Field(description="returned for investigation, due back")
    to_archive: list[DeskCaseOut]
    warned: list[DeskCaseOut] = Field(description="due soon or overdue in the caller's scope")


@desk_router.get("", response={200: DeskOut, **SIGNED_IN})
def get_desk(request):
    """The caller's desk (待办): the cases they handle by due date, and the tasks waiting on
    them — cases to start; the reviewer's queue (submissions to review and to decide, and
    those still under review below them); re-examinations, binding decisions to carry out and
    objections waiting for their answer (handlers); objections to answer (deciders); joint
    opinions to sign; referred submissions for the committee's agenda, reports to read (the
    chief); reports to file; instructions to comply with; for the case office the cases to
    draw, to receive back and to archive; for leaders the cases due soon or overdue in their
    scope."""
    return desks.desk(actor_of(request))
