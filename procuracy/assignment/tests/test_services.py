"""Draws, designations and reassignments end to end through the spine: the case received by
the case office, its pool read from the organisations and their members, the inputs committed
before the choice, loads carried from one draw to the next."""

from __future__ import annotations

import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from procuracy.assignment import draw, services
from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.assignment.pool import pool_for
from procuracy.caseorgs import services as caseorgs
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseStatus, CaseType
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people
from procuracy.powers.models import Refusal

SYSTEM = Actor.system()
DAY = datetime.date(2026, 3, 2)
AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AT_DAY = AT.date()


def receive(world, clerk, line="ordinary_crime", **facts):
    return receive_case(
        actor=clerk,
        procuratorate=world.base,
        case_type=CaseType.objects.get(code="prosecution_review"),
        business_line=BusinessLine.objects.get(code=line),
        title="张某盗窃案",
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=DAY,
        parties=[PartyFields("suspect", "张某")],
        **facts,
    )


def away(world, staff, day=AT_DAY):
    people.record_absence(actor=SYSTEM, staff=staff, kind="leave", starts_on=day, ends_on=day)


def orgs(world):
    return {world.sole_alice.pk, world.sole_bob.pk, world.team.pk}


def test_a_draw_assigns_the_case_to_an_org_of_its_pool_in_two_ledgered_acts(world, clerk):
    case = receive(world, clerk)
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert {m.org for m in drawn.inputs.pool} == orgs(world)
    assert drawn.assignment.org_id in orgs(world)
    assert drawn.assignment.kind == AssignmentKind.DRAW
    assert drawn.assignment.weight == case.weight
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    committed = Act.objects.get(kind="assignment.draw_committed")
    chosen = Act.objects.get(kind="assignment.drawn")
    assert committed.seq + 1 == chosen.seq == case.ledger_seq == drawn.assignment.ledger_seq
    assert committed.body == drawn.inputs.as_json()
    assert committed.subject_id == case.pk and committed.actor == world.frank
    assert drawn.assignment.draw_seq == committed.seq
    assert chosen.body["org"] == drawn.assignment.org_id
    assert chosen.body["commitment"] == committed.seq
    assert chosen.body["outcome"] == drawn.outcome.as_json()


def test_the_draw_takes_its_parameters_from_the_settings(world, clerk, settings):
    settings.PROCURACY_DRAW = {"max_distance": 150, "escape": "1/10"}
    drawn = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)
    assert drawn.inputs.max_distance == 150
    assert drawn.inputs.escape == Fraction(1, 10)


def test_an_org_whose_sole_prosecutor_is_absent_is_excluded_with_its_reason(world, clerk):
    away(world, world.alice)
    drawn = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)
    assert drawn.inputs.exclusions == (
        draw.Exclusion(world.sole_alice.pk, "absent", "独任检察官安丽缺勤"),
    )
    assert world.sole_alice.pk in {m.org for m in drawn.inputs.pool}
    assert drawn.assignment.org_id != world.sole_alice.pk
    assert world.sole_alice.pk in drawn.outcome.excluded


def test_a_team_with_its_lead_or_a_member_prosecutor_absent_is_excluded(world, clerk):
    away(world, world.carol)
    away(world, world.dave)
    pool = pool_for(receive(world, clerk), AT.date())
    assert pool.exclusions == (
        draw.Exclusion(world.team.pk, "absent", "主办检察官蔡蕾、组员检察官丁伟缺勤"),
    )


def test_an_absence_on_another_day_excludes_no_one(world, clerk):
    away(world, world.alice, day=AT.date() + datetime.timedelta(days=1))
    assert pool_for(receive(world, clerk), AT.date()).exclusions == ()


def test_a_draw_with_every_org_excluded_leaves_the_case_in_the_queue_and_writes_nothing(
    world, clerk
):
    for staff in (world.alice, world.bob, world.carol):
        away(world, staff)
    case = receive(world, clerk)
    before = Act.objects.count()
    with pytest.raises(draw.EmptyPool) as empty:
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert "留在待分案队列中" in empty.value.rule and "安丽" in empty.value.rule
    assert Act.objects.count() == before
    assert not Assignment.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_a_business_line_no_department_handles_gives_an_empty_pool(world, clerk):
    case = receive(world, clerk, line="duty_crime")
    before = Act.objects.count()
    with pytest.raises(draw.EmptyPool, match="没有办理"):
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert Act.objects.count() == before
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


def test_an_org_of_another_department_or_procuratorate_is_not_in_the_pool(world, clerk):
    civil = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.civil, prosecutor=world.head, valid_from=DAY
    )
    pool = pool_for(receive(world, clerk), AT.date())
    assert civil.pk not in {m.org for m in pool.members}
    assert {m.org for m in pool.members} == orgs(world)


def test_a_case_already_assigned_is_not_drawn_again(world, clerk):
    case = receive(world, clerk)
    services.draw_case(actor=clerk, case=case, occurred_at=AT)
    with pytest.raises(RuleViolation, match="已分案"):
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert Assignment.objects.count() == 1


