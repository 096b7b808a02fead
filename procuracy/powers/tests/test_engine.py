"""The engine's answers: granted by an item, reserved with the path upward, the default rule,
delegations, effective dates, and refused attempts recorded by the spine."""

import datetime

import pytest

from procuracy.core.errors import RuleViolation
from procuracy.powers import services
from procuracy.powers.engine import Context, authorize
from procuracy.powers.models import Matter, Refusal
from procuracy.powers.tests.support import IN_FORCE, issue, item


def arrest_items():
    return [
        item(1, "approve_arrest", "prosecutor", unless=["major", "difficult", "complex"]),
        item(2, "approve_arrest", "department_head", "review", when_any=["major", "complex"]),
        item(3, "approve_arrest", "chief", when_any=["major", "difficult", "complex"]),
        item(4, "protest", "committee"),
    ]


@pytest.fixture
def base_list(world):
    return issue(world, "base", arrest_items())


def at(world, **facts):
    facts.setdefault("on", IN_FORCE)
    return Context(procuratorate=world.base, **facts)


def test_an_item_grants_its_holder_and_says_which_item(world, base_list):
    decision = authorize(world.actor(world.alice), "approve_arrest", at(world))
    assert decision.allowed
    assert decision.rule.number == 1
    assert decision.sentence == "“批准逮捕”由检察官决定(权力清单 基层院第 1 项)。"


def test_a_reserved_matter_names_the_path_upward(world, base_list):
    decision = authorize(
        world.actor(world.alice), "approve_arrest", at(world, flags=frozenset({"major"}))
    )
    assert not decision.allowed
    assert [s.label for s in decision.path] == ["部门负责人审核", "检察长决定"]
    assert (
        decision.sentence == "“批准逮捕”须经部门负责人审核后,由检察长决定(权力清单 基层院第 3 项)。"
    )
    chief = authorize(
        world.actor(world.chief), "approve_arrest", at(world, flags=frozenset({"major"}))
    )
    assert chief.allowed and chief.rule.number == 3


def test_the_committees_matters_are_nobodys_alone(world, base_list):
    decision = authorize(world.actor(world.chief), "protest", at(world))
    assert not decision.allowed
    assert "须提请检察委员会讨论决定" in decision.sentence
    assert authorize(world.actor(world.chief), "protest", at(world, body="committee")).allowed


def test_an_assistant_holds_no_power_even_on_the_list(world, base_list):
    assert not authorize(world.actor(world.erin), "approve_arrest", at(world)).allowed


def test_an_unlisted_matter_is_the_chiefs_unless_delegated_in_writing(world, base_list):
    bail = Matter.objects.get(code="bail")
    alice = world.actor(world.alice)
    refused = authorize(alice, "bail", at(world))
    assert not refused.allowed
    assert "未列入权力清单,由检察长决定" in refused.sentence
    assert authorize(world.actor(world.chief), "bail", at(world)).allowed
    services.delegate(
        actor=world.actor(world.chief),
        procuratorate=world.base,
        delegate=world.alice,
        matter=bail,
        document_no="城检授〔2026〕1号",
        instruction="授权安丽决定本院普通刑事案件取保候审。",
        valid_from=IN_FORCE,
        valid_to=IN_FORCE + datetime.timedelta(days=30),
    )
    granted = authorize(alice, "bail", at(world))
    assert granted.allowed and granted.grant.document_no == "城检授〔2026〕1号"
    later = at(world, on=IN_FORCE + datetime.timedelta(days=30))
    assert not authorize(alice, "bail", later).allowed
    assert not authorize(world.actor(world.bob), "bail", at(world)).allowed


def test_a_reserved_matter_cannot_be_delegated(world, base_list):
    with pytest.raises(RuleViolation, match="保留由检察委员会决定"):
        services.delegate(
            actor=world.actor(world.chief),
            procuratorate=world.base,
            delegate=world.alice,
            matter=Matter.objects.get(code="protest"),
            document_no="城检授〔2026〕2号",
            instruction="授权",
            valid_from=IN_FORCE,
        )


def test_a_version_holds_from_its_effective_day_to_the_day_the_next_takes_over(world, base_list):
    later = IN_FORCE + datetime.timedelta(days=100)
    issue(world, "base", [item(1, "approve_arrest", "chief")], effective_from=later)
    alice = world.actor(world.alice)
    assert authorize(
        alice, "approve_arrest", at(world, on=later - datetime.timedelta(days=1))
    ).allowed
    assert not authorize(alice, "approve_arrest", at(world, on=later)).allowed
    before = Context(procuratorate=world.base, on=IN_FORCE - datetime.timedelta(days=1))
    assert "未列入权力清单" in authorize(alice, "approve_arrest", before).sentence


def test_a_list_cannot_take_effect_before_the_day_it_is_approved(world, base_list):
    from procuracy.powers.models import PowerList

    version = services.draft_version(
        actor=world.actor(world.province_chief),
        power_list=PowerList.objects.get(level="base"),
    )
    with pytest.raises(RuleViolation, match="不得早于批准之日"):
        services.approve_version(
            actor=world.actor(world.province_chief),
            version=version,
            effective_from=datetime.date(2020, 1, 1),
        )


