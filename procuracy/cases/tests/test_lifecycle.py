"""The case lifecycle end to end through the spine: every transition allowed from its states
and refused from the others, decisions made under the power list (or submitted upward and
waiting), and the time limits each stage runs under as the case moves."""

from __future__ import annotations

import datetime

import pytest

from procuracy.assignment import services as assignment
from procuracy.cases import deadlines, lifecycle, selectors
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionStatus,
    SealedRead,
    Sealing,
    Stage,
)
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act, Visibility, today
from procuracy.organisation.models import BusinessLine
from procuracy.powers.models import Refusal
from procuracy.powers.tests.support import issue, item

SYSTEM = Actor.system()
TODAY = today()


@pytest.fixture
def listed(world):
    """The base list: a prosecutor decides arrests and prosecutions except in a major case
    (the chief's); the department head decides returns and extensions."""
    issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major"]),
            item(2, "approve_arrest", "chief", when_any=["major"]),
            item(3, "refuse_arrest", "prosecutor", unless=["major"]),
            item(7, "refuse_arrest", "chief", when_any=["major"]),
            item(4, "prosecute", "prosecutor"),
            item(5, "return_investigation", "department_head"),
            item(6, "extend_review", "department_head"),
        ],
    )


def receive(clerk, world, case_type="prosecution_review", days_ago=3, **facts) -> Case:
    from procuracy.cases.models import CaseType

    return receive_case(
        actor=clerk,
        procuratorate=world.base,
        case_type=CaseType.objects.get(code=case_type),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="张某盗窃案",
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=TODAY - datetime.timedelta(days=days_ago),
        parties=[PartyFields("suspect", "张某", in_custody=facts.get("custody", False))],
        **facts,
    )


def to_alice(world, case: Case) -> Case:
    """Assign the case to Alice's sole-prosecutor organisation (the chief designates it)."""
    assignment.designate_case(
        actor=world.actor(world.chief),
        case=case,
        org=world.sole_alice,
        reason="major",
        reasoning="检察长指定",
    )
    case.refresh_from_db()
    return case


def handling(world, clerk, **facts) -> Case:
    case = to_alice(world, receive(clerk, world, **facts))
    lifecycle.start_handling(actor=world.actor(world.alice), case=case)
    case.refresh_from_db()
    return case


# ---- intake starts the clock -------------------------------------------------------------


def test_intake_opens_the_first_stage_and_keeps_its_expiry_on_the_case(world, clerk):
    case = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=1)
    stage = Stage.objects.get(case=case)
    assert stage.code == "arrest_review_detained" and stage.custody
    # 7 days counted from the day after receipt; in custody a holiday does not extend it.
    assert stage.expires_on == case.received_on + datetime.timedelta(days=7)
    assert case.due_on == stage.expires_on and case.stage == "arrest_review_detained"
    assert case.warn_on == case.due_on - datetime.timedelta(days=2)


def test_a_type_without_a_statutory_stage_runs_no_clock(world, clerk):
    case = receive(clerk, world, case_type="filing_supervision")
    assert not Stage.objects.filter(case=case).exists() and case.due_on is None


# ---- start -------------------------------------------------------------------------------


