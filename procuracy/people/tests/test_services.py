import datetime

import pytest

from conftest import PASSWORD, REFORM, SYSTEM
from procuracy.caseorgs.models import CaseHandlingOrg, Membership
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.people import services
from procuracy.people.models import Category, Employment, PositionKind, Staff

D = datetime.date


def register(world, name, category=Category.ASSISTANT, **kw):
    return services.register_staff(
        actor=SYSTEM,
        procuratorate=world.base,
        department=world.criminal,
        name=name,
        gender="M",
        category=category,
        employment=kw.pop("employment", Employment.REGULAR),
        joined_on=kw.pop("joined_on", D(2020, 1, 1)),
        **kw,
    )


def test_registering_a_person_keeps_pinyin_and_initials_for_search(world):
    person = register(world, "欧阳修远")
    assert (person.pinyin, person.initials) == ("ouyangxiuyuan", "oyxy")
    assert list(Staff.objects.search("oyxy")) == [person]
    assert set(Staff.objects.search("ouyang")) == {person, world.olga}
    assert person in Staff.objects.search("修远")


def test_a_person_needs_a_name(world):
    with pytest.raises(RuleViolation) as broken:
        register(world, "   ")
    assert broken.value.field == "name"


def test_a_department_of_another_procuratorate_is_refused(world):
    with pytest.raises(RuleViolation, match="不属于"):
        services.register_staff(
            actor=SYSTEM,
            procuratorate=world.base,
            department=world.other_criminal,
            name="王五",
            gender="M",
            category=Category.CLERK,
            employment=Employment.CONTRACT,
            joined_on=D(2020, 1, 1),
        )


def test_present_on_a_day_leaves_out_those_away_or_not_yet_joined(world):
    day = D(2024, 5, 8)
    services.record_absence(
        actor=SYSTEM,
        staff=world.bob,
        kind="training",
        starts_on=D(2024, 5, 6),
        ends_on=D(2024, 5, 10),
    )
    newcomer = register(world, "新来", joined_on=D(2025, 1, 1))
    present = Staff.objects.present_on(day)
    assert world.alice in present
    assert world.bob not in present
    assert newcomer not in present
    assert world.bob in Staff.objects.present_on(D(2024, 5, 11))


def test_an_absence_cannot_end_before_it_starts_or_overlap_another(world):
    with pytest.raises(RuleViolation) as broken:
        services.record_absence(
            actor=SYSTEM,
            staff=world.bob,
            kind="leave",
            starts_on=D(2024, 5, 6),
            ends_on=D(2024, 5, 1),
        )
    assert broken.value.field == "ends_on"
    services.record_absence(
        actor=SYSTEM, staff=world.bob, kind="leave", starts_on=D(2024, 5, 6), ends_on=D(2024, 5, 9)
    )
    with pytest.raises(RuleViolation, match="重叠"):
        services.record_absence(
            actor=SYSTEM,
            staff=world.bob,
            kind="sick",
            starts_on=D(2024, 5, 9),
            ends_on=D(2024, 5, 12),
        )


def test_only_a_prosecutor_may_be_chief_deputy_or_committee_member(world):
    with pytest.raises(RuleViolation, match="须由检察官担任"):
        services.appoint(
            actor=SYSTEM,
            staff=world.erin,
            kind=PositionKind.COMMITTEE_MEMBER,
            valid_from=D(2024, 1, 1),
        )


def test_a_procuratorate_has_one_chief_at_a_time(world):
    with pytest.raises(RuleViolation, match="已有检察长"):
        services.appoint(
            actor=SYSTEM,
            staff=world.head,
            kind=PositionKind.ACTING_CHIEF,
            valid_from=D(2024, 1, 1),
        )
    chief = world.chief.positions.get(kind=PositionKind.CHIEF)
    services.end_position(actor=SYSTEM, position=chief, on=D(2024, 1, 1))
    acting = services.appoint(
        actor=SYSTEM, staff=world.head, kind=PositionKind.ACTING_CHIEF, valid_from=D(2024, 1, 1)
    )
    assert acting.holds_on(D(2024, 1, 1)) and not chief.holds_on(D(2024, 1, 1))


def test_grades_are_the_twelve_statutory_ones_and_only_for_prosecutors(world):
    with pytest.raises(RuleViolation, match="只有检察官"):
        services.record_grade(
            actor=SYSTEM, staff=world.erin, grade=10, effective_on=D(2021, 1, 1), reason="initial"
        )
    with pytest.raises(RuleViolation, match="首席大检察官"):
        services.record_grade(
            actor=SYSTEM, staff=world.chief, grade=1, effective_on=D(2021, 1, 1), reason="special"
        )
    with pytest.raises(RuleViolation, match="十二级"):
        services.record_grade(
            actor=SYSTEM, staff=world.chief, grade=13, effective_on=D(2021, 1, 1), reason="special"
        )


