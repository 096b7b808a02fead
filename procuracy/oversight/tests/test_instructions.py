"""Written instructions (组织法 Arts 24–25; 规则 Arts 9–10): only in writing; a leader of the
case's own procuratorate or a higher one instructs, only a higher one corrects, revokes,
changes, designates or calls up; the recipient complies and may disagree while complying."""

from __future__ import annotations

import pytest

from conftest import REFORM, SYSTEM
from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, DecisionStatus
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.oversight import instructions, review
from procuracy.oversight.instructions import issue_instruction
from procuracy.oversight.models import Instruction
from procuracy.people import services as people
from procuracy.powers.models import Refusal


def issue(world, by, kind="instruct", **kw):
    kw.setdefault("recipient", world.base)
    kw.setdefault("text", "请于三日内补充调取监控录像,核实作案时间。")
    kw.setdefault("document_no", "兰检指〔2026〕1号")
    return issue_instruction(actor=world.actor(by), kind=kind, **kw)


@pytest.fixture
def refused(world, clerk, path_list):
    """Alice refused the arrest herself (the list lets her): the case is closed by it."""
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    return lifecycle.decide(
        actor=world.actor(world.alice), case=case, matter="refuse_arrest", reasoning="证据不足"
    )


def nothing_written(before: int) -> bool:
    return not Instruction.objects.exists() and Act.objects.count() == before


# ---- only in writing ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_instruction_with_no_text_is_refused_and_nothing_is_written(world, clerk, text):
    case = handling(world, clerk)
    before = Act.objects.count()
    with pytest.raises(RuleViolation, match="不能发出没有内容的指令") as broken:
        issue(world, world.chief, case=case, text=text)
    assert broken.value.field == "text"
    assert nothing_written(before)


def test_an_instruction_needs_its_document_number(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="文号"):
        issue(world, world.chief, case=case, document_no=" ")
    assert not Instruction.objects.exists()


def test_the_chief_instructs_on_a_case_and_it_joins_the_case_file_in_order(world, clerk):
    case = handling(world, clerk)
    first = issue(world, world.chief, case=case)
    second = issue(world, world.city_chief, case=case, document_no="兰市检指〔2026〕2号")
    assert (first.issuer, second.issuer) == (world.base, world.city)
    assert [i.pk for i in instructions.instructions_for(case)] == [first.pk, second.pk]
    act = Act.objects.get(kind="oversight.instruction_issued", subject_id=first.pk)
    assert act.body["case_id"] == case.pk and act.procuratorate == world.base
    assert first.ledger_seq == act.seq


def test_a_deputy_of_the_procuratorate_may_instruct_too(world, clerk):
    people.appoint(actor=SYSTEM, staff=world.head, kind="deputy_chief", valid_from=REFORM)
    case = handling(world, clerk)
    assert issue(world, world.head, case=case).issued_by == world.head