def test_the_handler_starts_the_assigned_case(world, clerk):
    case = to_alice(world, receive(clerk, world))
    lifecycle.start_handling(actor=world.actor(world.alice), case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING
    assert Act.objects.filter(kind="cases.started", subject_id=case.pk).exists()


def test_someone_not_handling_the_case_may_not_start_it_and_the_attempt_is_recorded(world, clerk):
    case = to_alice(world, receive(clerk, world))
    with pytest.raises(ActDenied, match="承办"):
        lifecycle.start_handling(actor=world.actor(world.bob), case=case)
    assert Refusal.objects.filter(actor=world.bob, act="cases.start").exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED


def test_a_case_not_yet_assigned_cannot_be_started(world, clerk):
    case = receive(clerk, world)
    with pytest.raises(RuleViolation, match="已受理"):
        lifecycle.start_handling(actor=world.actor(world.alice), case=case)
    assert not Refusal.objects.exists()


def _attempts(world, clerk):
    """Each transition, performed by someone the power list lets perform it."""
    alice, chief = world.actor(world.alice), world.actor(world.chief)
    return {
        "start": lambda case: lifecycle.start_handling(actor=alice, case=case),
        "submit": lambda case: lifecycle.submit_decision(
            actor=alice, case=case, matter="suspend_review", reasoning="在逃"
        ),
        "decide": lambda case: lifecycle.decide(
            actor=chief, case=case, matter="suspend_review", reasoning="在逃"
        ),
        "resume": lambda case: lifecycle.decide(
            actor=chief, case=case, matter="resume_review", reasoning="到案"
        ),
        "exclude": lambda case: lifecycle.exclude_period(
            actor=alice, case=case, start=TODAY, end=TODAY
        ),
        "variant": lambda case: lifecycle.set_stage_variant(
            actor=alice, case=case, variant="", reason="一般"
        ),
        "resubmit": lambda case: lifecycle.resubmit(actor=clerk, case=case, received_on=TODAY),
        "conclude": lambda case: lifecycle.conclude(actor=alice, case=case, outcome="结"),
        "archive": lambda case: lifecycle.archive(actor=clerk, case=case),
        "execute": lambda case: lifecycle.execute(actor=alice, case=case),
    }


@pytest.mark.parametrize("status", CaseStatus.values)
def test_every_transition_is_refused_from_every_state_it_does_not_leave_from(world, clerk, status):
    """The rule of the state comes before the power list: nothing is written, and no refusal
    is recorded against a person who holds the power."""
    case = to_alice(world, receive(clerk, world, case_type="filing_supervision"))
    attempts = _attempts(world, clerk)
    for transition, allowed in lifecycle.FROM.items():
        if status in allowed:
            continue
        Case.objects.filter(pk=case.pk).update(status=status)  # the state under test
        case.refresh_from_db()
        before = Act.objects.count()
        with pytest.raises(RuleViolation, match=str(CaseStatus(status).label)):
            attempts[transition](case)
        assert Act.objects.count() == before, transition
        assert Case.objects.get(pk=case.pk).status == status, transition
    assert not Refusal.objects.exists()


def test_start_is_refused_from_any_state_but_assigned(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="办理中"):
        lifecycle.start_handling(actor=world.actor(world.alice), case=case)


# ---- decisions ---------------------------------------------------------------------------


def test_the_handler_decides_what_the_list_gives_them_and_the_case_closes(world, clerk, listed):
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    decision = lifecycle.decide(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="证据充分"
    )
    assert decision.status == DecisionStatus.MADE and decision.decided_by == world.alice
    assert decision.item is not None and decision.item.code == "T-001"
    assert "检察官" in decision.basis
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == TODAY
    assert case.due_on is None
    assert Stage.objects.get(case=case).ended_on == TODAY


def test_a_matter_reserved_above_is_refused_to_the_handler_with_the_path_upward(
    world, clerk, listed
):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    with pytest.raises(ActDenied, match="检察长"):
        lifecycle.decide(
            actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="x"
        )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING
    assert not Decision.objects.filter(case=case).exists()


def test_submitted_upward_the_decision_waits_then_the_holder_makes_it(world, clerk, listed):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    pending = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )
    assert pending.status == DecisionStatus.PENDING
    assert pending.path == [{"holder": "chief", "power": "decide"}]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DECIDING
    # The handler still may not decide it while it waits.
    with pytest.raises(ActDenied):
        lifecycle.decide(
            actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="x"
        )
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=case, matter="approve_arrest", reasoning="同意"
    )
    assert made.pk == pending.pk and made.status == DecisionStatus.MADE
    assert made.proposed_by == world.alice and made.decided_by == world.chief
    assert made.item.code == "T-002"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_the_holder_deciding_otherwise_supersedes_the_submission(world, clerk, listed):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    pending = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=case, matter="refuse_arrest", reasoning="证据不足"
    )
    pending.refresh_from_db()
    assert pending.status == DecisionStatus.SUPERSEDED and pending.superseded_by == made


def test_no_submission_of_what_the_handler_may_decide_alone(world, clerk, listed):
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    with pytest.raises(RuleViolation, match="无需报请"):
        lifecycle.submit_decision(
            actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="x"
        )


