"""Who may read which ledger entries: as far as the record each one describes is visible.

Open entries (the organisation's structure) to all staff; procuratorate entries to the scope
of their procuratorate; personal entries (absences, grades, ranks) to the offices that keep
personnel files within their reach and to the person concerned; sealed entries to the chief
and the discipline group. An IT administrator reads neither personal nor sealed entries.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import REFORM, SYSTEM
from procuracy.core.actors import Actor
from procuracy.core.models import Act, Visibility
from procuracy.ledger.log import Appender
from procuracy.ledger.selectors import entry_for, filter_acts, visible_acts
from procuracy.people import services as people
from procuracy.people.models import PositionKind

ADMIN = Actor(login="root", is_admin=True)


def seqs(actor) -> set[int]:
    return set(visible_acts(actor).values_list("seq", flat=True))


def sees(world, login_or_actor, act: Act) -> bool:
    actor = login_or_actor
    if not isinstance(actor, Actor):
        actor = world.actor(getattr(world, login_or_actor))
    return act.seq in seqs(actor)


def absence_of(world, staff) -> Act:
    """An absence recorded by grace (personnel): a personal entry about `staff`."""
    people.record_absence(
        actor=world.actor(world.grace),
        staff=staff,
        kind="leave",
        starts_on=datetime.date(2024, 5, 6),
        ends_on=datetime.date(2024, 5, 10),
    )
    return Act.objects.get(kind="people.absence_recorded", body__staff=staff.pk)


def sealed_about(world, staff) -> Act:
    """A sealed entry about `staff` at 城关区院 (interference records will be sealed),
    appended to the log the way the spine appends."""
    act = Act(
        kind="interference.recorded",
        actor_label="system",
        procuratorate=world.base,
        subject_type="people.staff",
        subject_id=staff.pk,
        occurred_at=timezone.now(),
        visibility=Visibility.SEALED,
        body={"staff": staff.pk},
    )
    with transaction.atomic():
        appender = Appender.open()
        appender.add(act, [])
        act.save()
        appender.flush()
    return act


def base_act(world) -> Act:
    """A procuratorate entry of 城关区院: the team formed there."""
    return Act.objects.get(kind="org.team_formed", subject_id=world.team.pk)


def test_open_entries_are_read_by_all_staff_and_the_admin(world):
    opened = Act.objects.get(kind="org.procuratorate_created", subject_id=world.base.pk)
    assert opened.visibility == Visibility.OPEN
    for login in ("alice", "olga", "frank", "province_chief"):
        assert sees(world, login, opened), login
    assert sees(world, ADMIN, opened)


def test_someone_without_a_post_or_who_has_left_reads_nothing(world):
    assert seqs(Actor(login="nobody")) == set()
    people.staff_leaves(
        actor=SYSTEM, staff=world.frank, on=datetime.date(2024, 1, 1), reason="retired"
    )
    assert seqs(world.actor(world.frank)) == set()


def test_the_system_reads_every_entry(world):
    assert seqs(SYSTEM) == set(Act.objects.values_list("seq", flat=True))


def test_procuratorate_entries_follow_the_scope_of_their_procuratorate(world):
    act = base_act(world)
    assert act.visibility == Visibility.PROCURATORATE
    for login in ("alice", "frank", "chief", "city_chief", "province_chief"):
        assert sees(world, login, act), login
    assert not sees(world, "olga", act)
    assert sees(world, ADMIN, act)


def test_a_procuratorate_entry_with_no_procuratorate_counts_as_open(world):
    act = base_act(world)
    Act.objects.filter(pk=act.pk).update(procuratorate=None)
    assert sees(world, "olga", act)


def test_personal_entries_go_to_the_personnel_office_and_leaders_within_reach(world):
    act = absence_of(world, world.bob)
    assert act.visibility == Visibility.PERSONAL
    for login in ("grace", "chief", "city_chief", "province_chief"):
        assert sees(world, login, act), login
    assert not sees(world, "alice", act)  # a colleague
    assert not sees(world, "head", act)  # a department head keeps no personnel files
    assert not sees(world, "olga", act)


def test_the_person_an_entry_is_about_reads_it(world):
    act = absence_of(world, world.bob)
    assert sees(world, "bob", act)
    assert not sees(world, "alice", act)


def test_the_admin_reads_procuratorate_entries_but_not_personal_ones(world):
    act = absence_of(world, world.bob)
    assert not sees(world, ADMIN, act)
    assert sees(world, ADMIN, base_act(world))


def test_personnel_at_another_base_does_not_read_this_bases_personal_entries(world):
    people.appoint(actor=SYSTEM, staff=world.olga, kind=PositionKind.INSPECTION, valid_from=REFORM)
    act = absence_of(world, world.bob)
    assert not sees(world, "olga", act)


def test_sealed_entries_go_to_the_chief_and_the_discipline_group_only(world):
    people.appoint(actor=SYSTEM, staff=world.erin, kind=PositionKind.DISCIPLINE, valid_from=REFORM)
    act = sealed_about(world, world.bob)
    for login in ("erin", "chief", "city_chief", "province_chief"):
        assert sees(world, login, act), login
    for login in ("grace", "bob", "alice", "head", "olga"):
        assert not sees(world, login, act), login
    assert not sees(world, ADMIN, act)


def test_an_entry_one_may_not_read_is_missing_like_one_that_does_not_exist(world):
    act = absence_of(world, world.bob)
    assert entry_for(world.actor(world.grace), act.seq) == act
    with pytest.raises(Act.DoesNotExist):
        entry_for(world.actor(world.alice), act.seq)
    with pytest.raises(Act.DoesNotExist):
        entry_for(world.actor(world.grace), 10**9)


def test_the_filters_narrow_by_kind_actor_procuratorate_subject_and_day(world):
    act = absence_of(world, world.bob)
    everything = visible_acts(SYSTEM)

    def found(**filters) -> set[int]:
        return set(filter_acts(everything, **filters).values_list("seq", flat=True))

    assert found(kind="people.absence_recorded") == {act.seq}
    assert act.seq in found(actor=world.grace.pk)
    assert found(actor=world.grace.pk) == found(who="葛青") == found(who="gq")
    assert act.seq not in found(who="system")
    assert act.seq in found(procuratorate=world.base.pk)
    assert act.seq not in found(procuratorate=world.other_base.pk)
    assert act.seq in found(subject_type="people.absence")
    # A person's record takes in the acts on their parts (an absence), as their timeline does.
    assert act.seq in found(subject_type="people.staff", subject_id=world.bob.pk)
    assert act.seq not in found(subject_type="people.staff", subject_id=world.alice.pk)
    day = timezone.localdate(act.occurred_at)
    assert act.seq in found(date_from=day, date_to=day)
    assert act.seq not in found(date_to=day - datetime.timedelta(days=1))
    assert act.seq not in found(date_from=day + datetime.timedelta(days=1))