def test_the_draw_is_the_case_management_offices(world, clerk):
    case = receive(world, clerk)
    with pytest.raises(ActDenied):
        services.draw_case(actor=world.actor(world.alice), case=case, occurred_at=AT)
    assert not Assignment.objects.exists()


def test_loads_grow_with_the_assigned_weights_so_the_next_draw_sees_them(world, clerk):
    first = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)
    second = services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)
    loads = {m.org: m.load for m in second.inputs.pool}
    assert loads[first.assignment.org_id] == 150  # a prosecution review weighs 1.5
    assert sum(loads.values()) == 150
    assert sum(m.load for m in pool_for(first.assignment.case, AT.date()).members) == 300


def test_heavy_orgs_leave_the_draw_except_by_escape(world, clerk):
    """A distance of 0 and no escape: only the lightest take part, so six equal cases on three
    organisations leave each with two."""
    for _ in range(6):
        drawn = services.draw_case(
            actor=clerk,
            case=receive(world, clerk),
            occurred_at=AT,
            max_distance=0,
            escape=Fraction(0),
        )
        assert drawn.assignment.org_id in drawn.outcome.eligible
        assert drawn.outcome.ceiling == drawn.outcome.lightest
    loads = {m.org: m.load for m in pool_for(drawn.assignment.case, AT.date()).members}
    assert sorted(loads.values()) == [300, 300, 300]


# --- Designation and reassignment ----------------------------------------------------------


def designate(world, actor, case, **kw):
    facts = {"org": world.team, "reason": "major", "reasoning": "案情重大,由检察长指定办理"}
    return services.designate_case(actor=actor, case=case, occurred_at=AT, **{**facts, **kw})


def test_the_chief_designates_a_case_with_a_reason_and_is_its_approver(world, clerk):
    case = receive(world, clerk)
    assignment = designate(world, world.actor(world.chief), case)
    assert assignment.kind == AssignmentKind.DESIGNATION
    assert assignment.approved_by == world.chief and assignment.org == world.team
    assert assignment.draw_seq is None
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    act = Act.objects.get(kind="assignment.designated")
    assert act.body["reason"] == "major" and act.body["approved_by"] == world.chief.pk
    assert "检察长指定" not in str(act.body)


def test_a_designation_without_reasoning_is_refused(world, clerk):
    with pytest.raises(RuleViolation, match="理由说明"):
        designate(world, world.actor(world.chief), receive(world, clerk), reasoning="  ")
    assert not Assignment.objects.exists()


def test_a_designation_for_a_reason_not_on_the_list_is_refused(world, clerk):
    with pytest.raises(RuleViolation, match="不在允许的理由之列"):
        designate(world, world.actor(world.chief), receive(world, clerk), reason="staff_change")


def test_a_prosecutor_may_not_designate_and_the_refusal_is_recorded(world, clerk):
    case = receive(world, clerk)
    with pytest.raises(ActDenied):
        designate(world, world.actor(world.alice), case)
    refusal = Refusal.objects.get()
    assert refusal.act == "designate_assignment" and refusal.actor == world.alice
    assert not Assignment.objects.exists()


def test_a_designation_to_an_org_of_another_procuratorate_is_refused(world, clerk):
    other = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.other_criminal, prosecutor=world.olga, valid_from=DAY
    )
    with pytest.raises(RuleViolation, match="不是本院在设的办案组织"):
        designate(world, world.actor(world.chief), receive(world, clerk), org=other)


def test_an_assigned_case_is_reassigned_not_designated(world, clerk):
    chief = world.actor(world.chief)
    case = receive(world, clerk)
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    with pytest.raises(RuleViolation, match="只能改派"):
        designate(world, chief, case)
    target = next(o for o in (world.sole_alice, world.sole_bob) if o.pk != drawn.assignment.org_id)
    moved = services.reassign_case(
        actor=chief,
        case=case,
        org=target,
        reason="staff_change",
        reasoning="原承办检察官调离",
        occurred_at=AT + datetime.timedelta(days=1),
    )
    drawn.assignment.refresh_from_db()
    assert drawn.assignment.ended_at == AT + datetime.timedelta(days=1)
    assert moved.kind == AssignmentKind.REASSIGNMENT and moved.approved_by == world.chief
    loads = {m.org: m.load for m in pool_for(case, AT.date()).members}
    assert loads[target.pk] == 150 and loads[drawn.assignment.org_id] == 0
    act = Act.objects.get(kind="assignment.reassigned")
    assert act.body["previous_org"] == drawn.assignment.org_id
    assert drawn.assignment.ledger_seq == moved.ledger_seq == act.seq


def test_a_case_waiting_in_the_queue_cannot_be_reassigned(world, clerk):
    with pytest.raises(RuleViolation, match="不能改派"):
        services.reassign_case(
            actor=world.actor(world.chief),
            case=receive(world, clerk),
            org=world.team,
            reason="staff_change",
            reasoning="人员变动",
        )
