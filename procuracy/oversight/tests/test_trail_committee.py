"""The responsibility trail of decisions the procuratorial committee took part in: the
chief's referral, the meeting with its attendance, quorum, each member's vote and opinion
and the tally against all members, the committee's binding decision under the list's item
and its execution; and where the chief disagreed with the majority, the referral to the
next-higher procuratorate and its answer — each with the ledger entry that recorded it."""

from __future__ import annotations

from django.utils import timezone

from procuracy.cases import lifecycle
from procuracy.core.models import Act
from procuracy.oversight import committee, instructions, review, trail
from procuracy.oversight.tests.test_trail import MAX_QUERIES

pytest_plugins = ["procuracy.oversight.tests.committee_support"]


def deliberate(world, submission, votes, **resolution):
    """A meeting chaired by the chief, all three members present, on the submission."""
    chief = world.actor(world.chief)
    meeting = committee.schedule_meeting(
        actor=chief, procuratorate=world.base, scheduled_for=timezone.now(), chair=world.chief
    )
    item = committee.add_agenda_item(
        actor=chief,
        meeting=meeting,
        submission=submission,
        presenter=world.alice,
        report="经审查,犯罪事实清楚,证据确实充分。",
    )
    committee.open_meeting(
        actor=chief, meeting=meeting, present=[world.chief, world.head, world.carol]
    )
    committee.record_votes(actor=chief, item=item, votes=votes)
    return committee.resolve_item(actor=chief, item=item, **resolution)


def kinds_of(found) -> list[tuple[str, str]]:
    seqs = [s.entry.seq for s in found.steps]
    acts = dict(Act.objects.filter(seq__in=seqs).values_list("seq", "kind"))
    return [(s.kind, acts[s.entry.seq]) for s in found.steps]


def test_the_committees_decision_shows_its_meeting_votes_tally_and_item(world, members, referred):
    item = deliberate(
        world,
        referred,
        [
            (world.chief, "for", "同意起诉"),
            (world.head, "for", "证据充分"),
            (world.carol, "against", "量刑情节尚需核实"),
        ],
        resolution="决定提起公诉",
    )
    lifecycle.execute(actor=world.actor(world.alice), case=referred.case)
    found = trail.decision_trail(world.actor(world.chief), referred.case, item.decision_id)
    assert kinds_of(found) == [
        ("proposed", "cases.submitted"),
        ("reviewed", "oversight.reviewed"),
        ("reviewed", "oversight.reviewed"),
        ("committee", "oversight.item_adopted"),
        ("decided", "cases.decided"),
        ("executed", "cases.executed"),
    ]
    step = found.steps[3]
    assert step.committee.chair.name == "韩川" and step.committee.presenter.name == "安丽"
    attendance = {(a.person.name, a.present) for a in step.committee.attendance}
    assert attendance == {("韩川", True), ("金海", True), ("蔡蕾", True)}
    assert Act.objects.get(seq=step.committee.opened.seq).kind == "oversight.meeting_opened"
    tally = step.committee.tally
    assert (tally.members, tally.present, tally.quorum) == (3, 3, True)
    assert (tally.votes_for, tally.votes_against, tally.abstentions) == (2, 1, 0)
    assert tally.needed == 2 and tally.adopted
    # The committee made the submission itself, as proposed: the same decision.
    assert step.outcome == "adopted" and step.decision.id == item.decision_id == referred.pk
    assert found.steps[0].text == "建议起诉" and found.steps[4].text == "决定提起公诉"
    votes = {o.person.name: o for o in step.opinions}
    assert votes["蔡蕾"].position == "against" and votes["蔡蕾"].opinion == "量刑情节尚需核实"
    assert "检察委员会委员" in votes["蔡蕾"].person.role
    for vote in step.opinions:
        assert Act.objects.get(seq=vote.entry.seq).kind == "oversight.votes_recorded"
    decided = found.steps[4]
    assert decided.body == "committee" and decided.binding
    assert decided.basis.item_code == "T-010" and decided.basis.holder_label == "检察委员会"


def test_a_referral_upward_shows_the_chiefs_reasons_and_the_higher_answer(
    world, members, chief_referred
):
    item = deliberate(
        world,
        chief_referred,
        [
            (world.chief, "against", "不宜批捕"),
            (world.head, "for", "同意批捕"),
            (world.carol, "for", "同意批捕"),
        ],
        resolution="多数委员同意批准逮捕",
        chief_disagrees=True,
        referral_to="higher",
        reasoning="检察长不同意多数委员意见",
    )
    committee.answer_referral(
        actor=world.actor(world.city_chief),
        referral=item.referral,
        answer="决定不批准逮捕",
        matter="refuse_arrest",
    )
    found = trail.case_trails(world.actor(world.chief), chief_referred.case)[0]
    assert kinds_of(found) == [
        ("proposed", "cases.submitted"),
        ("reviewed", "oversight.reviewed"),
        ("referred_to_committee", "oversight.referred_to_committee"),
        ("committee", "oversight.item_referred"),
        ("referred_to_higher", "oversight.item_referred"),
        ("higher_answered", "oversight.referral_answered"),
        ("decided", "cases.decided"),
    ]
    referred, answered, decided = found.steps[4:]
    assert referred.actor.name == "韩川" and referred.text == "检察长不同意多数委员意见"
    assert answered.actor.name == "孔远航" and answered.leads_to.matter == "refuse_arrest"
    assert decided.body == "higher" and decided.actor.role == "兰州市院检察长"
    assert found.decision.matter == "refuse_arrest"


def test_a_trail_with_every_kind_of_step_costs_the_same_queries_as_a_short_one(
    world, members, submitted, django_assert_max_num_queries
):
    chief, head = world.actor(world.chief), world.actor(world.head)
    with django_assert_max_num_queries(MAX_QUERIES):
        trail.case_trails(chief, submitted.case)
    review.hold_joint_meeting(
        actor=head,
        decision=submitted,
        question="是否批准逮捕",
        minutes="逐一发表意见",
        opinions=[(world.bob, "for", "同意"), (world.carol, "for", "同意")],
    )
    review.review(actor=head, decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    review.refer_to_committee(actor=chief, decision=submitted, opinion="提请检委会讨论")
    submitted.refresh_from_db()
    deliberate(
        world,
        submitted,
        [
            (world.chief, "for", "同意"),
            (world.head, "for", "同意"),
            (world.carol, "for", "同意"),
        ],
        resolution="决定批准逮捕",
    )
    instructions.issue_instruction(
        actor=chief,
        kind="instruct",
        recipient=world.base,
        case=submitted.case,
        text="依法执行",
        document_no="城检指〔2026〕9号",
    )
    lifecycle.execute(actor=world.actor(world.alice), case=submitted.case)
    with django_assert_max_num_queries(MAX_QUERIES):
        found = trail.case_trails(chief, submitted.case)
    kinds = {s.kind for s in found[0].steps}
    assert {"joint_meeting", "committee", "decided", "instruction", "executed"} <= kinds