def test_a_matter_foreign_to_the_case_type_is_refused_before_the_list_is_asked(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="不是审查起诉案件"):
        lifecycle.decide(
            actor=world.actor(world.chief), case=case, matter="approve_arrest", reasoning="x"
        )
    assert not Refusal.objects.exists()


def test_a_decision_needs_its_reasons(world, clerk, listed):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="理由"):
        lifecycle.decide(
            actor=world.actor(world.alice), case=case, matter="prosecute", reasoning=" "
        )


def test_an_unlisted_matter_is_the_chiefs_by_the_default_rule(world, clerk, listed):
    case = handling(world, clerk)
    with pytest.raises(ActDenied, match="未列入权力清单"):
        lifecycle.decide(
            actor=world.actor(world.alice),
            case=case,
            matter="conditional_non_prosecution",
            reasoning="x",
        )
    made = lifecycle.decide(
        actor=world.actor(world.chief),
        case=case,
        matter="conditional_non_prosecution",
        reasoning="未成年人,符合条件",
    )
    assert made.item is None and "检察长决定" in made.basis


# ---- returns, resubmission and the clock -------------------------------------------------


def _return(world, case):
    return lifecycle.decide(
        actor=world.actor(world.head), case=case, matter="return_investigation", reasoning="补证"
    )


