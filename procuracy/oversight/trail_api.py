"""API of the responsibility trail: one decision's (with the decisions of its lineage), and
every decision's of a case — the same steps the page shows, each with its ledger entry.
Whoever may read the case may read its trails; anyone else is answered 404."""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema

from procuracy.cases import selectors as cases
from procuracy.core.actors import actor_of
from procuracy.organisation.api import NOT_FOUND, SIGNED_IN
from procuracy.oversight import trail

router = Router(tags=["oversight"])


class PersonOut(Schema):
    id: int
    name: str
    role: str = Field(description="the posts the person held that day, as 检察长 or 独任检察官")


class EntryOut(Schema):
    seq: int = Field(description="the ledger entry's number (GET /api/v1/ledger/entries/{seq})")
    kind: str
    label: str
    occurred_at: datetime.datetime
    readable: bool = Field(description="whether the caller may open the entry")


class DecisionRefOut(Schema):
    id: int
    matter: str = Field(description="the matter's code")
    matter_name: str
    status: str
    status_label: str


class BasisOut(Schema):
    kind: str = Field(description="item, delegation, default, committee, higher; empty if unknown")
    kind_label: str
    sentence: str = Field(description="the power list's words, as recorded with the decision")
    item_id: int | None
    list_title: str
    version: int | None
    item_number: int | None
    item_code: str
    holder_label: str
    power_label: str
    legal_basis: str
    delegation_id: int | None
    document_no: str = Field(description="the delegation's document number")
    delegator: str
    instruction: str = Field(description="the delegation's written instruction")


class OpinionOut(Schema):
    person: PersonOut
    position: str = Field(description="for, against or abstain")
    position_label: str
    opinion: str
    at: datetime.datetime | None = Field(description="signed (joint meeting) or cast (vote)")
    entry: EntryOut | None


class AttendeeOut(Schema):
    person: PersonOut
    present: bool
    note: str


class TallyOut(Schema):
    members: int = Field(description="all members of the committee that day")
    present: int
    quorum: bool = Field(description="more than half of all members present")
    votes_for: int
    votes_against: int
    abstentions: int
    needed: int = Field(description="votes for needed: a majority of all members")
    adopted: bool


class CommitteeOut(Schema):
    meeting_id: int
    year: int
    number: int
    held_at: datetime.datetime
    chair: PersonOut
    entrustment: str
    presenter: PersonOut
    title: str
    report: str
    status: str
    status_label: str
    resolution: str
    attendance: list[AttendeeOut]
    tally: TallyOut
    opened: EntryOut | None = Field(description="the entry that recorded the attendance")


class InstructionOut(Schema):
    id: int
    kind: str
    kind_label: str
    document_no: str
    issuer: str
    recipient: str
    staff: str = Field(description="the person called up, for a call-up")


class StepOut(Schema):
    kind: str = Field(
        description="proposed, joint_meeting, reviewed, reexamination_ordered, reexamined, "
        "referred_to_committee, committee, referred_to_higher, higher_answered, decided, "
        "objection_filed, objection_answered, executed, instruction, instruction_complied, "
        "report_filed, report_read"
    )
    label: str
    at: datetime.datetime
    decision: DecisionRefOut | None = Field(description="the decision of the lineage it is on")
    actor: PersonOut | None
    text: str
    note: str
    outcome: str = Field(description="agree, disagree, kept, changed, maintain, change …")
    outcome_label: str
    holder: str = Field(description="the step of the path it was taken at (reviews)")
    holder_label: str
    body: str = Field(description="committee or higher, for a step of a body")
    body_label: str
    basis: BasisOut | None = Field(description="what a decision was made under")
    binding: bool | None = Field(description="the handlers must carry the decision out")
    overrides: DecisionRefOut | None = Field(description="the proposal a decision overrode")
    supersedes: list[DecisionRefOut]
    leads_to: DecisionRefOut | None = Field(description="the decision the step put in place")
    opinions: list[OpinionOut] = Field(description="joint-meeting opinions or committee votes")
    committee: CommitteeOut | None
    instruction: InstructionOut | None
    entry: EntryOut | None = Field(description="the ledger entry that recorded the step")


class TrailOut(Schema):
    case_id: int
    case_number: str
    decision: DecisionRefOut | None = Field(description="the decision that stands")
    decisions: list[DecisionRefOut] = Field(description="the lineage, oldest first")
    steps: list[StepOut] = Field(description="in time order")
    summary: dict[str, list[PersonOut]] = Field(
        description="who proposed, reviewed, decided, objected, instructed and executed"
    )
    basis: BasisOut | None
    body: str = Field(description="committee or higher, when a body made the decision")
    body_label: str


class CaseTrailsOut(Schema):
    case_id: int
    case_number: str
    trails: list[TrailOut]


@router.get(
    "/decisions/{decision_id}/trail",
    response={200: TrailOut, **SIGNED_IN, **NOT_FOUND},
    url_name="decision_trail",
)
def get_decision_trail(request, decision_id: int):
    """A decision's responsibility trail: who proposed, reviewed, deliberated, decided and
    carried it out, in which post, under which power-list item or delegation, with the
    instructions, objections and votes on the way, each with its ledger entry. The
    decisions joined to it (the proposal it overrode, the one that replaced it) are in it."""
    actor = actor_of(request)
    case = trail.case_of_decision(actor, decision_id, channel="api")
    return trail.decision_trail(actor, case, decision_id)


@router.get(
    "/cases/{case_id}/trail",
    response={200: CaseTrailsOut, **SIGNED_IN, **NOT_FOUND},
    url_name="case_trail",
)
def get_case_trail(request, case_id: int):
    """The responsibility trail of every decision of a case, oldest first."""
    actor = actor_of(request)
    case = cases.case_for(actor, case_id, channel="api")
    return {
        "case_id": case.pk,
        "case_number": case.number,
        "trails": trail.case_trails(actor, case),
    }
