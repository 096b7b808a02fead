"""API of the procuratorial committee under /api/v1/oversight/committee: its members (read and
set as a whole), its meetings (list, one with attendance, agenda, every member's vote and
opinion, results and referrals), the submissions waiting for its agenda, the referrals
waiting for one's answer, and every act of a meeting. Each act answers 422 with the reason
for bad input or a broken rule, 403 with the reason when the actor may not; nothing is written
either way."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from procuracy.cases.models import Decision, DecisionStatus
from procuracy.core.actors import Actor, actor_of
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.core.scope import can_see
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message, ProcuratorateRef
from procuracy.organisation.models import Procuratorate
from procuracy.oversight import committee
from procuracy.oversight.models import (
    AgendaItem,
    ItemKind,
    ItemStatus,
    MeetingStatus,
    Position,
    Referral,
    ReferralTo,
)
from procuracy.people.api import Pagination
from procuracy.people.models import Staff

router = Router(tags=["oversight"])


class StaffRef(Schema):
    id: int
    name: str


class MemberOut(Schema):
    staff: StaffRef
    since: datetime.date
    roles: list[str] = Field(description="chief, acting_chief or deputy_chief besides member")
    role_label: str


class MembershipOut(Schema):
    procuratorate: ProcuratorateRef
    on: datetime.date
    count: int
    odd: bool = Field(description="an even committee may not meet (组织法 Art 30)")
    members: list[MemberOut]


def _membership(place, day: datetime.date) -> dict:
    found = committee.members_on(place, day)
    return {
        "procuratorate": place,
        "on": day,
        "count": len(found),
        "odd": len(found) % 2 == 1,
        "members": [
            {
                "staff": m.staff,
                "since": m.since,
                "roles": list(m.roles),
                "role_label": committee.role_label(m.roles),
            }
            for m in found
        ],
    }


def _place(actor: Actor, pk: int | None) -> Procuratorate:
    """The procuratorate named (one's own when none), if the caller sees it; else 404."""
    if pk is None:
        if actor.staff is None:
            raise Http404
        return actor.staff.procuratorate
    found = Procuratorate.objects.filter(pk=pk).first()
    if found is None or not can_see(actor, found):
        raise Http404
    return found


def _staff(ids: list[int], field: str) -> list[Staff]:
    found = Staff.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise RuleViolation(_("没有编号为 %(id)s 的工作人员。") % {"id": missing[0]}, field)
    return [found[pk] for pk in ids]


# One path, two operations: one URL name, so that the path resolves to the name it has.
@router.get(
    "/members",
    response={200: MembershipOut, **SIGNED_IN, **NOT_FOUND},
    url_name="committee_members",
)
def get_members(request, procuratorate: int | None = None, on: datetime.date | None = None):
    """The committee's members on a day (today by default) at a procuratorate (one's own by
    default): the chief first, then the deputies, then the others."""
    place = _place(actor_of(request), procuratorate)
    return _membership(place, on or today())


class MembersIn(Schema):
    procuratorate: int | None = Field(None, description="one's own when left out")
    members: list[int] = Field(description="staff ids: every member from valid_from")
    valid_from: datetime.date
    reference: str = Field(max_length=200, description="the appointment's document")


ACTED = {403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID}


@router.post("/members", response={200: MembershipOut, **ACTED}, url_name="committee_members")
def set_members(request, payload: MembersIn):
    """Set the membership as a whole from `valid_from` (the personnel office or the chief): an
    odd number, the chief among them, quota prosecutors of the procuratorate."""
    actor = actor_of(request)
    place = _place(actor, payload.procuratorate)
    committee.set_committee(
        actor=actor,
        procuratorate=place,
        members=_staff(payload.members, "members"),
        valid_from=payload.valid_from,
        reference=payload.reference,
    )
    return _membership(place, payload.valid_from)


# ---- meetings ----------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    procuratorate: ProcuratorateRef
    year: int
    number: int
    scheduled_for: datetime.datetime
    chair: StaffRef
    entrustment: str = Field(description="the chief's written entrustment of a deputy chair")
    status: MeetingStatus
    status_label: str
    members: int = Field(description="all members (on the day it opened; scheduled: then)")
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    ledger_seq: int | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class AttendanceOut(Schema):
    member: StaffRef
    present: bool
    note: str


class VoteOut(Schema):
    member: StaffRef
    choice: Position
    choice_label: str
    opinion: str
    cast_at: datetime.datetime
    ledger_seq: int | None

    @staticmethod
    def resolve_choice_label(obj) -> str:
        return obj.get_choice_display()


class DecisionRef(Schema):
    id: int
    matter: str
    matter_name: str
    body: str
    binding: bool
    basis: str
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name


class ReferralOut(Schema):
    id: int
    to: ReferralTo
    to_label: str
    reasoning: str
    referred_by: StaffRef
    referred_at: datetime.datetime
    answer: str
    answered_by: StaffRef | None
    answered_at: datetime.datetime | None
    decision: DecisionRef | None = Field(description="the higher procuratorate's, for a case")
    ledger_seq: int | None

    @staticmethod
    def resolve_to_label(obj) -> str:
        return obj.get_to_display()


class CaseRef(Schema):
    id: int
    number: str
    title: str


class ItemOut(Schema):
    id: int
    order: int
    kind: ItemKind
    title: str
    case: CaseRef | None
    submission: int | None = Field(description="the submission referred to the committee")
    matter: str | None = Field(description="the matter proposed for decision (a case item)")
    presenter: StaffRef
    report: str
    status: ItemStatus
    status_label: str
    votes: list[VoteOut]
    votes_for: int
    votes_against: int
    abstentions: int
    adopted_needs: int = Field(description="votes for needed: more than half of ALL members")
    resolution: str
    decision: DecisionRef | None = Field(description="the committee's decision it formed")
    referral: ReferralOut | None
    ledger_seq: int | None

    @staticmethod
    def resolve_submission(obj) -> int | None:
        return obj.submission_id

    @staticmethod
    def resolve_matter(obj) -> str | None:
        return obj.matter.code if obj.matter else None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_votes(obj) -> list:
        return list(obj.votes.all())

    @staticmethod
    def resolve_adopted_needs(obj) -> int:
        return obj.meeting.members // 2 + 1

    @staticmethod
    def resolve_referral(obj):
        return getattr(obj, "referral", None)


class MeetingDetail(MeetingOut):
    minutes: str
    attendance: list[AttendanceOut]
    items: list[ItemOut]

    @staticmethod
    def resolve_attendance(obj) -> list:
        return list(obj.attendance.all())

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


def _meeting(actor: Actor, pk: int):
    return committee.meeting_for(actor, pk)


@router.get(
    "/meetings",
    response={200: list[MeetingOut], **SIGNED_IN, **NOT_FOUND},
    url_name="committee_meetings",
)
@paginate(Pagination)
def list_meetings(request, procuratorate: int | None = None, year: int | None = None):
    """The meetings one may read (a procuratorate's members, leaders and case office; the
    chiefs above it), latest first."""
    actor = actor_of(request)
    place = None
    if procuratorate is not None:
        place = _place(actor, procuratorate)
    return committee.meetings(actor, procuratorate=place, year=year)


@router.get("/meetings/{meeting_id}", response={200: MeetingDetail, **SIGNED_IN, **NOT_FOUND})
def get_meeting(request, meeting_id: int):
    """A meeting: attendance, every item with the presenter's report, each member's vote and
    opinion, the result, the decision it formed or the referral upward, and the minutes."""
    return _meeting(actor_of(request), meeting_id)


class ScheduleIn(Schema):
    scheduled_for: datetime.datetime
    chair: int = Field(description="staff id: the chief, or a deputy entrusted in writing")
    entrustment: str = Field("", max_length=2000, description="the chief's written entrustment")


@router.post("/meetings", response={201: MeetingDetail, **ACTED}, url_name="committee_meetings")
def schedule_meeting(request, payload: ScheduleIn):
    """The chief schedules a meeting of their procuratorate's committee, numbered after the
    year's last one."""
    actor = actor_of(request)
    place = _place(actor, None)
    meeting = committee.schedule_meeting(
        actor=actor,
        procuratorate=place,
        scheduled_for=payload.scheduled_for,
        chair=_staff([payload.chair], "chair")[0],
        entrustment=payload.entrustment,
    )
    return Status(201, _meeting(actor, meeting.pk))


class ItemIn(Schema):
    submission: int | None = Field(None, description="a submission referred to the committee")
    matter: str = Field("", description="the matter proposed; the submission's when empty")
    title: str = Field("", max_length=200, description="for another major matter")
    presenter: int = Field(description="staff id: a handler of the case")
    report: str = Field(max_length=20000)


def _submission(pk: int | None, place) -> Decision | None:
    if pk is None:
        return None
    found = Decision.objects.filter(pk=pk, case__procuratorate=place).first()
    if found is None:
        raise RuleViolation(_("本院没有编号为 %(id)s 的报请。") % {"id": pk}, "submission")
    return found


@router.post("/meetings/{meeting_id}/items", response={200: MeetingDetail, **ACTED})
def add_item(request, meeting_id: int, payload: ItemIn):
    """The chief puts a referred case, or another major matter, on the agenda."""
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    committee.add_agenda_item(
        actor=actor,
        meeting=meeting,
        submission=_submission(payload.submission, meeting.procuratorate),
        matter=payload.matter,
        title=payload.title,
        presenter=_staff([payload.presenter], "presenter")[0],
        report=payload.report,
    )
    return _meeting(actor, meeting_id)


class OpenIn(Schema):
    present: list[int] = Field(description="staff ids of the members present")
    absent_notes: dict[int, str] = Field({}, description="staff id → reason for absence")


@router.post("/meetings/{meeting_id}/open", response={200: MeetingDetail, **ACTED})
def open_meeting(request, meeting_id: int, payload: OpenIn):
    """The chair opens the meeting with the attendance of every member: refused unless more
    than half of all members are present, or if the committee is of an even number."""
    actor = actor_of(request)
    meeting = _meeting(actor, meeting_id)
    committee.open_meeting(
        actor=actor,
        meeting=meeting,
        present=_staff(payload.present, "present"),
        absent_notes=dict(payload.absent_notes),
    )
    return _meeting(actor, meeting_id)


class CloseIn(Schema):
    minutes: str = Field(max_length=20000)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingDetail, **ACTED})
