"""Review and decision (规则 Arts 6–7): a submission walks its path; the leader who disagrees
has three ways and no other; a binding decision is objected to in writing, then carried out."""

from __future__ import annotations

import pytest

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, DecisionStatus
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.oversight import review
from procuracy.oversight.models import Objection, ReviewKind


def status(decision) -> str:
    decision.refresh_from_db()
    return decision.status


def case_status(decision) -> str:
    return Case.objects.get(pk=decision.case_id).status


def test_the_chief_decides_only_after_the_department_head_has_reviewed(world, submitted):
    chief, head = world.actor(world.chief), world.actor(world.head)
    assert submitted.path == [
        {"holder": "department_head", "power": "review"},
        {"holder": "chief", "power": "decide"},
    ]
    with pytest.raises(RuleViolation, match="部门负责人审核"):
        lifecycle.decide(
            actor=chief, case=submitted.case, matter="approve_arrest", reasoning="同意"
        )
    row = review.review(actor=head, decision=submitted, agree=False, opinion="证据尚有欠缺")
    assert row.kind == ReviewKind.DISAGREE and row.holder == "department_head"
    submitted.refresh_from_db()
    assert submitted.step == 1 and submitted.status == DecisionStatus.PENDING
    made = lifecycle.decide(
        actor=chief, case=submitted.case, matter="approve_arrest", reasoning="同意批捕"
    )
    assert made.pk == submitted.pk and not made.binding
    assert case_status(made) == CaseStatus.CLOSED


def test_a_review_needs_its_opinion_and_its_holder(world, submitted):
    with pytest.raises(RuleViolation, match="审核意见"):
        review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion=" ")
    with pytest.raises(ActDenied):
        review.review(actor=world.actor(world.bob), decision=submitted, agree=True, opinion="同意")
    assert status(submitted) == DecisionStatus.PENDING and not submitted.reviews.exists()


