"""The procuratorial committee (组织法 Arts 30–33): an odd membership with the chief; meetings
chaired by the chief or an entrusted deputy; quorum of more than half; a vote per member with
their opinion; adoption by a majority of ALL members; a binding decision; the chief's only
paths when disagreeing with the majority; nothing written on bad input."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.oversight import committee
from procuracy.oversight.models import (
    AgendaItem,
    Attendance,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Referral,
    Vote,
)
from procuracy.people.models import Position

pytest_plugins = ["procuracy.oversight.tests.committee_support"]
SINCE = datetime.date(2025, 1, 1)  # the membership's start in committee_support
REFERENCE = "城关区人大常委会任免〔2025〕1号"


# ---- building meetings (the other committee tests use these too) ---------------------------


def set_members(world, *members, valid_from=SINCE):
    return committee.set_committee(
        actor=world.actor(world.grace),
        procuratorate=world.base,
        members=list(members),
        valid_from=valid_from,
        reference=REFERENCE,
    )


def schedule(world, chair=None, entrustment="", actor=None, when=None):
    return committee.schedule_meeting(
        actor=actor or world.actor(world.chief),
        procuratorate=world.base,
        scheduled_for=when or timezone.now(),
        chair=chair or world.chief,
        entrustment=entrustment,
    )


def listed(world, meeting, submission, matter=""):
    return committee.add_agenda_item(
        actor=world.actor(world.chief),
        meeting=meeting,
        submission=submission,
        presenter=world.alice,
        report="经审查,犯罪事实清楚,证据确实充分。",
        matter=matter,
    )


def opened(world, meeting, present=None, notes=None):
    return committee.open_meeting(
        actor=world.actor(meeting.chair),
        meeting=meeting,
        present=present if present is not None else [world.chief, world.head, world.carol],
        absent_notes=notes,
    )


def vote(world, item, *votes, chair=None):
    return committee.record_votes(
        actor=world.actor(chair or item.meeting.chair),
        item=item,
        votes=[(staff, choice, opinion) for staff, choice, opinion in votes],
    )


def acts() -> int:
    return Act.objects.count()


def case_of(decision) -> Case:
    return Case.objects.get(pk=decision.case_id)


# ---- membership --------------------------------------------------------------------------


def test_the_membership_is_set_as_a_whole_with_the_chief_first(world, members):
    assert [m.staff for m in members] == [world.chief, world.carol, world.head]  # by pinyin
    assert members[0].roles == ("chief",)
    act = Act.objects.get(kind="oversight.committee_set")
    assert act.body["reference"] == REFERENCE and act.actor == world.grace
    # A later change ends the leaving member's post the day the new membership starts.
    later = datetime.date(2025, 6, 1)
    set_members(world, world.chief, world.head, world.alice, valid_from=later)
    carol = Position.objects.get(staff=world.carol, kind="committee_member")
    assert carol.valid_to == later
    assert {m.staff for m in committee.members_on(world.base, later)} == {
        world.chief,
        world.head,
        world.alice,
    }
    assert world.carol in {m.staff for m in committee.members_on(world.base, SINCE)}


def test_an_even_membership_is_refused(world):
    before = acts()
    with pytest.raises(RuleViolation, match="单数"):
        set_members(world, world.chief, world.head, world.carol, world.alice)
    assert acts() == before
    assert not Position.objects.filter(kind="committee_member").exists()


def test_a_membership_without_the_chief_is_refused(world):
    with pytest.raises(RuleViolation, match="须包括检察长 韩川"):
        set_members(world, world.head, world.carol, world.alice)


def test_only_quota_prosecutors_of_the_procuratorate_may_be_members(world):
    with pytest.raises(RuleViolation, match=r"鄂琳.*不是本院员额检察官"):
        set_members(world, world.chief, world.head, world.erin)
    with pytest.raises(RuleViolation, match=r"欧阳晓.*不是本院员额检察官"):
        set_members(world, world.chief, world.head, world.olga)
    assert not Position.objects.filter(kind="committee_member").exists()


def test_only_the_personnel_office_or_the_chief_sets_the_membership(world):
    with pytest.raises(ActDenied, match="政治部"):
        committee.set_committee(
            actor=world.actor(world.alice),
            procuratorate=world.base,
            members=[world.chief, world.head, world.carol],
            valid_from=SINCE,
            reference=REFERENCE,
        )


# ---- scheduling and the chair ------------------------------------------------------------


def test_meetings_are_numbered_per_procuratorate_and_year(world, members):
    first, second = schedule(world), schedule(world)
    assert (first.number, second.number) == (1, 2)
    assert first.year == second.year and first.members == 3
    assert first.chair == world.chief and first.entrustment == ""


def test_a_deputy_chairs_only_with_the_chiefs_written_entrustment(world, five, deputy):
    before = acts()
    with pytest.raises(RuleViolation, match="未经检察长书面委托"):
        schedule(world, chair=deputy)
    assert acts() == before and not Meeting.objects.exists()
    meeting = schedule(world, chair=deputy, entrustment="委托包博副检察长主持本次会议。")
    assert meeting.entrustment.startswith("委托")


def test_someone_who_is_neither_chief_nor_deputy_may_not_chair(world, members):
    with pytest.raises(RuleViolation, match="不是本院检察长或副检察长"):
        schedule(world, chair=world.head, entrustment="委托金海主持")


def test_a_deputy_may_not_schedule_a_meeting(world, five, deputy):
    with pytest.raises(ActDenied):
        schedule(world, chair=deputy, entrustment="自行主持", actor=world.actor(deputy))


def test_a_deputy_not_on_the_committee_may_not_chair(world, members, deputy):
    with pytest.raises(RuleViolation, match="不是本院检察委员会委员"):
        schedule(world, chair=deputy, entrustment="委托主持")


def test_only_the_chair_conducts_the_meeting(world, five, deputy):
    meeting = schedule(world, chair=deputy, entrustment="委托包博副检察长主持。")
    with pytest.raises(RuleViolation, match="本次会议由 包博 主持"):
        committee.open_meeting(
            actor=world.actor(world.chief),
            meeting=meeting,
            present=[world.chief, deputy, world.head],
        )
    opened(world, meeting, present=[world.chief, deputy, world.head])
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN


# ---- the agenda --------------------------------------------------------------------------


def test_a_case_item_takes_a_referred_submission_and_a_handlers_report(world, members, referred):
    meeting = schedule(world)
    with pytest.raises(RuleViolation, match="不是本案的承办检察官"):
        committee.add_agenda_item(
            actor=world.actor(world.chief),
            meeting=meeting,
            submission=referred,
            presenter=world.bob,
            report="汇报",
        )
    with pytest.raises(RuleViolation, match="汇报内容"):
        committee.add_agenda_item(
            actor=world.actor(world.chief),
            meeting=meeting,
            submission=referred,
            presenter=world.alice,
            report=" ",
        )
    item = listed(world, meeting, referred)
    assert item.case_id == referred.case_id and item.matter.code == "prosecute"
    assert item.title.startswith(item.case.number) and item.order == 1
    with pytest.raises(RuleViolation, match="已列入"):
        listed(world, schedule(world), referred)


def test_a_submission_not_referred_may_not_be_listed(world, members, submitted):
    with pytest.raises(RuleViolation, match="只有提请检察委员会讨论的报请"):
        listed(world, schedule(world), submitted)


def test_another_major_matter_needs_a_title_and_a_report(world, members):
    meeting = schedule(world)
    with pytest.raises(RuleViolation, match="议题"):
        committee.add_agenda_item(
            actor=world.actor(world.chief), meeting=meeting, presenter=world.head, report="x"
        )
    item = committee.add_agenda_item(
        actor=world.actor(world.chief),
        meeting=meeting,
        title="研究本院刑事案件质量情况",
        presenter=world.head,
        report="上半年办理情况汇报",
    )
    assert item.kind == "matter" and item.case is None


def test_a_decision_by_a_body_the_list_does_not_name_is_refused(world, members, referred):
    """The list gives extensions to no one, the chief by default: the committee may take them
    up; it gives return for investigation to no one either — but here a list that gives a
    matter to the department head leaves the committee no power over it."""
    from procuracy.powers.tests.support import issue, item

    issue(
        world,
        "base",
        [
            item(7, "prosecute", "prosecutor", unless=["major"]),
            item(8, "prosecute", "department_head", power="review", when_any=["major"]),
            item(9, "prosecute", "chief", power="review", when_any=["major"]),
            item(10, "prosecute", "committee", when_any=["major"]),
            item(12, "return_investigation", "department_head"),
        ],
        effective_from=datetime.date(2026, 2, 1),
    )
    meeting = schedule(world)
    before = acts()
    with pytest.raises(RuleViolation, match=r"部门负责人决定.*检察委员会只能决定"):
        listed(world, meeting, referred, matter="return_investigation")
    assert acts() == before and not AgendaItem.objects.exists()
    # An unlisted matter is the chief's by default, which the chief may bring before it.
    assert listed(world, meeting, referred, matter="extend_review").matter.code == "extend_review"


# ---- attendance and quorum ---------------------------------------------------------------


def test_a_meeting_opens_only_with_more_than_half_of_the_members_present(world, five, deputy):
    meeting = schedule(world)
    before = acts()
    with pytest.raises(RuleViolation, match="未超过全体委员 5 人的半数"):
        opened(world, meeting, present=[world.chief, world.head])
    assert acts() == before and not Attendance.objects.exists()
    opened(world, meeting, present=[world.chief, world.head, world.carol], notes={deputy: "出差"})
    rows = {a.member: a for a in Attendance.objects.filter(meeting=meeting)}
    assert len(rows) == 5 and sum(a.present for a in rows.values()) == 3
    assert rows[deputy].note == "出差" and not rows[world.dave].present


def test_someone_listed_present_must_be_a_member(world, members):
    with pytest.raises(RuleViolation, match="安丽 不是本院检察委员会委员"):
        opened(world, schedule(world), present=[world.chief, world.head, world.alice])


def test_a_committee_of_an_even_number_that_day_may_not_meet(world, members):
    from procuracy.people import services as people

    meeting = schedule(world)
    carol = Position.objects.get(staff=world.carol, kind="committee_member")
    people.end_position(
        actor=world.actor(world.grace), position=carol, on=datetime.date(2026, 3, 1)
    )
    with pytest.raises(RuleViolation, match="有委员 2 人,委员人数应为单数"):
        opened(world, meeting, present=[world.chief, world.head])


# ---- votes -------------------------------------------------------------------------------


@pytest.fixture
def item(world, members, referred):
    meeting = schedule(world)
    return listed(world, meeting, referred)


def test_a_vote_without_quorum_recorded_is_refused(world, item):
    with pytest.raises(RuleViolation, match="会议尚未开始"):
        vote(world, item, (world.chief, "for", "同意起诉"))
    assert not Vote.objects.exists()


def test_a_non_member_voting_is_refused_and_nothing_is_written(world, item):
    opened(world, item.meeting)
    before = acts()
    with pytest.raises(RuleViolation, match="安丽 不是本次会议的检察委员会委员"):
        vote(world, item, (world.chief, "for", "同意"), (world.alice, "for", "同意"))
    assert acts() == before and not Vote.objects.exists()


def test_an_absent_member_a_second_vote_and_an_empty_opinion_are_refused(world, five, referred):
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    opened(world, meeting, present=[world.chief, world.head, world.carol])
    with pytest.raises(RuleViolation, match="丁伟 未出席"):
        vote(world, item, (world.dave, "for", "同意"))
    with pytest.raises(RuleViolation, match="请写明 金海 的意见"):
        vote(world, item, (world.head, "for", " "))
    vote(world, item, (world.head, "for", "同意"))
    with pytest.raises(RuleViolation, match="金海 已经对该议题表决"):
        vote(world, item, (world.head, "against", "改变主意"))
    with pytest.raises(RuleViolation, match="蔡蕾 已经对该议题表决"):
        vote(world, item, (world.carol, "for", "同意"), (world.carol, "against", "反对"))
    assert Vote.objects.count() == 1


def test_only_the_chair_records_the_votes(world, five, deputy, referred):
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    opened(world, meeting)
    with pytest.raises(ActDenied):
        vote(world, item, (world.carol, "for", "同意"), chair=world.carol)
    with pytest.raises(RuleViolation, match="本次会议由 韩川 主持,只有主持人可以记录表决"):
        vote(world, item, (world.head, "for", "同意"), chair=deputy)


# ---- the result --------------------------------------------------------------------------


def _all_vote(world, item, choices):
    vote(world, item, *[(staff, choice, f"{staff.name}的意见") for staff, choice in choices])


def test_an_adopted_case_item_is_the_committees_binding_decision(world, item):
    meeting = opened(world, item.meeting)
    _all_vote(world, item, [(world.chief, "for"), (world.head, "for"), (world.carol, "against")])
    resolved = committee.resolve_item(
        actor=world.actor(world.chief), item=item, resolution="决定对张某提起公诉"
    )
    assert resolved.status == ItemStatus.ADOPTED
    assert (resolved.votes_for, resolved.votes_against, resolved.abstentions) == (2, 1, 0)
    made = Decision.objects.get(pk=resolved.decision_id)
    assert made.pk == item.submission_id  # the handler's proposal, made by the committee
    assert made.body == "committee" and made.binding and made.status == DecisionStatus.MADE
    assert made.item.number == 10 and "检察委员会决定" in made.basis
    assert made.decided_by == world.chief
    case = case_of(made)
    assert case.status == CaseStatus.EXECUTING
    # The dissent stays, with the member's own opinion.
    dissent = Vote.objects.get(item=item, choice="against")
    assert dissent.member == world.carol and dissent.opinion == "蔡蕾的意见"
    # An act contradicting it is refused, naming the decision; the handler carries it out.
    with pytest.raises(RuleViolation, match="正在执行检察委员会的决定“提起公诉”"):
        lifecycle.decide(
            actor=world.actor(world.alice),
            case=case,
            matter="discretionary_non_prosecution",
            reasoning="情节轻微",
        )
    with pytest.raises(RuleViolation, match="检察委员会的决定"):
        lifecycle.conclude(actor=world.actor(world.alice), case=case, outcome="不予起诉")
    lifecycle.execute(actor=world.actor(world.alice), case=case)
    assert case_of(made).status == CaseStatus.CLOSED
    assert meeting.pk == resolved.meeting_id
    decided = Act.objects.get(kind="cases.decided", subject_id=made.pk)
    assert decided.body["meeting_id"] == meeting.pk and decided.body["item_id"] == item.pk


def test_adoption_takes_a_majority_of_all_members_not_of_those_present(world, five, referred):
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    opened(world, meeting, present=[world.chief, world.head, world.carol])
    _all_vote(world, item, [(world.chief, "for"), (world.head, "for"), (world.carol, "abstain")])
    resolved = committee.resolve_item(
        actor=world.actor(world.chief), item=item, resolution="提起公诉"
    )
    # 2 of the 3 present, but not more than half of the 5 members.
    assert resolved.status == ItemStatus.REJECTED and resolved.decision is None
    submission = Decision.objects.get(pk=referred.pk)
    assert submission.status == DecisionStatus.REFERRED  # waits for another deliberation
    assert case_of(submission).status == CaseStatus.DECIDING
    # It may be listed again, at a later meeting.
    again = listed(world, schedule(world), submission)
    assert again.submission_id == submission.pk


def test_a_result_waits_for_every_member_present(world, item):
    opened(world, item.meeting)
    vote(world, item, (world.chief, "for", "同意"))
    with pytest.raises(RuleViolation, match="尚有出席委员未表决:蔡蕾、金海"):
        committee.resolve_item(actor=world.actor(world.chief), item=item, resolution="起诉")


def test_an_entrusted_deputy_chairs_to_a_decision(world, five, deputy, referred):
    meeting = schedule(world, chair=deputy, entrustment="委托包博副检察长主持本次会议。")
    item = listed(world, meeting, referred)
    present = [world.chief, deputy, world.head, world.carol]
    opened(world, meeting, present=present)
    _all_vote(world, item, [(s, "for") for s in present])
    resolved = committee.resolve_item(actor=world.actor(deputy), item=item, resolution="起诉")
    made = Decision.objects.get(pk=resolved.decision_id)
    assert made.body == "committee" and made.decided_by == deputy and made.item.number == 10


def test_a_chief_referred_case_is_decided_under_the_chiefs_power(world, members, chief_referred):
    meeting = schedule(world)
    item = listed(world, meeting, chief_referred, matter="refuse_arrest")
    opened(world, meeting)
    _all_vote(world, item, [(s, "for") for s in (world.chief, world.head, world.carol)])
    resolved = committee.resolve_item(
        actor=world.actor(world.chief), item=item, resolution="不批准逮捕"
    )
    made = Decision.objects.get(pk=resolved.decision_id)
    # Another matter than proposed: it overrides the submission, which is superseded.
    assert made.matter.code == "refuse_arrest" and made.overrides_id == chief_referred.pk
    assert made.item.number == 6 and made.body == "committee"
    assert Decision.objects.get(pk=chief_referred.pk).status == DecisionStatus.SUPERSEDED


# ---- the chief disagrees with the majority -----------------------------------------------


def test_the_chief_disagreeing_refers_a_case_to_the_higher_procuratorate_only(world, item):
    opened(world, item.meeting)
    _all_vote(world, item, [(world.chief, "against"), (world.head, "for"), (world.carol, "for")])
    chief = world.actor(world.chief)
    before = acts()
    with pytest.raises(RuleViolation, match="只能报请上一级人民检察院决定"):
        committee.resolve_item(
            actor=chief,
            item=item,
            resolution="起诉",
            chief_disagrees=True,
            referral_to="npc_standing",
            reasoning="证据存疑",
        )
    with pytest.raises(RuleViolation, match="理由"):
        committee.resolve_item(
            actor=chief, item=item, resolution="起诉", chief_disagrees=True, referral_to="higher"
        )
    assert acts() == before and not Referral.objects.exists()
    resolved = committee.resolve_item(
        actor=chief,
        item=item,
        resolution="多数委员意见:提起公诉",
        chief_disagrees=True,
        referral_to="higher",
        reasoning="关键证据存疑,检察长不同意多数意见",
    )
    assert resolved.status == ItemStatus.REFERRED and resolved.decision is None
    case = case_of(item.submission)
    assert case.status == CaseStatus.DECIDING
    referral = Referral.objects.get(item=item)
    assert referral.to == "higher" and referral.referred_by == world.chief
    # Nobody at the base decides it now; the city's chief answers with a binding decision.
    with pytest.raises(RuleViolation, match="已提请检察委员会讨论"):
        lifecycle.decide(actor=chief, case=case, matter="extend_review", reasoning="延长")
    with pytest.raises(ActDenied):
        committee.answer_referral(
            actor=chief, referral=referral, answer="自行答复", matter="prosecute"
        )
    city = world.actor(world.city_chief)
    with pytest.raises(RuleViolation, match="选择上一级人民检察院决定的事项"):
        committee.answer_referral(actor=city, referral=referral, answer="决定起诉")
    answered = committee.answer_referral(
        actor=city, referral=referral, answer="决定提起公诉", matter="prosecute"
    )
    made = answered.decision
    assert made.body == "higher" and made.binding and made.decided_by == world.city_chief
    assert case_of(made).status == CaseStatus.EXECUTING


def test_a_major_matter_may_go_to_the_peoples_congress_standing_committee(world, members):
    meeting = schedule(world)
    item = committee.add_agenda_item(
        actor=world.actor(world.chief),
        meeting=meeting,
        title="关于本院检察官权力清单实施细则",
        presenter=world.head,
        report="细则草案说明",
    )
    opened(world, meeting)
    _all_vote(world, item, [(world.chief, "against"), (world.head, "for"), (world.carol, "for")])
    committee.resolve_item(
        actor=world.actor(world.chief),
        item=item,
        resolution="通过细则",
        chief_disagrees=True,
        referral_to="npc_standing",
        reasoning="细则涉及人大监督事项",
    )
    referral = Referral.objects.get(item=item)
    assert referral.to == "npc_standing"
    answered = committee.answer_referral(
        actor=world.actor(world.chief), referral=referral, answer="人大常委会同意细则"
    )
    assert answered.answered_by == world.chief and answered.decision is None


def test_the_chief_who_voted_with_the_majority_may_not_disagree_with_it(world, item):
    opened(world, item.meeting)
    _all_vote(world, item, [(world.chief, "for"), (world.head, "for"), (world.carol, "against")])
    with pytest.raises(RuleViolation, match="检察长本人的表决与多数委员的意见相同"):
        committee.resolve_item(
            actor=world.actor(world.chief),
            item=item,
            resolution="起诉",
            chief_disagrees=True,
            referral_to="higher",
            reasoning="改变主意",
        )


def test_only_the_chief_may_disagree_and_only_with_a_majority(world, five, deputy, referred):
    meeting = schedule(world, chair=deputy, entrustment="委托包博副检察长主持。")
    item = listed(world, meeting, referred)
    opened(world, meeting, present=[world.chief, deputy, world.head])
    _all_vote(world, item, [(world.chief, "for"), (deputy, "against"), (world.head, "for")])
    with pytest.raises(RuleViolation, match="须由检察长提出"):
        committee.resolve_item(
            actor=world.actor(deputy),
            item=item,
            resolution="x",
            chief_disagrees=True,
            referral_to="higher",
            reasoning="y",
        )


# ---- the minutes -------------------------------------------------------------------------


def test_a_meeting_closes_with_minutes_once_every_item_has_its_result(world, item):
    meeting = opened(world, item.meeting)
    chief = world.actor(world.chief)
    with pytest.raises(RuleViolation, match="尚未形成结果"):
        committee.close_meeting(actor=chief, meeting=meeting, minutes="纪要")
    _all_vote(world, item, [(s, "for") for s in (world.chief, world.head, world.carol)])
    committee.resolve_item(actor=chief, item=item, resolution="起诉")
    with pytest.raises(RuleViolation, match="会议纪要"):
        committee.close_meeting(actor=chief, meeting=meeting, minutes="")
    closed = committee.close_meeting(actor=chief, meeting=meeting, minutes="会议审议一件案件。")
    assert closed.status == MeetingStatus.CLOSED and closed.minutes == "会议审议一件案件。"
    with pytest.raises(RuleViolation, match="不能闭会"):
        committee.close_meeting(actor=chief, meeting=meeting, minutes="改写纪要")
    with pytest.raises(RuleViolation, match="已经闭会"):
        committee.add_agenda_item(
            actor=chief, meeting=meeting, title="补充议题", presenter=world.head, report="x"
        )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "会议审议一件案件。"


def test_every_act_of_a_meeting_is_on_the_ledger(world, item):
    meeting = opened(world, item.meeting)
    _all_vote(world, item, [(s, "for") for s in (world.chief, world.head, world.carol)])
    committee.resolve_item(actor=world.actor(world.chief), item=item, resolution="起诉")
    committee.close_meeting(actor=world.actor(world.chief), meeting=meeting, minutes="纪要")
    kinds = list(Act.objects.filter(kind__startswith="oversight.").values_list("kind", flat=True))
    for kind in (
        "oversight.committee_set",
        "oversight.meeting_scheduled",
        "oversight.agenda_item_added",
        "oversight.meeting_opened",
        "oversight.votes_recorded",
        "oversight.item_adopted",
        "oversight.meeting_closed",
    ):
        assert kind in kinds
    for vote_row in Vote.objects.all():
        assert vote_row.ledger_seq is not None and vote_row.ledger_hash