def close_meeting(request, meeting_id: int, payload: CloseIn):
    """The chair closes the meeting with its minutes, once every item has its result."""
    actor = actor_of(request)
    committee.close_meeting(
        actor=actor, meeting=_meeting(actor, meeting_id), minutes=payload.minutes
    )
    return _meeting(actor, meeting_id)


def _item(actor: Actor, pk: int) -> AgendaItem:
    found = (
        AgendaItem.objects.select_related("meeting__procuratorate", "meeting__chair")
        .filter(pk=pk, meeting__in=committee.meetings(actor).values("pk"))
        .first()
    )
    if found is None:
        raise Http404
    return found


class VoteIn(Schema):
    member: int = Field(description="staff id of a member present")
    choice: Position
    opinion: str = Field(max_length=4000, description="the member's own opinion (required)")


class VotesIn(Schema):
    votes: list[VoteIn]


@router.post("/items/{item_id}/votes", response={200: MeetingDetail, **ACTED})
def record_votes(request, item_id: int, payload: VotesIn):
    """The chair records members' votes on an item, one for each member present, each with
    the member's opinion."""
    actor = actor_of(request)
    item = _item(actor, item_id)
    people = _staff([v.member for v in payload.votes], "votes")
    votes = [(s, str(v.choice), v.opinion) for s, v in zip(people, payload.votes, strict=True)]
    committee.record_votes(actor=actor, item=item, votes=votes)
    return _meeting(actor, item.meeting_id)


