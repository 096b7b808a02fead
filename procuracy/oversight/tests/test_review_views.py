"""The case page's 监督制约 section and the acts posted from it: each form works end to end,
and a post by someone whose act it is not is refused with the reason (403 for the power
list's, the page again with the rule for a broken one), nothing written. At the chief's step
the page offers exactly agreeing and the three ways to disagree; before the department head
has reviewed, the decision is disabled with the reason."""

from __future__ import annotations

import re

from django.urls import reverse

from procuracy.cases import desk, lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.core.models import Act
from procuracy.oversight import instructions, review
from procuracy.oversight.models import JointMeeting, JointOpinion, Objection, Review, ReviewKind
from procuracy.powers.models import Refusal

pytest_plugins = ["procuracy.oversight.tests.committee_support"]

FORM_ACTION = re.compile(r'<form class="act-form" method="post" action="([^"]+)"')


def page(client, case) -> str:
    answer = client.get(reverse("cases:detail", args=[case.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def section(text: str) -> str:
    return text.split('id="oversight-title"')[1].split('id="oversight-record-title"')[0]


def record(text: str) -> str:
    return text.split('id="oversight-record-title"')[1].split("</section>")[0]


def url(name, row) -> str:
    return reverse(f"oversight:review_{name}", args=[row.pk])


def status(decision) -> str:
    decision.refresh_from_db()
    return decision.status


def reviewed(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    return submitted


# ---- review ------------------------------------------------------------------------------


def test_the_department_head_reviews_from_the_case_page(world, submitted, sign_in):
    client = sign_in("head")
    text = section(page(client, submitted.case))
    assert f'action="{url("review", submitted)}"' in text
    assert f'action="{url("joint_meeting", submitted)}"' in text
    assert "当前环节" in text
    answer = client.post(url("review", submitted), {"agree": "disagree", "opinion": "证据欠缺"})
    assert answer.status_code == 302
    assert answer["Location"].endswith("#oversight-title")
    row = Review.objects.get()
    assert row.kind == ReviewKind.DISAGREE and row.reviewer == world.head
    text = page(client, submitted.case)
    assert "已提出审核意见,报请送检察长决定。" in text
    assert "部门负责人审核意见:不同意" in record(text) and "证据欠缺" in record(text)
    assert f'action="{url("review", submitted)}"' not in section(text)  # not the head's now


def test_a_review_by_someone_without_the_power_is_refused_with_the_reason(
    world, submitted, sign_in
):
    acts = Act.objects.exclude(kind="powers.refused").count()
    answer = sign_in("chief").post(url("review", submitted), {"agree": "agree", "opinion": "同"})
    assert answer.status_code == 403
    assert "“批准逮捕”须经部门负责人审核后,由检察长决定" in answer.content.decode()
    assert Refusal.objects.get().act == "approve_arrest"
    assert not Review.objects.exists()
    assert Act.objects.exclude(kind="powers.refused").count() == acts


def test_a_review_out_of_turn_is_answered_with_the_rule_and_changes_nothing(
    world, submitted, sign_in
):
    reviewed(world, submitted)
    answer = sign_in("head").post(url("review", submitted), {"agree": "agree", "opinion": "再"})
    assert answer.status_code == 200
    assert "该报请当前由检察长决定处理,不在您的环节。" in answer.content.decode()
    assert Review.objects.count() == 1


def test_a_case_the_reader_may_not_read_is_not_found(world, submitted, sign_in):
    client = sign_in("olga")
    assert (
        client.post(url("review", submitted), {"agree": "agree", "opinion": "x"}).status_code == 404
    )
    assert client.post(url("reexamine", submitted), {"opinion": "x"}).status_code == 404
    assert not Refusal.objects.exists()


# ---- the chief's four ways ---------------------------------------------------------------


def test_before_the_heads_review_the_chief_sees_the_decision_disabled_with_the_reason(
    world, submitted, sign_in
):
    text = page(sign_in("chief"), submitted.case)
    why = "该报请尚待部门负责人审核,审核后才能作出决定"
    assert 'aria-describedby="why-decide"' in text  # the 办理 section's decision
    for name in ("agree", "reexamine", "direct", "refer"):
        assert f'aria-describedby="why-oversight-{name}"' in text, name
    assert why in text
    assert not FORM_ACTION.findall(section(text))  # nothing the chief may do yet
    assert not Refusal.objects.exists()


def test_at_the_chiefs_step_the_page_offers_agreeing_and_the_three_ways_and_nothing_else(
    world, submitted, sign_in
):
    pending = reviewed(world, submitted)
    text = page(sign_in("chief"), pending.case)
    offered = FORM_ACTION.findall(section(text))
    assert offered == [
        url("agree", pending),
        url("reexamine", pending),
        url("direct", pending),
        url("refer", pending),
    ]
    assert "同意报请的“批准逮捕”" in text
    assert "只能要求承办检察官复核、直接决定,或者提请检察委员会讨论" in text
    # The decision itself is made there, not by a bare form in the 办理 section.
    assert f'action="{reverse("cases:decide", args=[pending.case_id])}"' not in text
    assert "请在“监督制约”中同意报请" in text
    direct = section(text).split(url("direct", pending))[1]
    assert '<option value="refuse_arrest">' in direct
    assert '<option value="approve_arrest">' not in direct.split("</select>")[0]


def test_agreeing_decides_the_proposal_and_closes_the_case(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    client = sign_in("chief")
    answer = client.post(url("agree", pending), {"reasoning": "同意批捕"})
    assert answer.status_code == 302
    assert status(pending) == DecisionStatus.MADE
    assert Case.objects.get(pk=pending.case_id).status == CaseStatus.CLOSED
    assert "已作出决定:“批准逮捕”。案件状态:已结案。" in page(client, pending.case)


def test_deciding_directly_binds_the_handler_who_may_object_but_not_refuse(
    world, submitted, sign_in
):
    pending = reviewed(world, submitted)
    chief = sign_in("chief")
    answer = chief.post(url("direct", pending), {"matter": "refuse_arrest", "reasoning": "不够"})
    assert answer.status_code == 302
    made = Decision.objects.get(status=DecisionStatus.MADE)
    assert made.binding and made.overrides_id == pending.pk
    alice = sign_in("alice")
    text = page(alice, pending.case)
    assert "直接决定“不批准逮捕”(未采纳报请的“批准逮捕”)" in text
    assert "承办检察官须执行;有不同意见的,可以书面提出异议,但不能拒绝执行" in text
    assert f'action="{url("object", made)}"' in text
    assert f'action="{reverse("cases:execute", args=[made.case_id])}"' in text


def test_a_direct_decision_by_the_department_head_is_refused(world, submitted, sign_in):
    answer = sign_in("head").post(
        url("direct", submitted), {"matter": "refuse_arrest", "reasoning": "x"}
    )
    assert answer.status_code == 403
    assert "须经部门负责人审核后,由检察长决定" in answer.content.decode()
    assert status(submitted) == DecisionStatus.PENDING


def test_re_examination_goes_to_the_handler_and_comes_back(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    chief = sign_in("chief")
    assert (
        chief.post(url("reexamine", pending), {"opinion": "社会危险性论证不足"}).status_code == 302
    )
    assert status(pending) == DecisionStatus.REEXAMINING
    alice = sign_in("alice")
    text = page(alice, pending.case)
    assert f'action="{url("reexamined", pending)}"' in text
    assert "退回承办检察官复核" in text and "社会危险性论证不足" in text
    answer = alice.post(url("reexamined", pending), {"matter": "", "opinion": "补充论证"})
    assert answer.status_code == 302
    assert status(pending) == DecisionStatus.PENDING
    assert "已提出复核意见,报请回到检察长决定环节。" in page(alice, pending.case)


def test_the_answer_to_a_re_examination_is_the_handlers(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    review.order_reexamination(actor=world.actor(world.chief), decision=pending, opinion="复核")
    answer = sign_in("head").post(url("reexamined", pending), {"opinion": "x"})
    assert answer.status_code == 403
    assert "须由本案的承办检察官办理" in answer.content.decode()
    assert status(pending) == DecisionStatus.REEXAMINING


def test_the_chief_refers_it_to_the_committee_and_may_then_not_decide_alone(
    world, submitted, sign_in
):
    pending = reviewed(world, submitted)
    chief = sign_in("chief")
    assert chief.post(url("refer", pending), {"opinion": "案情重大"}).status_code == 302
    assert status(pending) == DecisionStatus.REFERRED
    text = page(chief, pending.case)
    assert "等待检察委员会会议" in text
    assert 'aria-describedby="why-decide"' in text
    assert "该案已提请检察委员会讨论,由检察委员会决定" in text


def test_an_empty_reason_is_refused_on_its_form(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    answer = sign_in("chief").post(url("refer", pending), {"opinion": ""})
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'id="refer-opinion_error"' in text
    assert status(pending) == DecisionStatus.PENDING


# ---- the joint meeting and the signatures ------------------------------------------------


def opinions(*rows) -> dict:
    data = {
        "opinions-TOTAL_FORMS": "5",
        "opinions-INITIAL_FORMS": "0",
        "opinions-MIN_NUM_FORMS": "0",
        "opinions-MAX_NUM_FORMS": "30",
    }
    for n, (staff, position, text) in enumerate(rows):
        data[f"opinions-{n}-participant"] = str(staff.pk)
        data[f"opinions-{n}-position"] = position
        data[f"opinions-{n}-opinion"] = text
    return data


def test_the_head_records_a_joint_meeting_and_each_participant_signs_their_own(
    world, submitted, sign_in
):
    head = sign_in("head")
    text = page(head, submitted.case)
    assert f'<option value="{world.bob.pk}">包博</option>' in text  # quota prosecutors only
    assert f'<option value="{world.erin.pk}">' not in text
    answer = head.post(
        url("joint_meeting", submitted),
        {
            "question": "是否批捕",
            "minutes": "与会检察官逐一发表意见",
            **opinions((world.bob, "for", "同意批捕"), (world.carol, "against", "证据不足")),
        },
    )
    assert answer.status_code == 302
    meeting = JointMeeting.objects.get()
    bobs = meeting.opinions.get(participant=world.bob)
    text = page(head, submitted.case)
    assert "检察官联席会议" in text and "待本人签名" in text
    # Bob may not read Alice's case, but he reads and signs his own opinion.
    bob = sign_in("bob")
    assert bob.get(reverse("cases:detail", args=[submitted.case_id])).status_code == 404
    text = bob.get(url("joint_opinion", bobs)).content.decode()
    assert "同意批捕" in text and "证据不足" in text
    assert f'action="{url("sign", bobs)}"' in text
    # Carol sat in the meeting too; Bob's signature is not hers to give.
    refused = sign_in("carol").post(url("sign", bobs))
    assert refused.status_code == 403
    assert JointOpinion.objects.get(pk=bobs.pk).signed_at is None
    answer = sign_in("bob").post(url("sign", bobs))
    assert answer.status_code == 302
    assert answer["Location"] == url("joint_opinion", bobs)
    assert JointOpinion.objects.get(pk=bobs.pk).signed_at is not None
    assert (
        "已签名"
        in sign_in("head").get(reverse("cases:detail", args=[submitted.case_id])).content.decode()
    )
    assert sign_in("olga").get(url("joint_opinion", bobs)).status_code == 404


def test_a_joint_meeting_with_someone_not_in_the_quota_is_refused_with_the_reason(
    world, submitted, sign_in
):
    answer = sign_in("head").post(
        url("joint_meeting", submitted),
        {
            "question": "是否批捕",
            "minutes": "讨论",
            **opinions((world.bob, "for", "同意"), (world.erin, "for", "同意")),
        },
    )
    assert answer.status_code == 200
    assert "鄂琳 不是本院员额检察官,不能参加检察官联席会议。" in answer.content.decode()
    assert not JointMeeting.objects.exists()


# ---- objection and execution -------------------------------------------------------------


def test_the_handler_objects_the_chief_answers_and_the_handler_carries_it_out(
    world, submitted, sign_in
):
    pending = reviewed(world, submitted)
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="refuse_arrest", reasoning="否"
    )
    alice = sign_in("alice")
    assert alice.post(url("object", made), {"text": ""}).status_code == 200
    answer = alice.post(url("object", made), {"text": "嫌疑人有串供可能,应当逮捕"})
    assert answer.status_code == 302
    objection = Objection.objects.get()
    text = page(alice, made.case)
    assert "书面异议" in text and "嫌疑人有串供可能" in text
    assert 'aria-describedby="why-execute"' in text
    assert "书面异议尚待答复,答复后再执行" in text
    assert alice.post(reverse("cases:execute", args=[made.case_id])).status_code == 200
    assert Case.objects.get(pk=made.case_id).status == CaseStatus.EXECUTING
    # Alice may not answer her own objection; the chief does.
    refused = alice.post(url("answer_objection", objection), {"answer": "maintain", "text": "x"})
    assert refused.status_code == 403
    chief = sign_in("chief")
    assert f'action="{url("answer_objection", objection)}"' in page(chief, made.case)
    answer = chief.post(
        url("answer_objection", objection), {"answer": "maintain", "text": "维持原决定"}
    )
    assert answer.status_code == 302
    alice = sign_in("alice")
    assert "答复异议:维持原决定" in page(alice, made.case)
    assert alice.post(reverse("cases:execute", args=[made.case_id])).status_code == 302
    assert Case.objects.get(pk=made.case_id).status == CaseStatus.CLOSED
    assert "执行决定“不批准逮捕”" in page(alice, made.case)


def test_a_changed_decision_after_an_objection_takes_effect(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="refuse_arrest", reasoning="否"
    )
    objection = review.object_to(actor=world.actor(world.alice), decision=made, text="应当逮捕")
    chief = sign_in("chief")
    answer = chief.post(
        url("answer_objection", objection),
        {"answer": "change", "matter": "approve_arrest", "text": "采纳异议"},
    )
    assert answer.status_code == 302
    assert Case.objects.get(pk=made.case_id).status == CaseStatus.CLOSED
    assert "答复异议:改变原决定,改为“批准逮捕”" in page(chief, made.case)


# ---- the record --------------------------------------------------------------------------


def test_the_record_shows_instructions_and_reports_in_time_order(world, submitted, sign_in):
    instructions.issue_instruction(
        actor=world.actor(world.chief),
        kind="instruct",
        recipient=world.base,
        text="请补充社会危险性证据",
        document_no="城检指〔2024〕1号",
        case=submitted.case,
    )
    reviewed(world, submitted)
    found = record(page(sign_in("chief"), submitted.case))
    order = [
        found.index("应向检察长报告"),
        found.index("报请“批准逮捕”"),
        found.index("指示(城检指〔2024〕1号"),
        found.index("部门负责人审核意见:同意"),
    ]
    assert order == sorted(order)


# ---- the committee -----------------------------------------------------------------------


def test_a_committee_decision_is_on_the_record_linked_to_its_meeting_and_binds_without_objection(
    world, members, referred, sign_in
):
    from procuracy.oversight import committee
    from procuracy.oversight.tests.test_committee import listed, opened, schedule, vote

    assert [d.pk for d in desk.desk(world.actor(world.chief)).to_agenda] == [referred.pk]
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    assert desk.desk(world.actor(world.chief)).to_agenda == []  # on the agenda now
    opened(world, meeting)
    vote(world, item, *[(s, "for", "同意起诉") for s in (world.chief, world.head, world.carol)])
    committee.resolve_item(actor=world.actor(world.chief), item=item, resolution="决定提起公诉")
    alice = sign_in("alice")
    text = page(alice, referred.case)
    found = record(text)
    assert "检察委员会决定“提起公诉”" in found
    assert f'href="{reverse("oversight:committee_meeting", args=[meeting.pk])}"' in found
    assert "承办检察官应当执行(《人民检察院组织法》第三十三条)" in text
    assert f'action="{url("object", referred)}"' not in text  # the committee's: no objection
    assert f'action="{reverse("cases:execute", args=[referred.case_id])}"' in text
