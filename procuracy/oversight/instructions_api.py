"""API of written instructions (/api/v1/oversight/instructions) and of the reports to the chief
(/api/v1/oversight/reports): the reads, and the acts — issue and comply, file and read — each
answered 403 with the power list's reason when refused, 422 with the rule's for bad input,
404 for what the caller may not read; nothing written either way."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from procuracy.cases import selectors as cases
from procuracy.cases.api import StaffRef
from procuracy.cases.models import Decision, DecisionStatus
from procuracy.cases.selectors import flag_labels
from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message, ProcuratorateRef
from procuracy.organisation.models import Procuratorate
from procuracy.oversight import instructions
from procuracy.oversight.models import InstructionKind
from procuracy.people.api import Pagination
from procuracy.people.models import Staff
from procuracy.powers.models import Flag

router = Router(tags=["oversight"])


class InstructionCaseRef(Schema):
    id: int
    number: str
    title: str


class InstructionDecisionRef(Schema):
    id: int
    matter: str = Field(description="the matter's code")
    matter_name: str
    status: DecisionStatus
    status_label: str

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class InstructionOut(Schema):
    id: int
    kind: InstructionKind
    kind_label: str
    issuer: ProcuratorateRef = Field(description="the procuratorate that issued it")
    recipient: ProcuratorateRef = Field(description="the procuratorate that carries it out")
    case: InstructionCaseRef | None
    decision: InstructionDecisionRef | None = Field(
        description="the decision it orders corrected, revokes or changes"
    )
    staff: StaffRef | None = Field(description="the member of staff called up")
    document_no: str
    text: str
    issued_by: StaffRef
    issued_at: datetime.datetime
    complied_by: StaffRef | None
    complied_at: datetime.datetime | None = Field(description="null until compliance is reported")
    compliance: str
    disagreement: str = Field(description="a disagreement reported with the compliance")
    ledger_seq: int | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class InstructionIn(Schema):
    kind: InstructionKind
    recipient: int | None = Field(
        None, description="a procuratorate's id; the case's when left out (required for call_up)"
    )
    case: int | None = Field(None, description="the case's id (instruct, designate)")
    decision: int | None = Field(None, description="the decision's id (correct, revoke, change)")
    staff: int | None = Field(None, description="the staff member's id (call_up)")
    document_no: str = Field(max_length=64, description="as 兰检指〔2026〕3号")
    text: str = Field(max_length=8000)


class ComplyIn(Schema):
    compliance: str = Field(max_length=8000, description="how the instruction was carried out")
    disagreement: str = Field("", max_length=8000, description="reported while complying")


class ReportCaseRef(Schema):
    id: int
    number: str
    title: str
    procuratorate: ProcuratorateRef


class ReportOut(Schema):
    id: int
    case: ReportCaseRef
    flags: list[Flag] = Field(description="why the case owes the chief a report")
    flag_labels: str
    state: Literal["to_file", "to_read", "read"]
    opened_at: datetime.datetime
    text: str
    filed_by: StaffRef | None
    filed_at: datetime.datetime | None
    comment: str = Field(description="the chief's comment (阅示)")
    read_by: StaffRef | None
    read_at: datetime.datetime | None
    ledger_seq: int | None

    @staticmethod
    def resolve_flag_labels(obj) -> str:
        return flag_labels(obj.flags)

    @staticmethod
    def resolve_state(obj) -> str:
        if obj.read_at:
            return "read"
        return "to_read" if obj.filed_at else "to_file"


class FileReportIn(Schema):
    text: str = Field(max_length=8000)


class ReadReportIn(Schema):
    comment: str = Field(max_length=4000)


# ---- instructions ------------------------------------------------------------------------

ACTED = {200: InstructionOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID}


@router.get(
    "/instructions",
    response={200: list[InstructionOut], **SIGNED_IN, **INVALID},
    url_name="oversight_instructions",
)
@paginate(Pagination)
def list_instructions(
    request,
    procuratorate: int | None = None,
    direction: Literal["issued", "received"] | None = None,
    kind: InstructionKind | None = None,
    case: int | None = None,
    waiting: bool = False,
    mine: bool = False,
):
    """The instructions the caller may read, newest first: issued or received by a
    `procuratorate` (either, unless `direction` says), of a `kind`, on a `case`, still
    `waiting` for their compliance report; `mine`, only those waiting on the caller to
    report (oldest first)."""
    actor = actor_of(request)
    if mine:
        return instructions.instructions_to_comply(actor)
    return instructions.instructions(
        actor,
        procuratorate=procuratorate,
        direction=direction or "",
        kind=kind or "",
        case=case,
        waiting=waiting,
    )


def _found(model, pk: int | None, field: str, message: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise RuleViolation(message, field)
    return found


@router.post(
    "/instructions",
    response={201: InstructionOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID},
    url_name="oversight_instructions",
)
def issue_instruction(request, payload: InstructionIn):
    """Issue a written instruction: a chief or deputy to their own procuratorate or one below
    (instruct, on a case); only from above, correct / revoke / change (naming a decision of
    the recipient's: revoke and change mark it revoked), designate (on a case) and call_up
    (naming a member of the recipient's staff). A case the caller may not read is 404."""
    actor = actor_of(request)
    case = cases.case_for(actor, payload.case, channel="api") if payload.case else None
    decision = _found(Decision, payload.decision, "decision", _("没有这项决定。"))
    if decision is not None and not cases.visible_cases(actor).filter(pk=decision.case_id):
        raise RuleViolation(_("没有这项决定。"), "decision")
    staff = _found(Staff, payload.staff, "staff", _("没有这名工作人员。"))
    recipient = _found(Procuratorate, payload.recipient, "recipient", _("没有这个检察院。"))
    if recipient is None:
        target = case or (decision.case if decision is not None else None)
        if target is None:
            raise RuleViolation(_("请指明接受指令的检察院。"), "recipient")
        recipient = target.procuratorate
    done = instructions.issue_instruction(
        actor=actor,
        kind=str(payload.kind),
        recipient=recipient,
        text=payload.text,
        document_no=payload.document_no,
        case=case,
        decision=decision,
        staff=staff,
    )
    return Status(201, instructions.instruction_for(actor, done.pk))


@router.get(
    "/instructions/{instruction_id}",
    response={200: InstructionOut, **SIGNED_IN, **NOT_FOUND},
    url_name="oversight_instruction",
)
def get_instruction(request, instruction_id: int):
    """An instruction with its compliance report, if the caller may read it (else 404)."""
    return instructions.instruction_for(actor_of(request), instruction_id)


@router.post(
    "/instructions/{instruction_id}/comply", response=ACTED, url_name="oversight_instruction_comply"
)
def comply_with_instruction(request, instruction_id: int, payload: ComplyIn):
    """The recipient's side — the case's handlers, or its chief or a deputy — reports how the
    instruction was carried out, once; a disagreement goes with it, not instead of it."""
    actor = actor_of(request)
    instruction = instructions.instruction_for(actor, instruction_id)
    instructions.comply_with_instruction(
        actor=actor,
        instruction=instruction,
        compliance=payload.compliance,
        disagreement=payload.disagreement,
    )
    return instructions.instruction_for(actor, instruction_id)


# ---- reports to the chief ----------------------------------------------------------------

REPORTED = {200: ReportOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID}


@router.get(
    "/reports",
    response={200: list[ReportOut], **SIGNED_IN, **INVALID},
    url_name="oversight_reports",
)
@paginate(Pagination)
def list_reports(
    request,
    state: Literal["to_file", "to_read", "read"] | None = None,
    case: int | None = None,
    procuratorate: int | None = None,
    mine: bool = False,
):
    """The reports to the chief of the cases the caller may read, newest first, by `state`,
    `case` or the case's `procuratorate`; `mine`, only those waiting on the caller — to file,
    as a handler, or to read, as the chief (oldest first)."""
    actor = actor_of(request)
    if mine:
        return [*instructions.reports_to_file(actor), *instructions.reports_to_read(actor)]
    return instructions.reports(actor, state=state or "", case=case, procuratorate=procuratorate)


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, **SIGNED_IN, **NOT_FOUND},
    url_name="oversight_report",
)
def get_report(request, report_id: int):
    """A flagged case's report to the chief, if the caller may read the case (else 404)."""
    return instructions.report_for(actor_of(request), report_id)


@router.post("/reports/{report_id}/file", response=REPORTED, url_name="oversight_report_file")
def file_report(request, report_id: int, payload: FileReportIn):
    """A handler of the case reports it to the chief, in writing, once."""
    actor = actor_of(request)
    report = instructions.report_for(actor, report_id)
    instructions.file_report(actor=actor, report=report, text=payload.text)
    return instructions.report_for(actor, report_id)


@router.post("/reports/{report_id}/read", response=REPORTED, url_name="oversight_report_read")
def read_report(request, report_id: int, payload: ReadReportIn):
    """The chief of the case's procuratorate reads the filed report and comments (阅示)."""
    actor = actor_of(request)
    report = instructions.report_for(actor, report_id)
    instructions.read_report(actor=actor, report=report, comment=payload.comment)
    return instructions.report_for(actor, report_id)