def test_a_return_opens_the_investigators_month_and_resubmission_restarts_review(
    world, clerk, listed
):
    case = handling(world, clerk, days_ago=20)
    _return(world, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.stage == "supplementary_investigation"
    back = TODAY
    new = lifecycle.resubmit(actor=clerk, case=case, received_on=back)
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING and case.stage == "prosecution_review"
    assert new.started_on == back and new.restart == "resubmitted"
    assert any("重新计算" in line for line in new.explanation)
    # One month counted afresh from the resubmission, not from the first receipt.
    assert new.expires_on >= deadlines.add_months(back, 1)
    assert case.due_on == new.expires_on
    ends = list(Stage.objects.filter(case=case).values_list("end", flat=True))
    assert ends == ["returned", "resubmitted", ""]


def test_a_third_return_is_refused_and_writes_nothing(world, clerk, listed):
    case = handling(world, clerk, days_ago=60)
    for _ in range(2):
        _return(world, case)
        lifecycle.resubmit(actor=clerk, case=case, received_on=TODAY)
    stages = Stage.objects.filter(case=case).count()
    with pytest.raises(RuleViolation, match="以二次为限"):
        _return(world, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING and Stage.objects.filter(case=case).count() == stages


def test_resubmission_is_the_case_offices_and_only_of_a_returned_case(world, clerk, listed):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="退回补充侦查"):
        lifecycle.resubmit(actor=clerk, case=case, received_on=TODAY)
    _return(world, case)
    with pytest.raises(ActDenied):
        lifecycle.resubmit(actor=world.actor(world.alice), case=case, received_on=TODAY)
    with pytest.raises(RuleViolation, match="晚于今天"):
        lifecycle.resubmit(actor=clerk, case=case, received_on=TODAY + datetime.timedelta(days=1))


def test_an_approved_extension_adds_fifteen_days_once(world, clerk, listed):
    case = handling(world, clerk)
    before = case.due_on
    lifecycle.decide(
        actor=world.actor(world.head), case=case, matter="extend_review", reasoning="案情复杂"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING
    stage = Stage.objects.get(case=case, ended_on__isnull=True)
    raw = stage.events.get().stage.explanation
    assert any("批准延长" in line for line in raw)
    assert case.due_on >= before + datetime.timedelta(days=15)
    with pytest.raises(RuleViolation, match="最多可以延长"):
        lifecycle.decide(
            actor=world.actor(world.head), case=case, matter="extend_review", reasoning="再延"
        )


def test_an_excluded_period_moves_the_expiry_back_by_its_days(world, clerk):
    case = handling(world, clerk, days_ago=5)
    stage = lifecycle.open_stage(case)
    raw_before = lifecycle.compute(stage).raw
    start = TODAY - datetime.timedelta(days=3)
    lifecycle.exclude_period(
        actor=world.actor(world.alice), case=case, start=start, end=start + datetime.timedelta(9)
    )
    stage.refresh_from_db()
    assert lifecycle.compute(stage).raw == raw_before + datetime.timedelta(days=10)
    with pytest.raises(RuleViolation, match="早于"):
        lifecycle.exclude_period(actor=world.actor(world.alice), case=case, start=TODAY, end=start)
    with pytest.raises(ActDenied):
        lifecycle.exclude_period(actor=world.actor(world.bob), case=case, start=start, end=start)


def test_suspension_stops_the_clock_and_resumption_starts_it_again(world, clerk, listed):
    case = handling(world, clerk, days_ago=5)
    chief = world.actor(world.chief)
    with pytest.raises(ActDenied):  # unlisted: the chief's
        lifecycle.decide(
            actor=world.actor(world.alice), case=case, matter="suspend_review", reasoning="在逃"
        )
    lifecycle.decide(actor=chief, case=case, matter="suspend_review", reasoning="犯罪嫌疑人在逃")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED and case.due_on is None
    with pytest.raises(RuleViolation, match="中止审查"):
        lifecycle.decide(actor=chief, case=case, matter="prosecute", reasoning="x")
    lifecycle.decide(actor=chief, case=case, matter="resume_review", reasoning="已到案")
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING and case.due_on is not None
    with pytest.raises(RuleViolation):
        lifecycle.decide(actor=chief, case=case, matter="resume_review", reasoning="again")


# ---- conclude and archive ----------------------------------------------------------------


def test_a_supervision_case_is_concluded_by_its_handler_with_the_outcome(world, clerk):
    case = handling(world, clerk, case_type="filing_supervision")
    with pytest.raises(RuleViolation, match="办理结果"):
        lifecycle.conclude(actor=world.actor(world.alice), case=case, outcome="")
    lifecycle.conclude(actor=world.actor(world.alice), case=case, outcome="经审查,立案正确")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_prosecution_review_cannot_be_closed_without_a_decision(world, clerk):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="须作出决定后结案"):
        lifecycle.conclude(actor=world.actor(world.alice), case=case, outcome="结")


def test_the_case_office_archives_a_closed_case_and_no_other(world, clerk, listed):
    case = handling(world, clerk)
    with pytest.raises(RuleViolation, match="已结案"):
        lifecycle.archive(actor=clerk, case=case)
    lifecycle.decide(actor=world.actor(world.alice), case=case, matter="prosecute", reasoning="诉")
    with pytest.raises(ActDenied):
        lifecycle.archive(actor=world.actor(world.alice), case=case)
    lifecycle.archive(actor=clerk, case=case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ARCHIVED
    with pytest.raises(RuleViolation):
        lifecycle.decide(
            actor=world.actor(world.chief), case=case, matter="prosecute", reasoning="x"
        )


# ---- warnings ----------------------------------------------------------------------------


def test_the_running_stage_warns_ahead_and_then_is_overdue(world, clerk):
    soon = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6)
    late = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=9)
    fresh = receive(clerk, world, case_type="prosecution_review", days_ago=0)
    assert selectors.due_state(soon) == "due_soon"
    assert selectors.due_state(late) == "overdue"
    assert selectors.due_state(fresh) == "ok"
    limit = selectors.time_limit(late)
    assert limit.state == "overdue" and limit.days_left == -2


# ---- who reads a case, and sealed cases --------------------------------------------------


def test_handlers_read_their_case_and_a_department_head_the_lines_of_their_department(world, clerk):
    case = to_alice(world, receive(clerk, world))
    readers = {
        name: selectors.visible_cases(world.actor(getattr(world, name))).filter(pk=case.pk).exists()
        for name in ("alice", "erin", "bob", "head", "chief", "frank", "olga")
    }
    assert readers == {
        "alice": True,
        "erin": True,  # Alice's assistant, a member of her organisation
        "bob": False,
        "head": True,
        "chief": True,
        "frank": True,
        "olga": False,
    }


