import pytest

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.models import Act
from procuracy.core.permissions import ROLE_RULES
from procuracy.core.spine import SERVICES
from procuracy.people import services as people
from procuracy.people.models import Absence


@pytest.mark.django_db
def test_every_service_declares_a_known_permission():
    """A role rule declared beside it, or a matter of the power lists' catalogue."""
    import procuracy.assignment.services
    import procuracy.caseorgs.services
    import procuracy.cases.intake
    import procuracy.cases.lifecycle
    import procuracy.organisation.services  # noqa: F401
    from procuracy.powers.models import Matter

    matters = set(Matter.objects.values_list("code", flat=True))
    assert len(SERVICES) >= 15
    for fn in SERVICES:
        chosen = fn.permission if isinstance(fn.permission, tuple) else (fn.permission,)
        assert chosen, fn.__qualname__
        for permission in chosen:
            assert permission in ROLE_RULES or permission in matters, fn.__qualname__


def test_an_act_leaves_its_record_with_actor_and_times(world):
    chief = world.actor(world.chief)
    absence = people.record_absence(
        actor=Actor.system(),
        staff=world.alice,
        kind="training",
        starts_on=world.alice.joined_on.replace(year=2024),
        ends_on=world.alice.joined_on.replace(year=2024, day=5),
    )
    act = Act.objects.get(kind="people.absence_recorded", subject_id=absence.pk)
    assert act.actor_label == "system"
    assert act.procuratorate == world.base
    assert act.recorded_at >= act.occurred_at
    assert chief.staff == world.chief


def test_a_denied_act_writes_only_the_refusal_and_says_who_may(world):
    from procuracy.powers.models import Refusal

    before = Act.objects.count()
    with pytest.raises(ActDenied) as denied:
        people.record_absence(
            actor=world.actor(world.alice),
            staff=world.bob,
            kind="leave",
            starts_on=world.bob.joined_on,
            ends_on=world.bob.joined_on,
        )
    assert "政治部" in denied.value.reason
    assert not world.bob.absences.exists()
    # Who tried what, when: one act, the refusal, ledgered.
    assert list(Act.objects.filter(seq__gte=before).values_list("kind", flat=True)) == [
        "powers.refused"
    ]
    refusal = Refusal.objects.get()
    assert (refusal.actor, refusal.act) == (world.alice, "people.manage")
    assert refusal.reason == denied.value.reason


def test_a_persons_timeline_holds_the_acts_on_their_absences_and_positions(world):
    from procuracy.core.selectors import acts_about

    kinds = {act.kind for act in acts_about(world.head)}
    assert {"people.staff_registered", "people.position_appointed", "people.grade_recorded"} <= (
        kinds
    )
    assert "people.position_appointed" not in {act.kind for act in acts_about(world.bob)}


def test_a_refusal_inside_one_transaction_undoes_the_whole_load(world):
    import datetime

    from procuracy.core.errors import RuleViolation
    from procuracy.core.spine import one_transaction

    before = Act.objects.count()
    with pytest.raises(RuleViolation), one_transaction():
        people.record_absence(
            actor=Actor.system(),
            staff=world.bob,
            kind="leave",
            starts_on=datetime.date(2025, 1, 6),
            ends_on=datetime.date(2025, 1, 7),
        )
        people.record_absence(
            actor=Actor.system(),
            staff=world.bob,
            kind="leave",
            starts_on=datetime.date(2025, 1, 7),
            ends_on=datetime.date(2025, 1, 6),
        )
    assert Act.objects.count() == before
    assert not world.bob.absences.exists()


def test_acts_of_one_transaction_are_all_written_in_the_order_performed(world):
    import datetime

    from procuracy.core.spine import one_transaction

    last = Act.objects.order_by("-seq").first().seq
    with one_transaction():
        for day in (3, 10, 17):
            people.record_absence(
                actor=Actor.system(),
                staff=world.bob,
                kind="training",
                starts_on=datetime.date(2025, 3, day),
                ends_on=datetime.date(2025, 3, day + 1),
            )
    written = list(Act.objects.filter(seq__gt=last).order_by("seq"))
    assert [a.seq for a in written] == [last + 1, last + 2, last + 3]
    absences = Absence.objects.filter(pk__in=[a.subject_id for a in written])
    starts = {a.pk: a.starts_on.day for a in absences}
    assert [starts[a.subject_id] for a in written] == [3, 10, 17]


def test_a_case_act_is_answered_by_the_power_list_and_its_refusal_recorded(world):
    """The spine's other kind of permission: a matter, with the case's facts as context."""
    from procuracy.core.spine import record, service
    from procuracy.powers.engine import Context
    from procuracy.powers.models import Refusal
    from procuracy.powers.tests.support import IN_FORCE, issue, item

    issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major"]),
            item(2, "approve_arrest", "chief", when_any=["major"]),
        ],
    )

    @service(
        "approve_arrest",
        where=lambda kw: world.base,
        context=lambda kw: Context(procuratorate=world.base, flags=kw["flags"], on=IN_FORCE),
    )
    def approve(*, actor, flags):
        record(actor=actor, kind="test.arrest_approved", subject=world.base, rows=[])
        return True

    try:
        alice = world.actor(world.alice)
        assert approve(actor=alice, flags=frozenset())
        with pytest.raises(ActDenied) as denied:
            approve(actor=alice, flags=frozenset({"major"}))
        assert [s.holder for s in denied.value.decision.path] == ["chief"]
        assert Act.objects.filter(kind="test.arrest_approved").count() == 1
        assert Refusal.objects.get().act == "approve_arrest"
    finally:
        SERVICES.remove(approve)
