"""The reviewer's queue in the desk (待办): each oversight task waits on the person whose act
it is, and on no one else — the department head's review, the chief's decision once reviewed
(and not before), the handler's re-examination and execution, the decider's answer to an
objection, each participant's signature, the chief's referred submissions, reports and
instructions; and the desk costs the same queries however many tasks it lists."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procuracy.cases import desk, lifecycle
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.actors import Actor
from procuracy.oversight import instructions, review
from procuracy.powers import engine
from procuracy.powers.models import Refusal

PEOPLE = ("chief", "head", "alice", "bob", "carol", "erin", "frank", "olga")


def desks(world) -> dict[str, desk.Desk]:
    return {name: desk.desk(world.actor(getattr(world, name))) for name in PEOPLE}


def only(found: dict[str, desk.Desk], key: str) -> dict[str, list]:
    """Who has anything in the list `key`, and what."""
    return {name: getattr(d, key) for name, d in found.items() if getattr(d, key)}


def reviewed(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    return submitted


def test_a_submission_waits_on_the_department_head_and_the_chief_sees_it_coming(world, submitted):
    found = desks(world)
    assert only(found, "to_review") == {"head": [submitted]}
    assert only(found, "to_decide") == {}
    assert only(found, "under_review") == {"chief": [submitted]}
    assert found["head"].to_review[0].waiting_at == "部门负责人审核"
    # Coming is not waiting: the chief's desk counts no task for it yet.
    assert found["chief"].counts["under_review"] == 1
    assert found["head"].waiting >= 1 and "to_review" in found["head"].counts
    assert not Refusal.objects.exists()  # asking recorded nothing


def test_once_reviewed_it_waits_on_the_chief_to_decide(world, submitted):
    reviewed(world, submitted)
    found = desks(world)
    assert only(found, "to_review") == {}
    assert only(found, "to_decide") == {"chief": [submitted]}
    assert only(found, "under_review") == {}


def test_a_re_examination_waits_on_the_handling_prosecutor_only(world, submitted):
    pending = reviewed(world, submitted)
    review.order_reexamination(actor=world.actor(world.chief), decision=pending, opinion="再论证")
    found = desks(world)
    # Erin assists Alice and reads the case, but the re-examination is the prosecutor's.
    assert only(found, "to_reexamine") == {"alice": [pending]}
    assert only(found, "to_decide") == {} and only(found, "to_review") == {}


def test_a_binding_decision_waits_on_the_handler_to_carry_out_or_object(world, submitted):
    pending = reviewed(world, submitted)
    chief, alice = world.actor(world.chief), world.actor(world.alice)
    made = lifecycle.decide(actor=chief, case=pending.case, matter="refuse_arrest", reasoning="否")
    found = desks(world)
    assert only(found, "to_execute") == {"alice": [made]}
    assert found["alice"].to_execute[0].objection is None
    objection = review.object_to(actor=alice, decision=made, text="应当逮捕")
    found = desks(world)
    assert only(found, "to_execute") == {}
    assert only(found, "objected") == {"alice": [made]}
    # The objection waits on the chief, who decides the matter; not on the head.
    assert only(found, "objections") == {"chief": [objection]}
    review.answer_objection(actor=chief, objection=objection, maintain=True, text="维持")
    found = desks(world)
    assert only(found, "objections") == {} and only(found, "objected") == {}
    assert only(found, "to_execute") == {"alice": [made]}
    lifecycle.execute(actor=alice, case=made.case)
    assert only(desks(world), "to_execute") == {}


def test_each_joint_opinion_waits_on_its_participant_until_signed(world, submitted):
    meeting = review.hold_joint_meeting(
        actor=world.actor(world.head),
        decision=submitted,
        question="是否批捕",
        minutes="逐一发表意见",
        opinions=[(world.bob, "for", "同意"), (world.carol, "against", "证据不足")],
    )
    bobs = meeting.opinions.get(participant=world.bob)
    carols = meeting.opinions.get(participant=world.carol)
    assert only(desks(world), "to_sign") == {"bob": [bobs], "carol": [carols]}
    review.sign_joint_opinion(actor=world.actor(world.bob), opinion=bobs)
    assert only(desks(world), "to_sign") == {"carol": [carols]}


def test_a_referred_submission_waits_on_the_chief_for_the_committee_s_agenda(
    world, clerk, path_list
):
    case = handling(world, clerk, flags=["major"])
    pending = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="prosecute", reasoning="建议起诉"
    )
    review.review(actor=world.actor(world.head), decision=pending, agree=True, opinion="同意")
    # The chief reviews before the committee decides: a review, on the chief's desk.
    assert only(desks(world), "to_review") == {"chief": [pending]}
    review.review(actor=world.actor(world.chief), decision=pending, agree=True, opinion="上会")
    found = desks(world)
    assert only(found, "to_agenda") == {"chief": [pending]}
    assert found["chief"].to_agenda[0].waiting_at == "检察委员会决定"


def test_reports_wait_on_the_handler_then_on_the_chief(world, submitted):
    [report] = instructions.reports_for(submitted.case)  # opened at intake: a major case
    found = desks(world)
    assert {k: [r.pk for r in v] for k, v in only(found, "reports_to_file").items()} == {
        "alice": [report.pk],
        "erin": [report.pk],  # the case's assistant sees what the case owes
    }
    assert found["alice"].reports_to_file[0].flag_text == "重大"
    instructions.file_report(actor=world.actor(world.alice), report=report, text="案情报告")
    found = desks(world)
    assert only(found, "reports_to_file") == {}
    assert [r.pk for r in found["chief"].reports_to_read] == [report.pk]
    assert only(found, "reports_to_read").keys() == {"chief"}


def test_an_instruction_waits_on_the_case_s_handlers(world, submitted):
    instruction = instructions.issue_instruction(
        actor=world.actor(world.chief),
        kind="instruct",
        recipient=world.base,
        text="请补充社会危险性证据",
        document_no="城检指〔2024〕1号",
        case=submitted.case,
    )
    found = desks(world)
    assert [i.pk for i in found["alice"].to_comply] == [instruction.pk]
    assert found["bob"].to_comply == [] and found["olga"].to_comply == []


def _many(world, clerk, n: int) -> None:
    """n major arrest submissions in each oversight state: at the head's review, decided
    against the proposal and objected to, and with a joint meeting for Bob to sign."""
    alice, head, chief = (world.actor(s) for s in (world.alice, world.head, world.chief))
    for _i in range(n):
        for state in ("review", "objected", "meeting"):
            case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
            pending = lifecycle.submit_decision(
                actor=alice, case=case, matter="approve_arrest", reasoning="建议批捕"
            )
            if state == "meeting":
                review.hold_joint_meeting(
                    actor=head,
                    decision=pending,
                    question="是否批捕",
                    minutes="讨论",
                    opinions=[(world.bob, "for", "同意"), (world.carol, "for", "同意")],
                )
            if state == "objected":
                review.review(actor=head, decision=pending, agree=False, opinion="不同意")
                made = lifecycle.decide(
                    actor=chief, case=case, matter="refuse_arrest", reasoning="不批捕"
                )
                review.object_to(actor=alice, decision=made, text="应当逮捕")


def test_the_desk_costs_the_same_queries_however_many_tasks(
    world, clerk, path_list, django_assert_max_num_queries, monkeypatch
):
    _many(world, clerk, 1)
    people = ("alice", "chief", "head", "bob")
    for name in people:
        desk.desk(Actor.for_login(name))
    monkeypatch.setattr(engine, "RECHECK", 10**9)
    few = {}
    for name in people:
        with CaptureQueriesContext(connection) as captured:
            desk.desk(Actor.for_login(name))
        few[name] = len(captured)
    _many(world, clerk, 6)
    for name in people:
        actor = Actor.for_login(name)
        with django_assert_max_num_queries(few[name]):
            found = desk.desk(actor)
        assert found.waiting > 0, name
    chief = desk.desk(Actor.for_login("chief"))
    assert len(chief.objections) == 7 and len(chief.under_review) == 14


def test_the_desk_page_lists_the_tasks_in_a_constant_number_of_queries(
    world, clerk, path_list, sign_in, django_assert_max_num_queries, monkeypatch
):
    _many(world, clerk, 1)
    client = sign_in("chief")
    client.get(reverse("cases:desk"))
    monkeypatch.setattr(engine, "RECHECK", 10**9)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:desk"))
    _many(world, clerk, 5)
    with django_assert_max_num_queries(len(few)):
        text = client.get(reverse("cases:desk")).content.decode()
    assert "待您答复的书面异议(6 件)" in text
    assert "审核中、审核后由您决定(12 件)" in text
    text = sign_in("bob").get(reverse("cases:desk")).content.decode()
    assert "待您签名的联席会议意见(6 件)" in text
    text = sign_in("head").get(reverse("cases:desk")).content.decode()
    assert "待您审核(12 件)" in text
