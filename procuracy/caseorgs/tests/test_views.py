"""An organisation's page: its members and their history, and the membership forms."""

from django.urls import reverse

from procuracy.caseorgs.models import Membership
from procuracy.core.models import Act


def detail(org):
    return reverse("caseorgs:detail", args=[org.pk])


def membership(world, staff, org):
    return Membership.objects.get(org=org, staff=staff, valid_to__isnull=True)


def end_url(org, member):
    return reverse("caseorgs:end_membership", args=[org.pk, member.pk])


def test_a_team_page_shows_its_type_members_roles_and_history(world, sign_in):
    html = sign_in("alice").get(detail(world.team)).content.decode()
    for text in (
        "刑事第一办案组",
        "固定办案组",
        "第一检察部",
        "蔡蕾",
        "主办检察官",
        "丁伟",
        "组员检察官",
    ):
        assert text in html, text
    assert "鄂琳" in html and "检察官助理" in html
    assert "组建检察官办案组" in html  # the act that formed it
    assert "2019-07-01" in html


def test_a_sole_prosecutor_page_names_the_prosecutor(world, sign_in):
    html = sign_in("bob").get(detail(world.sole_bob)).content.decode()
    assert "独任检察官" in html and "包博" in html and "方舟" in html


def test_another_base_cannot_open_the_team_but_the_city_chief_can(world, sign_in):
    assert sign_in("olga").get(detail(world.team)).status_code == 404
    assert sign_in("city_chief").get(detail(world.team)).status_code == 200


def test_the_membership_forms_show_only_to_those_who_may_adjust(world, sign_in):
    html = sign_in("alice").get(detail(world.team)).content.decode()
    assert "增补成员" not in html and "结束成员身份" not in html
    html = sign_in("chief").get(detail(world.team)).content.decode()
    assert "增补成员" in html and "结束成员身份" in html


def test_the_chief_adds_a_clerk_to_the_team(world, sign_in):
    client = sign_in("chief")
    answer = client.post(
        reverse("caseorgs:add_member", args=[world.team.pk]),
        {"staff": world.frank.pk, "role": "clerk", "on": "2024-05-06"},
    )
    assert answer.status_code == 302
    assert membership(world, world.frank, world.team).role == "clerk"
    assert "已增补成员。" in client.get(detail(world.team)).content.decode()


def test_a_broken_rule_is_shown_on_the_field_and_nothing_is_written(world, sign_in):
    acts = Act.objects.count()
    answer = sign_in("chief").post(
        reverse("caseorgs:add_member", args=[world.team.pk]),
        {"staff": world.frank.pk, "role": "prosecutor", "on": "2024-05-06"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="id_staff_error">组员检察官须由相应类别人员担任;方舟 是书记员。' in html
    assert not Membership.objects.filter(org=world.team, staff=world.frank).exists()
    assert Act.objects.count() == acts


def test_missing_and_malformed_fields_are_refused_in_chinese(world, sign_in):
    answer = sign_in("chief").post(
        reverse("caseorgs:add_member", args=[world.team.pk]), {"role": "clerk", "on": "06/05"}
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="id_staff_error">这个字段是必填项。' in html
    assert 'id="id_on_error">输入一个有效的日期。' in html


def test_a_denied_add_says_who_may_adjust_the_team(world, sign_in):
    answer = sign_in("alice").post(
        reverse("caseorgs:add_member", args=[world.team.pk]),
        {"staff": world.frank.pk, "role": "clerk", "on": "2024-05-06"},
    )
    assert answer.status_code == 403
    assert "检察长" in answer.content.decode()
    assert not Membership.objects.filter(org=world.team, staff=world.frank).exists()


def test_the_chief_ends_a_membership_and_it_stays_in_history(world, sign_in):
    client = sign_in("chief")
    erin = membership(world, world.erin, world.team)
    answer = client.post(end_url(world.team, erin), {"on": "2024-06-01"})
    assert answer.status_code == 302
    erin.refresh_from_db()
    assert erin.valid_to.isoformat() == "2024-06-01"
    html = client.get(detail(world.team)).content.decode()
    history = html.split('id="history-title"')[1]
    assert "鄂琳" in history and "2024-06-01" in history


def test_ending_a_membership_before_it_began_is_refused_on_its_row(world, sign_in):
    erin = membership(world, world.erin, world.team)
    answer = sign_in("chief").post(end_url(world.team, erin), {"on": "2019-01-01"})
    assert answer.status_code == 200
    assert f'id="end-{erin.pk}-on_error">离开日期须晚于加入日期。' in answer.content.decode()
    erin.refresh_from_db()
    assert erin.valid_to is None


def test_a_denied_end_shows_the_reason(world, sign_in):
    erin = membership(world, world.erin, world.team)
    answer = sign_in("alice").post(end_url(world.team, erin), {"on": "2024-06-01"})
    assert answer.status_code == 403
    assert "检察长" in answer.content.decode()
    erin.refresh_from_db()
    assert erin.valid_to is None


def test_a_membership_of_another_org_is_not_found_under_this_one(world, sign_in):
    erin = membership(world, world.erin, world.sole_alice)
    answer = sign_in("chief").post(end_url(world.team, erin), {"on": "2024-06-01"})
    assert answer.status_code == 404
