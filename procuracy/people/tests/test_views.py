"""The staff list (filters, pinyin search, htmx), a staff member's page and the absence form."""

import re

from django.urls import reverse

from conftest import REFORM, SYSTEM
from procuracy.core.models import Act
from procuracy.people import services
from procuracy.people.models import Absence, Category, Employment

LIST = reverse("people:list")


def detail(staff):
    return reverse("people:detail", args=[staff.pk])


def listed(answer) -> list[str]:
    """The names in the results table, in order."""
    results = answer.content.decode().split('id="staff-results"')[-1]
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', results)


def test_the_staff_list_shows_the_staff_of_ones_own_procuratorate(world, sign_in):
    answer = sign_in("alice").get(LIST)
    assert answer.status_code == 200
    assert set(listed(answer)) == {
        "韩川",
        "金海",
        "安丽",
        "包博",
        "蔡蕾",
        "丁伟",
        "鄂琳",
        "方舟",
        "葛青",
    }
    assert "共 9 人" in answer.content.decode()


def test_search_finds_by_pinyin_initials_full_pinyin_and_name(world, sign_in):
    client = sign_in("alice")
    assert listed(client.get(LIST, {"q": "al"})) == ["安丽"]
    assert listed(client.get(LIST, {"q": "baobo"})) == ["包博"]
    assert listed(client.get(LIST, {"q": "蔡"})) == ["蔡蕾"]
    assert listed(client.get(LIST, {"q": "zzz"})) == []
    assert "没有符合条件的人员。" in client.get(LIST, {"q": "zzz"}).content.decode()


def test_filters_narrow_the_list(world, sign_in):
    client = sign_in("city_chief")
    base = {"procuratorate": world.base.pk}
    assert set(listed(client.get(LIST, {**base, "category": "assistant"}))) == {"鄂琳"}
    assert set(listed(client.get(LIST, {**base, "quota": "no"}))) == {"鄂琳", "方舟", "葛青"}
    assert set(listed(client.get(LIST, {**base, "department": world.office.pk}))) == {"葛青"}
    assert listed(client.get(LIST, {"procuratorate": world.other_base.pk})) == ["欧阳晓"]
    assert listed(client.get(LIST, {**base, "employment": "contract"})) == []


def test_a_department_of_another_procuratorate_is_dropped_not_refused(world, sign_in):
    answer = sign_in("city_chief").get(
        LIST, {"procuratorate": world.other_base.pk, "department": world.office.pk}
    )
    assert answer.status_code == 200
    assert listed(answer) == ["欧阳晓"]