def test_only_the_issuing_chief_approves(world, base_list):
    from procuracy.core.errors import ActDenied
    from procuracy.powers.models import PowerList

    version = services.draft_version(
        actor=world.actor(world.province_chief), power_list=PowerList.objects.get(level="base")
    )
    with pytest.raises(ActDenied):
        services.approve_version(
            actor=world.actor(world.chief),
            version=version,
            effective_from=datetime.date(2099, 1, 1),
        )
    refusal = Refusal.objects.get()
    assert refusal.act == "powers.approve" and refusal.actor == world.chief


def test_overlapping_deciders_and_loops_are_refused_row_by_row(world):
    from procuracy.powers.services import ListProblems

    with pytest.raises(ListProblems) as refused:
        issue(
            world,
            "base",
            [
                item(1, "prosecute", "prosecutor"),
                item(2, "prosecute", "prosecutor", when_any=["major"]),
                item(3, "bail", "chief", "review"),
                item(4, "bail", "department_head"),
            ],
        )
    reasons = refused.value.reasons
    assert any("第 1 项与第 2 项" in r and "适用条件重叠" in r for r in reasons)
    assert any("第 3 项与第 4 项" in r and "循环" in r for r in reasons)
    from procuracy.powers.models import ListVersion

    assert not ListVersion.objects.exists()


def test_the_committee_approves_where_the_province_requires_it(world, base_list, settings):
    from procuracy.powers.models import PowerList

    power_list = PowerList.objects.get(level="base")
    chief = world.actor(world.province_chief)
    version = services.draft_version(actor=chief, power_list=power_list)
    later = datetime.date(2099, 1, 1)
    with pytest.raises(RuleViolation, match="须经检察委员会审议批准"):
        services.approve_version(actor=chief, version=version, effective_from=later, body="chief")
    with pytest.raises(RuleViolation, match="会议纪要"):
        services.approve_version(
            actor=chief, version=version, effective_from=later, body="committee"
        )
    settings.PROCURACY_POWER_LIST_APPROVAL = "chief"
    approved = services.approve_version(
        actor=chief, version=version, effective_from=later, body="chief"
    )
    assert (approved.status, approved.approved_by) == ("approved", world.province_chief)


def test_a_procuratorate_adds_items_only_for_matters_the_province_leaves_out(world):
    from procuracy.powers.services import ListProblems

    issue(world, "base", arrest_items(), allows_additions=True)
    with pytest.raises(ListProblems) as refused:
        issue(
            world,
            "base",
            [item(1, "approve_arrest", "prosecutor", when_any=["major"])],
            kind="additions",
            procuratorate=world.base,
        )
    assert "已列入全省统一清单" in refused.value.reasons[0]
    issue(
        world,
        "base",
        [item(1, "judicial_relief", "prosecutor", line="complaints")],
        kind="additions",
        procuratorate=world.base,
    )
    decision = authorize(world.actor(world.alice), "judicial_relief", at(world))
    assert decision.allowed
    assert decision.sentence == "“司法救助决定”由检察官决定(权力清单 本院补充清单第 1 项)。"
    # The other base procuratorate has no additions: the matter stays the chief's there.
    elsewhere = Context(procuratorate=world.other_base, on=IN_FORCE)
    assert (
        "未列入权力清单"
        in authorize(world.actor(world.olga), "judicial_relief", elsewhere).sentence
    )


def test_one_compiled_index_serves_the_days_between_two_effective_dates(world):
    """The lists change only on a version's effective date (or a delegation's first or last
    day): the engine compiles once for the days between, and anew across such a date."""
    from procuracy.powers import engine

    issue(world, "base", [item(1, "approve_arrest", "prosecutor")], effective_from=IN_FORCE)
    later = IN_FORCE + datetime.timedelta(days=40)
    issue(world, "base", [item(1, "approve_arrest", "chief")], effective_from=later)
    engine.forget()
    alice = world.actor(world.alice)

    def allowed(day):
        return authorize(alice, "approve_arrest", at(world, on=day)).allowed

    assert allowed(IN_FORCE) and allowed(later - datetime.timedelta(days=1))
    assert len(engine._indexes[world.base.pk]) == 1
    assert not allowed(later) and not allowed(later + datetime.timedelta(days=300))
    assert len(engine._indexes[world.base.pk]) == 2


def test_a_new_post_counts_at_once_though_who_people_are_is_kept_across_requests(world):
    """The engine keeps each person's posts between requests; an act that writes a post drops
    them, so the next answer (even to an actor object made before) sees it."""
    from procuracy.core.actors import Actor
    from procuracy.people import services as people

    issue(world, "base", [item(1, "return_investigation", "department_head")])
    ask = at(world, on=datetime.date.today())
    assert not authorize(world.actor(world.alice), "return_investigation", ask).allowed
    people.appoint(
        actor=Actor.system(),
        staff=world.alice,
        kind="department_head",
        department=world.civil,
        valid_from=datetime.date(2020, 1, 1),
    )
    assert authorize(world.actor(world.alice), "return_investigation", ask).allowed
