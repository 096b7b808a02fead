"""API of review and decision (/api/v1/oversight): a case's oversight record, and the acts on a
submission (review, joint meeting, re-examination and its answer, referral to the
committee), on a joint meeting's opinion (its participant's signature), on a binding decision
(a written objection) and on an objection (the answer). Each act answers the case's record as
it now is; 403 with the power list's reason when refused, 422 with the rule's (in Chinese, by
field) for bad input or a broken rule, 404 for what the caller may not read — nothing written
either way. Agreeing and deciding directly are POST /api/v1/cases/{id}/decide; carrying out a
binding decision, POST /api/v1/cases/{id}/execute."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from procuracy.cases import selectors as cases
from procuracy.cases.api import StaffRef
from procuracy.cases.models import CaseStatus, DecisionStatus
from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message
from procuracy.oversight import review, selectors
from procuracy.oversight.models import Position, ReviewKind
from procuracy.people.models import Staff
from procuracy.powers.models import Holder, Power

router = Router(tags=["oversight"])


class OversightStepOut(Schema):
    holder: Holder
    power: Power
    label: str = Field(description="as 部门负责人审核")
    state: Literal["done", "current", "returned", "referred", "waiting"] = Field(
        description="done; current (waiting at it); returned (back with the handlers to "
        "re-examine); referred (waiting for a committee meeting); waiting (still ahead)"
    )


class OversightDecisionOut(Schema):
    id: int
    matter: str = Field(description="the matter's code")
    matter_name: str
    status: DecisionStatus
    status_label: str
    reasoning: str
    proposed_by: StaffRef | None
    proposed_at: datetime.datetime | None
    decided_by: StaffRef | None
    decided_at: datetime.datetime | None
    body: str = Field(description="committee or higher when a body decided it; else empty")
    binding: bool = Field(description="the handlers must carry it out (执行决定)")
    overrides: int | None = Field(description="the submission it did not adopt (直接决定)")
    executed_by: StaffRef | None
    executed_at: datetime.datetime | None
    basis: str
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
    def resolve_overrides(obj) -> int | None:
        return obj.overrides_id


class OversightSubmissionOut(OversightDecisionOut):
    step: int = Field(description="the index in `path` of the step that acts next")
    path: list[OversightStepOut]

    @staticmethod
    def resolve_path(obj) -> list[dict]:
        return [
            {"holder": s.holder, "power": s.power, "label": s.label, "state": s.state}
            for s in selectors.steps_of(obj)
        ]


class OversightReviewOut(Schema):
    id: int
    decision: int = Field(description="the submission it is on")
    step: int
    holder: Holder
    kind: ReviewKind
    kind_label: str
    opinion: str
    reviewer: StaffRef
    reviewed_at: datetime.datetime
    joint_meeting: int | None
    ledger_seq: int | None

    @staticmethod
    def resolve_decision(obj) -> int:
        return obj.decision_id

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_joint_meeting(obj) -> int | None:
        return obj.joint_meeting_id


class OversightJointOpinionOut(Schema):
    id: int
    participant: StaffRef
    position: Position
    position_label: str
    opinion: str
    signed_at: datetime.datetime | None = Field(description="null until its participant signs")
    ledger_seq: int | None

    @staticmethod
    def resolve_position_label(obj) -> str:
        return obj.get_position_display()


class OversightJointMeetingOut(Schema):
    id: int
    decision: int
    convened_by: StaffRef
    held_at: datetime.datetime
    question: str
    minutes: str
    opinions: list[OversightJointOpinionOut]
    ledger_seq: int | None

    @staticmethod
    def resolve_decision(obj) -> int:
        return obj.decision_id

    @staticmethod
    def resolve_opinions(obj) -> list:
        return list(obj.opinions.all())


class OversightObjectionOut(Schema):
    id: int
    decision: int = Field(description="the binding decision objected to")
    filed_by: StaffRef
    filed_at: datetime.datetime
    text: str
    answer: Literal["", "maintain", "change"]
    answer_text: str
    answered_by: StaffRef | None
    answered_at: datetime.datetime | None
    replaced_by: int | None = Field(description="the decision it was changed to")
    ledger_seq: int | None

    @staticmethod
    def resolve_decision(obj) -> int:
        return obj.decision_id

    @staticmethod
    def resolve_replaced_by(obj) -> int | None:
        return obj.replaced_by_id


class OversightItemOut(Schema):
    id: int
    meeting: int
    meeting_year: int
    meeting_number: int
    order: int
    title: str
    submission: int | None
    status: str
    status_label: str
    resolution: str
    decision: int | None = Field(description="the decision the committee made on it")
    votes_for: int
    votes_against: int
    abstentions: int

    @staticmethod
    def resolve_meeting(obj) -> int:
        return obj.meeting_id

    @staticmethod
    def resolve_meeting_year(obj) -> int:
        return obj.meeting.year

    @staticmethod
    def resolve_meeting_number(obj) -> int:
        return obj.meeting.number

    @staticmethod
    def resolve_submission(obj) -> int | None:
        return obj.submission_id

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_decision(obj) -> int | None:
        return obj.decision_id


class OversightInstructionRef(Schema):
    id: int
    kind: str
    kind_label: str
    document_no: str
    issued_by: StaffRef
    issued_at: datetime.datetime
    complied_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class OversightReportRef(Schema):
    id: int
    flags: list[str]
    opened_at: datetime.datetime
    filed_at: datetime.datetime | None
    read_at: datetime.datetime | None


class OversightEntryOut(Schema):
    at: datetime.datetime
    kind: str = Field(
        description="submitted, review, joint_meeting, decided, executed, objection, "
        "objection_answered, committee_item, referral, referral_answered, instruction, "
        "complied, report_opened, report_filed or report_read"
    )
    label: str
    who: StaffRef | None
    text: str
    ledger_seq: int | None

    @staticmethod
    def resolve_ledger_seq(obj) -> int | None:
        return getattr(obj.row, "ledger_seq", None)


class OversightRecordOut(Schema):
    case_id: int
    case_number: str
    case_status: CaseStatus
    submissions: list[OversightSubmissionOut] = Field(description="oldest first")
    binding: OversightDecisionOut | None = Field(
        description="the decision the handlers are to carry out, while the case is executing"
    )
    reviews: list[OversightReviewOut]
    joint_meetings: list[OversightJointMeetingOut]
    objections: list[OversightObjectionOut]
    committee_items: list[OversightItemOut]
    instructions: list[OversightInstructionRef]
    reports: list[OversightReportRef]
    timeline: list[OversightEntryOut] = Field(description="every entry above, in time order")

    @staticmethod
    def resolve_case_id(obj) -> int:
        return obj.case.pk

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_case_status(obj) -> str:
        return obj.case.status

    @staticmethod
    def resolve_submissions(obj) -> list:
        return [s.decision for s in obj.submissions]

    @staticmethod
    def resolve_joint_meetings(obj) -> list:
        return obj.meetings

    @staticmethod
    def resolve_committee_items(obj) -> list:
        return obj.items

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.entries


READ = {200: OversightRecordOut, **SIGNED_IN, **NOT_FOUND}
ACTED = {200: OversightRecordOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID}


@router.get("/cases/{case_id}", response=READ, url_name="oversight_case")
def get_case_record(request, case_id: int):
    """A case's oversight record (监督制约): its submissions with their path and current step,
    the binding decision being carried out, and in time order every review, joint meeting
    (each participant's opinion and signature), re-examination, referral, committee item,
    decision, objection and answer, instruction and report. 404 for a case the caller may
    not read."""
    return selectors.case_record(cases.case_for(actor_of(request), case_id, channel="api"))


def _acted(case):
    case.refresh_from_db()
    return selectors.case_record(case)


def _submission(request, decision_id: int):
    actor = actor_of(request)
    return actor, selectors.submission_for(actor, decision_id, channel="api")


class OversightReviewIn(Schema):
    agree: bool = Field(description="true 同意, false 不同意: forwarded either way")
    opinion: str = Field(max_length=4000)


class OversightOpinionIn(Schema):
    opinion: str = Field(max_length=4000)


class OversightJointOpinionIn(Schema):
    staff: int = Field(description="a quota prosecutor of the case's procuratorate")
    position: Position
    opinion: str = Field(max_length=2000)


class OversightJointMeetingIn(Schema):
    question: str = Field(max_length=2000)
    minutes: str = Field(max_length=4000)
    opinions: list[OversightJointOpinionIn] = Field(description="two participants at least")


class OversightReexaminedIn(Schema):
    opinion: str = Field(max_length=4000)
    matter: str = Field(
        "", max_length=40, description="another matter to propose instead; empty keeps it"
    )


class OversightObjectionIn(Schema):
    text: str = Field(max_length=4000)


class OversightAnswerIn(Schema):
    maintain: bool = Field(description="true maintains the decision; false changes it")
    text: str = Field(max_length=4000)
    matter: str = Field("", max_length=40, description="the matter it is changed to")


@router.post("/submissions/{decision_id}/review", response=ACTED)
def review_submission(request, decision_id: int, payload: OversightReviewIn):
    """The holder of the submission's review step gives a written opinion (审核): it goes on
    to the next step either way (to the committee's agenda when the committee decides)."""
    actor, decision = _submission(request, decision_id)
    review.review(actor=actor, decision=decision, agree=payload.agree, opinion=payload.opinion)
    return _acted(decision.case)


@router.post("/submissions/{decision_id}/joint-meeting", response=ACTED)
def hold_joint_meeting(request, decision_id: int, payload: OversightJointMeetingIn):
    """The reviewing department head records a prosecutors' joint meeting (检察官联席会议):
    the question, the minutes and each participant's position and opinion, which each then
    signs. 422 for a participant who is not a quota prosecutor of the procuratorate."""
    actor, decision = _submission(request, decision_id)
    ids = [o.staff for o in payload.opinions]
    staff = Staff.objects.in_bulk(ids)
    unknown = [pk for pk in ids if pk not in staff]
    if unknown:
        raise RuleViolation(_("没有编号为 %(id)s 的人员。") % {"id": unknown[0]}, "opinions")
    review.hold_joint_meeting(
        actor=actor,
        decision=decision,
        question=payload.question,
        minutes=payload.minutes,
        opinions=[(staff[o.staff], str(o.position), o.opinion) for o in payload.opinions],
    )
    return _acted(decision.case)


@router.post("/submissions/{decision_id}/reexamine", response=ACTED)
def order_reexamination(request, decision_id: int, payload: OversightOpinionIn):
    """The chief or a deputy, at their step, orders the handlers to re-examine (复核), saying
    why (规则 Art 7)."""
    actor, decision = _submission(request, decision_id)
    review.order_reexamination(actor=actor, decision=decision, opinion=payload.opinion)
    return _acted(decision.case)


@router.post("/submissions/{decision_id}/reexamined", response=ACTED)
def answer_reexamination(request, decision_id: int, payload: OversightReexaminedIn):
    """The handlers' re-examination: they keep the proposal (it goes back to the leader who
    ordered it) or propose another `matter`, submitted afresh on its own path."""
    actor, decision = _submission(request, decision_id)
    review.answer_reexamination(
        actor=actor, decision=decision, opinion=payload.opinion, matter=payload.matter
    )
    return _acted(decision.case)


@router.post("/submissions/{decision_id}/refer", response=ACTED)
def refer_to_committee(request, decision_id: int, payload: OversightOpinionIn):
    """The chief, at their step, refers the submission to the procuratorial committee: it
    waits for a meeting's agenda."""
    actor, decision = _submission(request, decision_id)
    review.refer_to_committee(actor=actor, decision=decision, opinion=payload.opinion)
    return _acted(decision.case)


@router.post("/joint-opinions/{opinion_id}/sign", response=ACTED)
def sign_joint_opinion(request, opinion_id: int):
    """A participant signs their own opinion as recorded (签名). 404 for one the caller
    neither gave nor may read; 403 for another's."""
    actor = actor_of(request)
    opinion = selectors.joint_opinion_for(actor, opinion_id)
    review.sign_joint_opinion(actor=actor, opinion=opinion)
    return _acted(opinion.meeting.decision.case)


@router.post("/decisions/{decision_id}/object", response=ACTED)
def object_to(request, decision_id: int, payload: OversightObjectionIn):
    """A handler objects in writing to a leader's binding decision, once; it is carried out
    after the answer. A committee's decision is carried out without objection (422)."""
    actor, decision = _submission(request, decision_id)
    review.object_to(actor=actor, decision=decision, text=payload.text)
    return _acted(decision.case)


@router.post("/objections/{objection_id}/answer", response=ACTED)
def answer_objection(request, objection_id: int, payload: OversightAnswerIn):
    """The decider answers a written objection: maintains the decision (the handlers carry
    it out) or changes it to `matter`."""
    actor = actor_of(request)
    objection = selectors.objection_for(actor, objection_id, channel="api")
    review.answer_objection(
        actor=actor,
        objection=objection,
        maintain=payload.maintain,
        text=payload.text,
        matter=payload.matter,
    )
    return _acted(objection.decision.case)