def test_grade_history_is_kept_and_the_latest_applies(world):
    services.record_grade(
        actor=SYSTEM, staff=world.alice, grade=8, effective_on=D(2022, 3, 1), reason="scheduled"
    )
    assert list(world.alice.grades.values_list("grade", flat=True)) == [9, 8]


def test_only_prosecutors_enter_the_quota_and_once_at_a_time(world):
    with pytest.raises(RuleViolation, match="只有检察官"):
        services.enter_quota(actor=SYSTEM, staff=world.erin, on=D(2021, 1, 1))
    with pytest.raises(RuleViolation, match="已是员额检察官"):
        services.enter_quota(actor=SYSTEM, staff=world.alice, on=D(2021, 1, 1))


def test_leaving_the_quota_ends_sole_and_lead_roles_that_day(world):
    day = D(2025, 3, 1)
    services.exit_quota(actor=SYSTEM, staff=world.alice, on=day, reason="岗位调整")
    org = CaseHandlingOrg.objects.get(pk=world.sole_alice.pk)
    assert org.valid_to == day
    assert not Staff.objects.in_quota_on(day).filter(pk=world.alice.pk).exists()
    assert (
        Staff.objects.in_quota_on(day - datetime.timedelta(days=1))
        .filter(pk=world.alice.pk)
        .exists()
    )


def test_leaving_the_procuratorate_leaves_its_organisations_that_day(world):
    day = D(2025, 6, 30)
    services.staff_leaves(actor=SYSTEM, staff=world.carol, on=day, reason="退休")
    carol = Staff.objects.get(pk=world.carol.pk)
    assert carol.left_on == day
    assert not Membership.objects.on(day).filter(staff=carol).exists()
    assert Membership.objects.on(day - datetime.timedelta(days=1)).filter(staff=carol).exists()
    assert not carol.user.is_active
    team = CaseHandlingOrg.objects.get(pk=world.team.pk)
    assert team.valid_to is None  # the team goes on; its lead is vacant until a new one is named


def test_a_transfer_to_another_procuratorate_ends_positions_and_memberships(world):
    day = D(2025, 2, 1)
    services.transfer_staff(
        actor=SYSTEM,
        staff=world.head,
        procuratorate=world.other_base,
        department=world.other_criminal,
        on=day,
    )
    head = Staff.objects.get(pk=world.head.pk)
    assert head.procuratorate == world.other_base
    assert not head.positions.on(day).exists()
    assert [(p.procuratorate_id, p.valid_to) for p in head.postings.all()] == [
        (world.base.pk, day),
        (world.other_base.pk, None),
    ]


def test_a_transfer_needs_power_at_both_ends(world):
    with pytest.raises(ActDenied):
        services.transfer_staff(
            actor=world.actor(world.grace),
            staff=world.bob,
            procuratorate=world.other_base,
            department=world.other_criminal,
            on=D(2025, 2, 1),
        )
    assert Staff.objects.get(pk=world.bob.pk).procuratorate == world.base


def test_an_account_is_opened_once_with_a_sound_password(world):
    dave = world.dave
    with pytest.raises(RuleViolation) as broken:
        services.open_account(actor=SYSTEM, staff=dave, login="dave", password="123")
    assert broken.value.field == "password"
    with pytest.raises(RuleViolation, match="已被使用"):
        services.open_account(actor=SYSTEM, staff=dave, login="alice", password=PASSWORD)
    services.open_account(actor=SYSTEM, staff=dave, login="dave", password=PASSWORD)
    assert Act.objects.filter(kind="people.account_opened", subject_id=dave.pk).exists()


def test_a_personnel_officer_registers_staff_but_a_clerk_cannot(world):
    grace, frank = world.actor(world.grace), world.actor(world.frank)
    person = services.register_staff(
        actor=grace,
        procuratorate=world.base,
        department=None,
        name="新人",
        gender="F",
        category=Category.CLERK,
        employment=Employment.CONTRACT,
        joined_on=REFORM,
    )
    assert Act.objects.get(kind="people.staff_registered", subject_id=person.pk).actor == (
        world.grace
    )
    with pytest.raises(ActDenied):
        services.register_staff(
            actor=frank,
            procuratorate=world.base,
            department=None,
            name="另一人",
            gender="F",
            category=Category.CLERK,
            employment=Employment.CONTRACT,
            joined_on=REFORM,
        )
