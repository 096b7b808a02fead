import datetime

import pytest

from conftest import REFORM, SYSTEM
from procuracy.caseorgs import services
from procuracy.caseorgs.models import CaseHandlingOrg, Membership, OrgKind, Role
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.people import services as people
from procuracy.people.models import Category, Employment

D = datetime.date
LATER = D(2025, 1, 1)


def test_a_sole_organisation_has_its_one_quota_prosecutor_and_support(world):
    members = {(m.staff, m.role) for m in world.sole_alice.memberships.all()}
    assert members == {(world.alice, Role.SOLE), (world.erin, Role.ASSISTANT)}


def test_a_prosecutor_outside_the_quota_cannot_be_a_sole_prosecutor(world):
    outsider = people.register_staff(
        actor=SYSTEM,
        procuratorate=world.base,
        department=world.criminal,
        name="未入额",
        gender="M",
        category=Category.PROSECUTOR,
        employment=Employment.REGULAR,
        joined_on=REFORM,
    )
    with pytest.raises(RuleViolation, match="只有员额检察官"):
        services.form_sole_org(
            actor=SYSTEM, department=world.criminal, prosecutor=outsider, valid_from=LATER
        )
    assert not CaseHandlingOrg.objects.filter(memberships__staff=outsider).exists()


def test_an_assistant_cannot_lead_a_team(world):
    with pytest.raises(RuleViolation) as broken:
        services.form_team(
            actor=SYSTEM,
            department=world.criminal,
            name="助理组",
            team_kind="temporary",
            lead=world.erin,
            prosecutors=[world.bob],
            valid_from=LATER,
        )
    assert "只有员额检察官才能担任主办检察官" in broken.value.rule


def test_a_clerk_joins_only_as_a_clerk(world):
    with pytest.raises(RuleViolation, match="相应类别"):
        services.add_member(
            actor=SYSTEM, org=world.team, staff=world.frank, role=Role.ASSISTANT, on=LATER
        )
    joined = services.add_member(
        actor=SYSTEM, org=world.team, staff=world.frank, role=Role.CLERK, on=LATER
    )
    assert joined.role == Role.CLERK


def test_a_team_needs_two_prosecutors(world):
    with pytest.raises(RuleViolation, match="两名以上"):
        services.form_team(
            actor=SYSTEM,
            department=world.criminal,
            name="单人组",
            team_kind="fixed",
            lead=world.bob,
            prosecutors=[],
            valid_from=LATER,
        )
    dave = world.team.memberships.get(staff=world.dave)
    with pytest.raises(RuleViolation, match="两名以上"):
        services.end_membership(actor=SYSTEM, membership=dave, on=LATER)


def test_a_prosecutor_may_be_sole_and_in_a_team_at_once(world):
    team = services.form_team(
        actor=SYSTEM,
        department=world.criminal,
        name="专案组",
        team_kind="temporary",
        lead=world.alice,
        prosecutors=[world.bob],
        valid_from=LATER,
    )
    on_day = Membership.objects.on(LATER).filter(staff=world.alice)
    assert {m.org_id for m in on_day} == {world.sole_alice.pk, team.pk}


def test_one_sole_organisation_per_prosecutor_per_department(world):
    with pytest.raises(RuleViolation, match="已是独任检察官"):
        services.form_sole_org(
            actor=SYSTEM, department=world.criminal, prosecutor=world.alice, valid_from=LATER
        )
    second = services.form_sole_org(
        actor=SYSTEM, department=world.civil, prosecutor=world.alice, valid_from=LATER
    )
    assert second.kind == OrgKind.SOLE and second.department == world.civil


def test_an_organisation_sits_in_a_case_handling_department_of_its_procuratorate(world):
    with pytest.raises(RuleViolation, match="业务机构"):
        services.form_sole_org(
            actor=SYSTEM, department=world.office, prosecutor=world.bob, valid_from=LATER
        )
    with pytest.raises(RuleViolation, match="不在本院工作"):
        services.form_team(
            actor=SYSTEM,
            department=world.criminal,
            name="跨院组",
            team_kind="temporary",
            lead=world.bob,
            prosecutors=[world.olga],
            valid_from=LATER,
        )


def test_changing_the_lead_keeps_the_old_lead_in_the_team_and_the_history(world):
    services.change_lead(actor=SYSTEM, org=world.team, lead=world.dave, on=LATER)
    now = {(m.staff, m.role) for m in world.team.memberships.on(LATER)}
    before = {(m.staff, m.role) for m in world.team.memberships.on(LATER - D.resolution)}
    assert (world.dave, Role.LEAD) in now and (world.carol, Role.PROSECUTOR) in now
    assert (world.carol, Role.LEAD) in before and (world.dave, Role.PROSECUTOR) in before


def test_a_vacant_lead_is_filled_by_changing_the_lead(world):
    people.staff_leaves(actor=SYSTEM, staff=world.carol, on=LATER, reason="调出")
    services.add_member(
        actor=SYSTEM, org=world.team, staff=world.bob, role=Role.PROSECUTOR, on=LATER
    )
    services.change_lead(actor=SYSTEM, org=world.team, lead=world.bob, on=LATER + D.resolution)
    roles = {(m.staff, m.role) for m in world.team.memberships.on(LATER + D.resolution)}
    assert roles >= {(world.bob, Role.LEAD), (world.dave, Role.PROSECUTOR)}


def test_the_lead_and_the_sole_prosecutor_cannot_simply_walk_out(world):
    lead = world.team.memberships.get(role=Role.LEAD)
    with pytest.raises(RuleViolation, match="新的主办检察官"):
        services.end_membership(actor=SYSTEM, membership=lead, on=LATER)
    sole = world.sole_alice.memberships.get(role=Role.SOLE)
    with pytest.raises(RuleViolation, match="撤销该组织"):
        services.end_membership(actor=SYSTEM, membership=sole, on=LATER)


def test_dissolving_ends_every_membership_the_same_day(world):
    services.dissolve_org(actor=SYSTEM, org=world.team, on=LATER)
    assert not world.team.memberships.on(LATER).exists()
    assert world.team.memberships.on(LATER - D.resolution).count() == 3
    assert Act.objects.filter(kind="org.dissolved", subject_id=world.team.pk).exists()


def test_the_chief_forms_organisations_and_a_department_head_may_not(world):
    org = services.form_sole_org(
        actor=world.actor(world.chief),
        department=world.civil,
        prosecutor=world.bob,
        valid_from=LATER,
    )
    assert Act.objects.get(kind="org.sole_formed", subject_id=org.pk).actor == world.chief
    with pytest.raises(ActDenied, match="检察长"):
        services.form_sole_org(
            actor=world.actor(world.head),
            department=world.civil,
            prosecutor=world.carol,
            valid_from=LATER,
        )


def test_a_city_chief_does_not_form_organisations_of_a_base_procuratorate(world):
    with pytest.raises(ActDenied):
        services.form_sole_org(
            actor=world.actor(world.city_chief),
            department=world.civil,
            prosecutor=world.bob,
            valid_from=LATER,
        )


def test_a_person_is_named_once_when_a_team_is_formed(world):
    with pytest.raises(RuleViolation, match="两次"):
        services.form_team(
            actor=SYSTEM,
            department=world.criminal,
            name="重复组",
            team_kind="temporary",
            lead=world.bob,
            prosecutors=[world.bob],
            valid_from=LATER,
        )
    assert not CaseHandlingOrg.objects.filter(name="重复组").exists()