def test_live_search_answers_htmx_with_the_results_fragment(world, sign_in):
    client = sign_in("alice")
    answer = client.get(
        LIST,
        {"q": "cl"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/people/"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in html
    assert listed(answer) == ["蔡蕾"]
    assert 'hx-swap-oob="innerHTML"' in html and "共 1 人" in html
    assert 'id="filter-department"' not in html  # same procuratorate: its filter stays put
    assert "HX-Request" in answer["Vary"]


def test_choosing_a_procuratorate_live_brings_its_departments(world, sign_in):
    client = sign_in("city_chief")
    answer = client.get(
        LIST,
        {"procuratorate": world.base.pk},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/people/"},
    )
    html = answer.content.decode()
    assert 'id="filter-department" hx-swap-oob="true"' in html
    assert "第二检察部" in html


def _register(world, n):
    for i in range(n):
        services.register_staff(
            actor=SYSTEM,
            procuratorate=world.base,
            department=world.criminal,
            name=f"测试{i:03d}",
            gender="M",
            category=Category.CLERK,
            employment=Employment.CONTRACT,
            joined_on=REFORM,
        )


def test_the_list_pages_by_fifty_in_a_fixed_number_of_queries(
    world, sign_in, django_assert_max_num_queries
):
    _register(world, 60)
    client = sign_in("alice")
    with django_assert_max_num_queries(12):
        first = client.get(LIST)
    assert len(listed(first)) == 50
    assert "第 1 页,共 2 页" in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert len(listed(second)) == 19
    with django_assert_max_num_queries(12):
        client.get(LIST, {"q": "csh", "procuratorate": world.base.pk, "quota": "no"})


def test_a_staff_page_shows_the_person_and_their_history(world, sign_in):
    html = sign_in("alice").get(detail(world.alice)).content.decode()
    for text in (
        "安丽",
        "检察官",
        "在编",
        "第一检察部",
        "二级检察官",
        "员额检察官",
        "安丽独任检察官",
        "独任检察官",
        "2016-01-01",
        "登记入职",
    ):
        assert text in html, text


def test_a_chief_s_page_shows_the_position_held(world, sign_in):
    html = sign_in("alice").get(detail(world.chief)).content.decode()
    assert "检察长" in html and "2019-07-01 — 至今" in html


def test_someone_of_another_base_cannot_open_alice_but_the_city_chief_can(world, sign_in):
    assert sign_in("olga").get(detail(world.alice)).status_code == 404
    assert sign_in("city_chief").get(detail(world.alice)).status_code == 200


def test_the_absence_form_shows_only_to_those_who_may_record_one(world, sign_in):
    assert 'name="starts_on"' not in sign_in("alice").get(detail(world.bob)).content.decode()
    assert 'name="starts_on"' in sign_in("grace").get(detail(world.bob)).content.decode()
    assert 'name="starts_on"' in sign_in("chief").get(detail(world.bob)).content.decode()


def _post_absence(client, staff, **data):
    form = {"kind": "training", "starts_on": "2024-03-04", "ends_on": "2024-03-08", "note": ""}
    return client.post(reverse("people:record_absence", args=[staff.pk]), {**form, **data})


def test_recording_an_absence_adds_it_to_the_history(world, sign_in):
    client = sign_in("grace")
    answer = _post_absence(client, world.bob, note="国家检察官学院培训")
    assert answer.status_code == 302
    absence = Absence.objects.get(staff=world.bob)
    assert (absence.kind, absence.note) == ("training", "国家检察官学院培训")
    html = client.get(detail(world.bob)).content.decode()
    assert "已登记离岗。" in html and "2024-03-08" in html and "登记离岗" in html


def test_an_absence_ending_before_it_starts_is_refused_on_its_field(world, sign_in):
    acts = Act.objects.count()
    answer = _post_absence(sign_in("grace"), world.bob, ends_on="2024-03-01")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="id_ends_on_error">结束日期不能早于开始日期。' in html
    assert not Absence.objects.exists()
    assert Act.objects.count() == acts


def test_a_date_that_is_not_a_date_is_refused_in_chinese(world, sign_in):
    answer = _post_absence(sign_in("grace"), world.bob, starts_on="明天", kind="")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="id_starts_on_error">输入一个有效的日期。' in html
    assert 'id="id_kind_error">这个字段是必填项。' in html
    assert not Absence.objects.exists()


def test_a_denied_absence_says_who_may_record_it(world, sign_in):
    answer = _post_absence(sign_in("alice"), world.bob)
    assert answer.status_code == 403
    assert "政治部" in answer.content.decode()
    assert not Absence.objects.exists()


def test_an_absence_for_someone_out_of_scope_is_not_found(world, sign_in):
    assert _post_absence(sign_in("olga"), world.bob).status_code == 404


def test_the_list_shows_a_new_person_as_soon_as_they_are_registered(world, sign_in):
    from conftest import REFORM, SYSTEM
    from procuracy.people import services
    from procuracy.people.models import Category, Employment

    client = sign_in("alice")
    assert "lanxin" not in client.get(LIST, {"q": "lx"}).content.decode()
    services.register_staff(
        actor=SYSTEM,
        procuratorate=world.base,
        department=None,
        name="蓝心",
        gender="F",
        category=Category.CLERK,
        employment=Employment.CONTRACT,
        joined_on=REFORM,
    )
    assert "lanxin" in client.get(LIST, {"q": "lx"}).content.decode()
