"""The responsibility trail (责任链条): a decision that passed through every step — submitted,
heard by a joint meeting, reviewed, sent back for re-examination, re-examined, decided by the
chief against the proposal, objected to, maintained, carried out, with an instruction and a
report to the chief on the case — told step by step with the right people, posts, item and
ledger entries; the same through the page, the API and `procuracy trail`; hidden from those
who may not read the case; read in the same number of queries however long it grows."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, Decision
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.models import Act, today
from procuracy.oversight import instructions, review, trail
from procuracy.oversight.models import Report
from procuracy.powers import services as powers
from procuracy.powers.models import Matter

# What each step of the walked trail is, who took it, and the act that recorded it.
WALK = [
    ("proposed", "安丽", "独任检察官", "cases.submitted"),
    ("report_filed", "安丽", "独任检察官", "oversight.report_filed"),
    ("report_read", "韩川", "检察长", "oversight.report_read"),
    ("instruction", "韩川", "检察长", "oversight.instruction_issued"),
    ("joint_meeting", "金海", "部门负责人(第一检察部)", "oversight.joint_meeting_held"),
    ("reviewed", "金海", "部门负责人(第一检察部)", "oversight.reviewed"),
    ("reexamination_ordered", "韩川", "检察长", "oversight.reexamination_ordered"),
    ("reexamined", "安丽", "独任检察官", "oversight.reexamined"),
    ("decided", "韩川", "检察长", "cases.decided"),
    ("objection_filed", "安丽", "独任检察官", "oversight.objection_filed"),
    ("objection_answered", "韩川", "检察长", "oversight.objection_answered"),
    ("executed", "安丽", "独任检察官", "cases.executed"),
    ("instruction_complied", "安丽", "独任检察官", "oversight.instruction_complied"),
]


def walk(world, submitted) -> Decision:
    """Take the submission through every step, each through its service; the decision made."""
    alice, head, chief = (world.actor(s) for s in (world.alice, world.head, world.chief))
    case = submitted.case
    report = Report.objects.get(case=case)
    instructions.file_report(actor=alice, report=report, text="本案系重大案件,报请检察长阅示")
    instructions.read_report(actor=chief, report=report, comment="依法审慎办理")
    instruction = instructions.issue_instruction(
        actor=chief,
        kind="instruct",
        recipient=world.base,
        case=case,
        text="重点审查社会危险性",
        document_no="城检指〔2026〕1号",
    )
    meeting = review.hold_joint_meeting(
        actor=head,
        decision=submitted,
        question="是否批准逮捕",
        minutes="与会检察官逐一发表意见",
        opinions=[(world.bob, "for", "同意批捕"), (world.carol, "against", "证据不足")],
    )
    for opinion in meeting.opinions.all():
        review.sign_joint_opinion(actor=world.actor(opinion.participant), opinion=opinion)
    review.review(actor=head, decision=submitted, agree=True, opinion="综合联席会议意见,同意")
    submitted.refresh_from_db()
    review.order_reexamination(actor=chief, decision=submitted, opinion="社会危险性论证不足")
    submitted.refresh_from_db()
    review.answer_reexamination(actor=alice, decision=submitted, opinion="补充论证后仍建议批捕")
    made = lifecycle.decide(
        actor=chief, case=case, matter="refuse_arrest", reasoning="不符合逮捕条件"
    )
    objection = review.object_to(actor=alice, decision=made, text="嫌疑人有串供可能,应当逮捕")
    review.answer_objection(actor=chief, objection=objection, maintain=True, text="维持原决定")
    lifecycle.execute(actor=alice, case=case)
    instructions.comply_with_instruction(
        actor=alice, instruction=instruction, compliance="已重点审查,结论见审查报告"
    )
    made.refresh_from_db()
    return made


@pytest.fixture
def walked(world, submitted) -> Decision:
    return walk(world, submitted)


def the_trail(world, decision, reader=None) -> trail.Trail:
    actor = world.actor(reader or world.chief)
    return trail.decision_trail(actor, decision.case, decision.pk)


def test_the_trail_lists_every_step_in_order_with_who_in_which_post_and_its_entry(
    world, submitted, walked
):
    found = the_trail(world, walked)
    assert [(s.kind, s.actor.name, s.actor.role) for s in found.steps] == [
        (kind, name, role) for kind, name, role, _act in WALK
    ]
    acts = {a.seq: a for a in Act.objects.filter(seq__in=[s.entry.seq for s in found.steps])}
    for step, (_kind, _name, _role, act_kind) in zip(found.steps, WALK, strict=True):
        assert acts[step.entry.seq].kind == act_kind, step.kind
        assert step.entry.readable
    times = [s.at for s in found.steps]
    assert times == sorted(times)
    # The lineage: the proposal the chief overrode, and the decision that stands.
    assert [d.id for d in found.decisions] == [submitted.pk, walked.pk]
    assert found.decision.id == walked.pk and found.decision.matter == "refuse_arrest"


def test_the_decision_step_names_its_item_binding_and_the_proposal_it_overrode(
    world, submitted, walked
):
    decided = next(s for s in the_trail(world, walked).steps if s.kind == "decided")
    basis = decided.basis
    assert basis.kind == "item" and basis.item_id == walked.item_id
    assert (basis.list_title, basis.version, basis.item_number, basis.item_code) == (
        "base 清单",
        1,
        6,
        "T-006",
    )
    assert basis.holder_label == "检察长" and "第 6 项" in basis.sentence
    assert decided.binding is True and decided.overrides.id == submitted.pk
    assert decided.overrides.matter_name == "批准逮捕"


def test_the_joint_meeting_keeps_each_signed_opinion_with_its_entry(world, walked):
    step = next(s for s in the_trail(world, walked).steps if s.kind == "joint_meeting")
    assert [(o.person.name, o.position, o.opinion) for o in step.opinions] == [
        ("包博", "for", "同意批捕"),
        ("蔡蕾", "against", "证据不足"),
    ]
    for opinion in step.opinions:
        assert opinion.at is not None
        assert Act.objects.get(seq=opinion.entry.seq).kind == "oversight.joint_opinion_signed"
        assert Act.objects.get(seq=opinion.entry.seq).actor_id == opinion.person.id


def test_the_steps_carry_what_was_said_and_answered(world, walked):
    steps = {s.kind: s for s in the_trail(world, walked).steps}
    assert steps["reviewed"].outcome == "agree" and steps["reviewed"].holder == "department_head"
    assert steps["reexamination_ordered"].text == "社会危险性论证不足"
    assert steps["reexamined"].outcome == "kept" and steps["reexamined"].leads_to is None
    assert steps["objection_filed"].text == "嫌疑人有串供可能,应当逮捕"
    assert steps["objection_answered"].outcome == "maintain"
    assert steps["instruction"].instruction.document_no == "城检指〔2026〕1号"
    assert steps["instruction_complied"].text == "已重点审查,结论见审查报告"
    summary = the_trail(world, walked).summary
    assert [p.name for p in summary["proposed"]] == ["安丽"]
    assert [p.name for p in summary["reviewed"]] == ["金海", "韩川"]
    assert [p.name for p in summary["decided"]] == ["韩川"]
    assert [p.name for p in summary["executed"]] == ["安丽"]


def test_the_overridden_proposal_and_the_decision_share_one_trail(world, submitted, walked):
    by_proposal = the_trail(world, submitted)
    by_decision = the_trail(world, walked)
    assert trail.as_data(by_proposal) == trail.as_data(by_decision)
    assert len(trail.case_trails(world.actor(world.chief), walked.case)) == 1


def test_a_reexamination_that_proposes_another_matter_leads_to_the_new_proposal(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    review.order_reexamination(actor=world.actor(world.chief), decision=submitted, opinion="再议")
    submitted.refresh_from_db()
    fresh = review.answer_reexamination(
        actor=world.actor(world.alice),
        decision=submitted,
        opinion="改为不捕",
        matter="refuse_arrest",
    )
    found = the_trail(world, fresh)
    kinds = [s.kind for s in found.steps]
    assert kinds == ["proposed", "reviewed", "reexamination_ordered", "reexamined", "proposed"]
    reexamined, proposed = found.steps[3], found.steps[4]
    assert reexamined.outcome == "changed" and reexamined.leads_to.id == fresh.pk
    # The new proposal was put in by the re-examination's act.
    assert proposed.decision.id == fresh.pk
    assert proposed.entry.seq == reexamined.entry.seq
    assert Act.objects.get(seq=proposed.entry.seq).kind == "oversight.reexamined"


# ---- the doors -----------------------------------------------------------------------------


def test_the_api_answers_the_same_trail(world, walked, sign_in):
    client = sign_in("chief")
    url = f"/api/v1/oversight/decisions/{walked.pk}/trail"
    answer = client.get(url).json()
    expected = trail.as_data(the_trail(world, walked))
    assert [(s["kind"], s["actor"]["id"], s["entry"]["seq"]) for s in answer["steps"]] == [
        (s["kind"], s["actor"]["id"], s["entry"]["seq"]) for s in expected["steps"]
    ]
    assert answer["basis"]["item_code"] == "T-006"
    assert answer["decision"]["id"] == walked.pk
    whole = client.get(f"/api/v1/oversight/cases/{walked.case_id}/trail").json()
    assert whole["case_number"] == walked.case.number
    assert [t["decision"]["id"] for t in whole["trails"]] == [walked.pk]
    assert whole["trails"][0]["steps"] == answer["steps"]


def test_the_page_shows_each_step_with_its_ledger_link(world, walked, sign_in):
    client = sign_in("chief")
    page = client.get(reverse("oversight:trail", args=[walked.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    found = the_trail(world, walked)
    for step in found.steps:
        assert reverse("ledger:entry", args=[step.entry.seq]) in html
    for text in (
        "韩川",
        "部门负责人(第一检察部)",
        "T-006",
        "未采纳报请“批准逮捕”",
        "城检指〔2026〕1号",
    ):
        assert text in html
    whole = client.get(reverse("oversight:case_trail", args=[walked.case_id]))
    assert whole.status_code == 200
    assert reverse("oversight:trail", args=[walked.pk]) in whole.content.decode()


def test_the_command_prints_the_trail_and_its_json(world, walked, capsys):
    number = walked.case.number
    call_command("trail", number, "--as", "chief")
    out = capsys.readouterr().out
    assert "不批准逮捕" in out and "T-006" in out and "安丽" in out
    seqs = [s.entry.seq for s in the_trail(world, walked).steps]
    assert all(f"#{seq}" in out for seq in seqs)
    call_command("trail", number, "--as", "chief", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["case_number"] == number
    assert [s["entry"]["seq"] for s in data["trails"][0]["steps"]] == seqs
    call_command("trail", number, "--as", "chief", "--decision", str(walked.pk), "--json")
    assert json.loads(capsys.readouterr().out)["trails"][0]["decision"]["id"] == walked.pk


def test_a_reader_outside_the_case_is_answered_as_if_there_were_none(world, walked, sign_in):
    client = sign_in("olga")  # a prosecutor of another base procuratorate
    assert client.get(reverse("oversight:trail", args=[walked.pk])).status_code == 404
    assert client.get(reverse("oversight:case_trail", args=[walked.case_id])).status_code == 404
    assert client.get(f"/api/v1/oversight/decisions/{walked.pk}/trail").status_code == 404
    assert client.get(f"/api/v1/oversight/cases/{walked.case_id}/trail").status_code == 404
    missing = client.get(f"/api/v1/oversight/decisions/{walked.pk + 99}/trail")
    assert missing.status_code == 404
    with pytest.raises(CommandError) as refused:
        call_command("trail", walked.case.number, "--as", "olga")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError) as unknown:
        call_command("trail", walked.case.number, "--as", "chief", "--decision", "99999")
    assert unknown.value.returncode == 1


def test_the_handler_reads_her_case_trail_but_another_prosecutor_does_not(world, walked):
    alice = world.actor(world.alice)
    assert trail.case_trails(alice, walked.case)[0].decision.id == walked.pk
    with pytest.raises(Case.DoesNotExist):
        trail.case_of_decision(world.actor(world.bob), walked.pk)


# Every row a case's trails stand on, read at once: decisions, reviews, joint meetings and
# their opinions, objections, instructions, reports, committee items with their votes and
# attendance, posts, memberships, the acts, which of them the reader may open, and the
# reader's own posts (for that, when not yet read).
MAX_QUERIES = 15


def test_the_trail_costs_the_same_queries_however_many_steps(
    world, submitted, django_assert_max_num_queries
):
    chief = world.actor(world.chief)
    case = submitted.case
    with django_assert_max_num_queries(MAX_QUERIES):
        trail.case_trails(chief, case)
    walk(world, submitted)
    for n in range(3):
        instructions.issue_instruction(
            actor=chief,
            kind="instruct",
            recipient=world.base,
            case=case,
            text=f"第 {n} 条指示",
            document_no=f"城检指〔2026〕{n + 2}号",
        )
    case.refresh_from_db()
    with django_assert_max_num_queries(MAX_QUERIES):
        long = trail.case_trails(chief, case)
    assert len(long[0].steps) == len(WALK) + 3


def test_a_decision_under_a_delegation_or_the_chiefs_default_power_names_it(
    world, clerk, path_list
):
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    chief = world.actor(world.chief)
    powers.delegate(
        actor=chief,
        procuratorate=world.base,
        delegate=world.alice,
        matter=Matter.objects.get(code="bail"),
        document_no="城检授〔2026〕1号",
        instruction="授权安丽决定本院普通刑事案件取保候审。",
        valid_from=today(),
    )
    lifecycle.decide(actor=world.actor(world.alice), case=case, matter="bail", reasoning="取保")
    lifecycle.decide(actor=chief, case=case, matter="change_measure", reasoning="变更强制措施")
    delegated, default = (t.basis for t in trail.case_trails(chief, case))
    assert delegated.kind == "delegation" and delegated.document_no == "城检授〔2026〕1号"
    assert delegated.delegator == "韩川" and delegated.instruction.startswith("授权安丽")
    assert default.kind == "default" and "未列入权力清单,由检察长决定" in default.sentence