def _reviewed(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    return submitted


def test_reexamination_goes_back_to_the_handler_and_returns_to_the_chief(world, submitted):
    pending = _reviewed(world, submitted)
    review.order_reexamination(
        actor=world.actor(world.chief), decision=pending, opinion="社会危险性论证不足"
    )
    assert status(pending) == DecisionStatus.REEXAMINING
    assert case_status(pending) == CaseStatus.HANDLING
    with pytest.raises(ActDenied):
        review.answer_reexamination(actor=world.actor(world.bob), decision=pending, opinion="x")
    kept = review.answer_reexamination(
        actor=world.actor(world.alice), decision=pending, opinion="补充论证后仍建议批捕"
    )
    assert kept.pk == pending.pk and status(pending) == DecisionStatus.PENDING
    assert pending.step == 1 and case_status(pending) == CaseStatus.DECIDING
    kinds = list(pending.reviews.order_by("id").values_list("kind", flat=True))
    assert kinds == [ReviewKind.AGREE, ReviewKind.REEXAMINE, ReviewKind.REEXAMINED]


def test_the_department_head_may_not_use_the_chiefs_three_ways(world, submitted):
    head = world.actor(world.head)
    with pytest.raises(ActDenied):
        review.order_reexamination(actor=head, decision=submitted, opinion="复核")
    with pytest.raises(ActDenied):
        review.refer_to_committee(actor=head, decision=submitted, opinion="上会")


def test_deciding_directly_against_the_proposal_binds_the_handler(world, submitted):
    pending = _reviewed(world, submitted)
    made = lifecycle.decide(
        actor=world.actor(world.chief),
        case=pending.case,
        matter="refuse_arrest",
        reasoning="不构成逮捕条件",
    )
    assert made.binding and made.overrides_id == pending.pk
    assert status(pending) == DecisionStatus.SUPERSEDED
    assert case_status(made) == CaseStatus.EXECUTING
    # The handler may not close it by deciding otherwise, nor conclude it.
    with pytest.raises(RuleViolation, match="不能拒绝执行"):
        lifecycle.decide(
            actor=world.actor(world.alice), case=made.case, matter="approve_arrest", reasoning="x"
        )


def test_an_objection_is_written_answered_and_then_the_decision_is_carried_out(world, submitted):
    pending = _reviewed(world, submitted)
    alice, chief = world.actor(world.alice), world.actor(world.chief)
    made = lifecycle.decide(
        actor=chief, case=pending.case, matter="refuse_arrest", reasoning="不构成逮捕条件"
    )
    with pytest.raises(RuleViolation, match="异议的内容"):
        review.object_to(actor=alice, decision=made, text="")
    objection = review.object_to(actor=alice, decision=made, text="嫌疑人有串供可能,应当逮捕")
    with pytest.raises(RuleViolation, match="尚待答复"):
        lifecycle.execute(actor=alice, case=made.case)
    with pytest.raises(RuleViolation, match="提出过"):
        review.object_to(actor=alice, decision=made, text="再次异议")
    with pytest.raises(ActDenied):
        review.answer_objection(actor=alice, objection=objection, maintain=True, text="维持")
    review.answer_objection(actor=chief, objection=objection, maintain=True, text="维持原决定")
    assert Objection.objects.get(pk=objection.pk).answer == "maintain"
    assert case_status(made) == CaseStatus.EXECUTING
    lifecycle.execute(actor=alice, case=made.case)
    made.refresh_from_db()
    assert made.executed_by == world.alice and case_status(made) == CaseStatus.CLOSED
    kinds = set(Act.objects.values_list("kind", flat=True))
    assert {"oversight.objection_filed", "oversight.objection_answered", "cases.executed"} <= kinds


def test_a_changed_decision_that_adopts_the_proposal_takes_effect(world, submitted):
    pending = _reviewed(world, submitted)
    alice, chief = world.actor(world.alice), world.actor(world.chief)
    made = lifecycle.decide(
        actor=chief, case=pending.case, matter="refuse_arrest", reasoning="不构成逮捕条件"
    )
    objection = review.object_to(actor=alice, decision=made, text="应当逮捕")
    answered = review.answer_objection(
        actor=chief, objection=objection, maintain=False, text="采纳异议", matter="approve_arrest"
    )
    made.refresh_from_db()
    assert made.status == DecisionStatus.SUPERSEDED
    assert answered.replaced_by.matter.code == "approve_arrest"
    assert not answered.replaced_by.binding and case_status(made) == CaseStatus.CLOSED


def test_the_chief_refers_to_the_committee_and_then_may_not_decide_alone(world, submitted):
    pending = _reviewed(world, submitted)
    review.refer_to_committee(
        actor=world.actor(world.chief), decision=pending, opinion="案情重大,提请检委会讨论"
    )
    assert status(pending) == DecisionStatus.REFERRED
    with pytest.raises(RuleViolation, match="检察委员会"):
        lifecycle.decide(
            actor=world.actor(world.chief),
            case=pending.case,
            matter="approve_arrest",
            reasoning="同意",
        )


def test_a_major_prosecution_is_referred_once_the_chief_has_reviewed(world, clerk, path_list):
    from procuracy.cases.tests.test_lifecycle import handling

    case = handling(world, clerk, flags=["major"])
    pending = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="prosecute", reasoning="建议起诉"
    )
    assert [s["holder"] for s in pending.path] == ["department_head", "chief", "committee"]
    review.review(actor=world.actor(world.head), decision=pending, agree=True, opinion="同意")
    review.review(actor=world.actor(world.chief), decision=pending, agree=True, opinion="上会")
    assert status(pending) == DecisionStatus.REFERRED


def test_a_joint_meeting_records_opinions_each_signed_by_its_participant(world, submitted):
    head = world.actor(world.head)
    with pytest.raises(RuleViolation, match="两名"):
        review.hold_joint_meeting(
            actor=head,
            decision=submitted,
            question="是否批捕",
            minutes="讨论",
            opinions=[(world.bob, "for", "同意")],
        )
    with pytest.raises(RuleViolation, match="员额检察官"):
        review.hold_joint_meeting(
            actor=head,
            decision=submitted,
            question="是否批捕",
            minutes="讨论",
            opinions=[(world.bob, "for", "同意"), (world.erin, "for", "同意")],
        )
    meeting = review.hold_joint_meeting(
        actor=head,
        decision=submitted,
        question="是否批捕",
        minutes="与会检察官逐一发表意见",
        opinions=[(world.bob, "for", "同意批捕"), (world.carol, "against", "证据不足")],
    )
    bobs = meeting.opinions.get(participant=world.bob)
    with pytest.raises(ActDenied):
        review.sign_joint_opinion(actor=world.actor(world.carol), opinion=bobs)
    review.sign_joint_opinion(actor=world.actor(world.bob), opinion=bobs)
    row = review.review(actor=head, decision=submitted, agree=True, opinion="综合联席会议意见")
    assert row.joint_meeting == meeting