class ResolveIn(Schema):
    resolution: str = Field(max_length=4000)
    chief_disagrees: bool = False
    referral_to: ReferralTo | None = Field(None, description="when the chief disagrees")
    reasoning: str = Field("", max_length=4000, description="the chief's reasons for referring")


@router.post("/items/{item_id}/resolve", response={200: MeetingDetail, **ACTED})
def resolve_item(request, item_id: int, payload: ResolveIn):
    """The chair announces the result: adopted only by a majority of all members (a case
    item then is the committee's binding decision); or, the chief disagreeing with the
    majority, referred (a case only to the next-higher procuratorate)."""
    actor = actor_of(request)
    item = _item(actor, item_id)
    committee.resolve_item(
        actor=actor,
        item=item,
        resolution=payload.resolution,
        chief_disagrees=payload.chief_disagrees,
        referral_to=str(payload.referral_to or ""),
        reasoning=payload.reasoning,
    )
    return _meeting(actor, item.meeting_id)


# ---- what waits --------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    case: CaseRef
    matter: str
    matter_name: str
    status: DecisionStatus
    reasoning: str
    proposed_by: StaffRef | None
    proposed_at: datetime.datetime | None

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name


@router.get("/submissions", response={200: list[SubmissionOut], **SIGNED_IN, **NOT_FOUND})
def waiting_submissions(request, procuratorate: int | None = None):
    """The submissions referred to a procuratorate's committee (one's own by default) and on
    no meeting's agenda yet."""
    actor = actor_of(request)
    place = _place(actor, procuratorate)
    if not committee.may_read(actor, place):
        raise Http404
    return committee.referred_submissions(place)


class WaitingReferralOut(ReferralOut):
    item: int
    meeting: int
    procuratorate: ProcuratorateRef
    title: str

    @staticmethod
    def resolve_item(obj) -> int:
        return obj.item_id

    @staticmethod
    def resolve_meeting(obj) -> int:
        return obj.item.meeting_id

    @staticmethod
    def resolve_procuratorate(obj):
        return obj.item.meeting.procuratorate

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.item.title


@router.get("/referrals", response={200: list[WaitingReferralOut], **SIGNED_IN})
def waiting_referrals(request):
    """The referrals waiting for the caller's procuratorate's answer: from the
    procuratorates just below it, and its own to the people's congress standing committee."""
    return committee.referrals_waiting(actor_of(request))


class AnswerIn(Schema):
    answer: str = Field(max_length=4000)
    matter: str = Field("", description="for a case: the matter the higher procuratorate decides")


@router.post("/referrals/{referral_id}/answer", response={200: MeetingDetail, **ACTED})
def answer_referral(request, referral_id: int, payload: AnswerIn):
    """The answer to a referral: for a case, the next-higher procuratorate's binding decision
    on `matter`."""
    actor = actor_of(request)
    referral = (
        Referral.objects.select_related("item__meeting__procuratorate__parent")
        .filter(pk=referral_id, item__meeting__in=committee.meetings(actor).values("pk"))
        .first()
    )
    if referral is None:
        raise Http404
    committee.answer_referral(
        actor=actor, referral=referral, answer=payload.answer, matter=payload.matter
    )
    return _meeting(actor, referral.item.meeting_id)