def test_a_sealed_case_is_read_by_its_handlers_and_chief_only_and_each_read_is_recorded(
    world, clerk
):
    case = to_alice(world, receive(clerk, world, sealed=Sealing.SECRET))
    assert not selectors.visible_cases(clerk).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(world.actor(world.head)).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(world.actor(world.city_chief)).filter(pk=case.pk).exists()
    selectors.case_for(world.actor(world.alice), case.pk)
    selectors.case_for(world.actor(world.chief), case.pk, channel="api")
    reads = list(SealedRead.objects.filter(case=case).order_by("id"))
    assert [(r.reader, r.channel) for r in reads] == [(world.alice, "page"), (world.chief, "api")]
    act = Act.objects.filter(kind="cases.sealed_read").last()
    assert act.visibility == Visibility.SEALED


def test_an_unknown_sealing_is_refused(world, clerk):
    with pytest.raises(RuleViolation, match="封存类别"):
        receive(clerk, world, sealed="top")
    assert not Case.objects.exists()


def test_a_holiday_marked_on_an_expiry_day_moves_the_running_limit_and_the_act_says_so(
    world, clerk
):
    """Not in custody, a period ending on a holiday ends on the next working day: marking
    the day a holiday after intake moves the stored expiry (and the desk's warnings)."""
    from procuracy.cases import services as calendar

    for days_ago in (1, 2, 3):  # a case whose expiry is an ordinary weekday
        case = receive(clerk, world, case_type="prosecution_review", days_ago=days_ago)
        expiry = case.due_on
        if expiry.weekday() < 5:
            break
    calendar.mark_day(actor=SYSTEM, day=expiry, kind="holiday", name="测试假日")
    case.refresh_from_db()
    assert case.due_on > expiry
    assert Act.objects.filter(kind="cases.calendar_marked").last().body["time_limits_moved"] >= 1
    calendar.unmark_day(actor=SYSTEM, day=expiry, reason="标错了")
    case.refresh_from_db()
    assert case.due_on == expiry


def test_a_committee_matter_is_not_decided_outside_a_meeting(world, clerk):
    issue(world, "base", [item(1, "prosecute", "committee", when_any=["major"])])
    case = handling(world, clerk, flags=["major"])
    with pytest.raises(ActDenied, match="检察委员会"):
        lifecycle.decide(
            actor=world.actor(world.chief), case=case, matter="prosecute", reasoning="起诉"
        )


def test_a_fast_track_case_whose_likely_sentence_exceeds_a_year_runs_fifteen_days(world, clerk):
    case = handling(world, clerk, case_type="fast_track", days_ago=1)
    ten = case.due_on
    with pytest.raises(RuleViolation, match="没有“major”这一情形"):
        lifecycle.set_stage_variant(
            actor=world.actor(world.alice), case=case, variant="major", reason="x"
        )
    with pytest.raises(ActDenied):
        lifecycle.set_stage_variant(
            actor=world.actor(world.bob), case=case, variant="over_one_year", reason="x"
        )
    stage = lifecycle.set_stage_variant(
        actor=world.actor(world.alice),
        case=case,
        variant="over_one_year",
        reason="可能判处的有期徒刑超过一年",
    )
    case.refresh_from_db()
    assert stage.variant == "over_one_year"
    assert (stage.expires_on - stage.started_on).days >= 15 > (ten - stage.started_on).days
    assert case.due_on == stage.expires_on
    assert any("可能判处的有期徒刑超过一年" in line for line in stage.explanation)


def test_loading_a_years_holidays_records_every_time_limit_it_rewrites(world, clerk):
    """Before the year's holidays are loaded an explanation says so; loading them rewrites
    it, and the calendar act records each rewritten row, so the ledger still vouches for
    them all."""
    from procuracy.cases import services as calendar
    from procuracy.ledger.verify import verify

    case = receive(clerk, world, case_type="prosecution_review", days_ago=60)
    stage = Stage.objects.get(case=case)
    assert any("尚未载入日历" in line for line in stage.explanation)
    calendar.load_official_year(actor=SYSTEM, year=stage.expires_on.year)
    stage.refresh_from_db()
    assert not any("尚未载入日历" in line for line in stage.explanation)
    assert stage.ledger_seq == Act.objects.get(kind="cases.calendar_loaded").seq
    assert verify().problems == []