def test_a_prosecutor_may_not_instruct_and_the_attempt_is_recorded(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(ActDenied, match="检察长"):
        issue(world, world.bob, case=case)
    assert not Instruction.objects.exists()
    assert Refusal.objects.get().act == instructions.INSTRUCT


def test_a_base_procuratorate_cannot_instruct_the_city(world):
    with pytest.raises(ActDenied, match="本院或上级院"):
        issue(world, world.chief, kind="instruct", recipient=world.city)
    assert not Instruction.objects.exists()


def test_an_instruction_on_a_case_goes_to_the_cases_procuratorate(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="受理该案的检察院") as broken:
        issue(world, world.city_chief, case=case, recipient=world.other_base)
    assert broken.value.field == "recipient"
    with pytest.raises(RuleViolation, match="须针对一件案件"):
        issue(world, world.city_chief, kind="instruct")


# ---- correct, revoke, change: from above, on a decision ----------------------------------


@pytest.mark.parametrize("kind", ["correct", "revoke", "change", "designate"])
def test_what_only_a_higher_procuratorate_may_do_is_refused_to_the_own(world, refused, kind):
    before = Act.objects.count()
    with pytest.raises(RuleViolation, match="须由上级人民检察院作出") as broken:
        issue(world, world.chief, kind=kind, case=refused.case, decision=refused)
    assert broken.value.field == "kind"
    assert nothing_written(before)
    assert Case.objects.get(pk=refused.case_id).status == CaseStatus.CLOSED


@pytest.mark.parametrize("kind", ["correct", "revoke", "change"])
def test_an_instruction_on_a_decision_must_name_it(world, refused, kind):
    with pytest.raises(RuleViolation, match="须指明所针对的决定") as broken:
        issue(world, world.city_chief, kind=kind, case=refused.case)
    assert broken.value.field == "decision"
    assert not Instruction.objects.exists()


def test_the_decision_must_be_the_recipients(world, refused):
    with pytest.raises(RuleViolation, match="不是兰州市七里河区"):
        issue(world, world.city_chief, kind="revoke", decision=refused, recipient=world.other_base)


def test_revocation_marks_the_decision_revoked_and_reopens_the_case_it_closed(world, refused):
    case = refused.case
    done = issue(world, world.city_chief, kind="revoke", decision=refused)
    refused.refresh_from_db()
    case.refresh_from_db()
    assert done.case == case and done.issuer == world.city
    assert refused.status == DecisionStatus.REVOKED
    assert case.status == CaseStatus.HANDLING and case.closed_on is None
    act = Act.objects.get(kind="oversight.instruction_issued")
    assert act.body["case_effect"] == "reopened" and act.body["decision_id"] == refused.pk
    # The handlers carry the instruction out by deciding afresh.
    lifecycle.decide(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="依上级院指令"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_change_to_an_archived_case_leaves_the_file_where_it_is(world, clerk, refused):
    lifecycle.archive(actor=clerk, case=refused.case)
    issue(world, world.city_chief, kind="change", decision=refused)
    refused.refresh_from_db()
    assert refused.status == DecisionStatus.REVOKED
    assert Case.objects.get(pk=refused.case_id).status == CaseStatus.ARCHIVED
    assert Act.objects.get(kind="oversight.instruction_issued").body["case_effect"] == "kept"


def test_revoking_the_decision_being_carried_out_hands_the_case_back(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    binding = lifecycle.decide(
        actor=world.actor(world.chief),
        case=submitted.case,
        matter="refuse_arrest",
        reasoning="不批准逮捕",
    )
    assert binding.binding and Case.objects.get(pk=binding.case_id).status == CaseStatus.EXECUTING
    issue(world, world.city_chief, kind="revoke", decision=binding)
    assert Case.objects.get(pk=binding.case_id).status == CaseStatus.HANDLING


def test_a_correction_leaves_the_decision_standing_until_the_lower_corrects_it(world, refused):
    issue(world, world.city_chief, kind="correct", decision=refused)
    refused.refresh_from_db()
    assert refused.status == DecisionStatus.MADE
    assert Case.objects.get(pk=refused.case_id).status == CaseStatus.CLOSED


def test_a_revoked_decision_cannot_be_revoked_again(world, refused):
    issue(world, world.city_chief, kind="revoke", decision=refused)
    with pytest.raises(RuleViolation, match="已撤销"):
        issue(world, world.city_chief, kind="revoke", decision=refused, document_no="2号")
    assert Instruction.objects.count() == 1


# ---- designate and call up ---------------------------------------------------------------


def test_the_city_designates_jurisdiction_on_a_case(world, clerk):
    case = handling(world, clerk)
    done = issue(world, world.city_chief, kind="designate", case=case)
    assert done.case == case and done.recipient == world.base


def test_a_call_up_names_a_member_of_the_lower_procuratorates_staff(world):
    done = issue(world, world.city_chief, kind="call_up", staff=world.alice)
    assert done.staff == world.alice and done.case is None
    act = Act.objects.get(kind="oversight.instruction_issued")
    assert act.body["staff"] == world.alice.pk  # on her timeline too
    with pytest.raises(RuleViolation, match="不是兰州市城关区"):
        issue(world, world.city_chief, kind="call_up", staff=world.olga)
    with pytest.raises(RuleViolation, match="须指明被调用的人员"):
        issue(world, world.city_chief, kind="call_up")
    with pytest.raises(RuleViolation, match="上级人民检察院"):
        issue(world, world.chief, kind="call_up", staff=world.alice)
    assert Instruction.objects.count() == 1


# ---- compliance --------------------------------------------------------------------------


def test_the_handler_complies_and_a_disagreement_is_recorded_with_it(world, clerk):
    case = handling(world, clerk)
    given = issue(world, world.city_chief, case=case)
    assert list(instructions.instructions_to_comply(world.actor(world.alice))) == [given]
    done = instructions.comply_with_instruction(
        actor=world.actor(world.alice),
        instruction=given,
        compliance="已调取监控录像并附卷。",
        disagreement="录像与本案关联不大,建议今后不再调取。",
    )
    assert done.complied_by == world.alice and done.disagreement.startswith("录像")
    act = Act.objects.get(kind="oversight.instruction_complied")
    assert act.body["disagreement"] is True and act.body["case_id"] == case.pk
    assert not instructions.instructions_to_comply(world.actor(world.alice)).exists()


def test_compliance_is_reported_once_and_in_writing(world, clerk):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    alice = world.actor(world.alice)
    with pytest.raises(RuleViolation, match="执行情况"):
        instructions.comply_with_instruction(actor=alice, instruction=given, compliance=" ")
    given.refresh_from_db()
    assert given.complied_at is None
    instructions.comply_with_instruction(actor=alice, instruction=given, compliance="已执行")
    with pytest.raises(RuleViolation, match="已经报告"):
        instructions.comply_with_instruction(actor=alice, instruction=given, compliance="再报")


def test_only_the_recipients_side_reports_compliance(world, clerk):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    for outsider in (world.bob, world.city_chief, world.olga):
        with pytest.raises(ActDenied):
            instructions.comply_with_instruction(
                actor=world.actor(outsider), instruction=given, compliance="已执行"
            )
    instructions.comply_with_instruction(
        actor=world.actor(world.chief), instruction=given, compliance="已督促承办检察官执行"
    )


def test_the_recipients_chief_reports_on_a_call_up(world):
    given = issue(world, world.city_chief, kind="call_up", staff=world.alice)
    assert list(instructions.instructions_to_comply(world.actor(world.chief))) == [given]
    assert not instructions.instructions_to_comply(world.actor(world.alice)).exists()
    instructions.comply_with_instruction(
        actor=world.actor(world.chief), instruction=given, compliance="安丽已于次日报到"
    )


# ---- who reads them ----------------------------------------------------------------------


def test_who_reads_an_instruction(world, clerk):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    call_up = issue(world, world.city_chief, kind="call_up", staff=world.alice)
    for reader in (world.alice, world.chief, world.city_chief, world.province_chief):
        assert instructions.instruction_for(world.actor(reader), given.pk) == given
    for outsider in (world.olga, world.bob):
        with pytest.raises(Instruction.DoesNotExist):
            instructions.instruction_for(world.actor(outsider), given.pk)
    assert instructions.instruction_for(world.actor(world.bob), call_up.pk) == call_up
    with pytest.raises(Instruction.DoesNotExist):
        instructions.instruction_for(world.actor(world.olga), call_up.pk)


def test_the_lists_cost_the_same_queries_however_many_rows(
    world, clerk, django_assert_max_num_queries
):
    case = handling(world, clerk)
    for n in range(5):
        issue(world, world.city_chief, case=case, document_no=f"{n}号")
    chief = world.actor(world.chief)
    chief.positions  # noqa: B018 (read once, as a request does)
    with django_assert_max_num_queries(2):
        rows = list(instructions.instructions(chief, procuratorate=world.base.pk))
        shown = [(r.issuer.name, r.recipient.name, r.case.number, r.issued_by.name) for r in rows]
    assert len(shown) == 5
