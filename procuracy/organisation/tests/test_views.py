"""The organisation tree and a procuratorate's page, as the people of the test world see them."""

from django.urls import reverse
from django.utils import timezone

from conftest import FOUNDED, REFORM, SYSTEM
from procuracy.organisation import services
from procuracy.organisation.models import BusinessLine, DepartmentKind

TREE = reverse("organisation:tree")


def page(world, place, **query):
    url = reverse("organisation:procuratorate", args=[place.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_home_takes_a_signed_in_person_to_their_own_procuratorate(world, sign_in):
    answer = sign_in("alice").get(reverse("home"))
    assert answer.status_code == 302
    assert answer.url == page(world, world.base)


def test_a_city_chief_sees_the_city_and_the_bases_below_it_in_the_tree(world, sign_in):
    answer = sign_in("city_chief").get(TREE)
    html = answer.content.decode()
    assert answer.status_code == 200
    for name in (
        "兰州市人民检察院(演示)",
        "兰州市城关区人民检察院(演示)",
        "兰州市七里河区人民检察院(演示)",
    ):
        assert name in html
    assert "甘肃省人民检察院(演示)" not in html
    assert "在职 9 人 · 检察官 6 人" in html  # 城关区院: 9 staff, of whom 6 prosecutors
    assert f'href="{page(world, world.base)}"' in html
    assert "<details" in html and "<summary" in html


def test_a_base_prosecutor_sees_only_their_own_procuratorate_in_the_tree(world, sign_in):
    html = sign_in("alice").get(TREE).content.decode()
    assert "兰州市城关区人民检察院(演示)" in html
    assert "兰州市人民检察院(演示)" not in html
    assert "七里河" not in html


def test_the_tree_takes_a_fixed_number_of_queries(world, sign_in, django_assert_max_num_queries):
    client = sign_in("province_chief")
    with django_assert_max_num_queries(8):
        assert client.get(TREE).status_code == 200
    with django_assert_max_num_queries(5) as again:
        assert client.get(TREE).status_code == 200
    # Unchanged records: the kept tree is served without counting the staff again.
    assert not any("COUNT" in query["sql"] for query in again.captured_queries)


def test_the_tree_shows_a_change_as_soon_as_it_is_recorded(world, sign_in):
    from procuracy.people import services as people
    from procuracy.people.models import Category, Employment

    client = sign_in("city_chief")
    assert "在职 9 人 · 检察官 6 人" in client.get(TREE).content.decode()
    people.register_staff(
        actor=SYSTEM,
        procuratorate=world.base,
        department=None,
        name="新来",
        gender="F",
        category=Category.CLERK,
        employment=Employment.CONTRACT,
        joined_on=REFORM,
    )
    assert "在职 10 人 · 检察官 6 人" in client.get(TREE).content.decode()


def test_a_procuratorate_page_shows_departments_staff_and_case_handling_orgs(world, sign_in):
    answer = sign_in("alice").get(page(world, world.base))
    html = answer.content.decode()
    assert answer.status_code == 200
    for text in ("第一检察部", "第二检察部", "办公室", "综合业务机构", "民事检察"):
        assert text in html
    assert "刑事第一办案组" in html and "安丽独任检察官" in html
    assert "620102" in html
    # Staff by category link to the filtered staff list.
    assert f"procuratorate={world.base.pk}&amp;category=prosecutor" in html
    assert f"procuratorate={world.base.pk}&amp;category=assistant" in html


def test_the_departments_before_the_reform_are_one_date_away(world, sign_in):
    old = services.open_department(
        actor=SYSTEM,
        procuratorate=world.base,
        name="公诉科",
        kind=DepartmentKind.BUSINESS,
        business_lines=list(BusinessLine.objects.filter(code="ordinary_crime")),
        valid_from=FOUNDED,
    )
    services.close_department(actor=SYSTEM, department=old, on=REFORM)
    client = sign_in("alice")

    before = client.get(page(world, world.base, on="2019-06-30")).content.decode()
    now = client.get(page(world, world.base)).content.decode()

    current_table = before.split('id="departments"')[1].split("</section>")[0]
    assert "公诉科" in current_table and "第一检察部" not in current_table
    current_table = now.split('id="departments"')[1].split("</section>")[0]
    assert "公诉科" not in current_table and "第一检察部" in current_table
    assert "已撤销" in now  # still in the history below


def test_a_date_that_is_not_a_date_is_refused_in_chinese(world, sign_in):
    answer = sign_in("alice").get(page(world, world.base, on="2019-13-45"))
    assert answer.status_code == 200
    assert "输入一个有效的日期。" in answer.content.decode()
    assert timezone.localdate().isoformat() in answer.content.decode()


def test_another_base_cannot_open_this_procuratorate_but_the_city_chief_can(world, sign_in, client):
    assert sign_in("olga").get(page(world, world.base)).status_code == 404
    client.logout()
    assert sign_in("city_chief").get(page(world, world.base)).status_code == 200


def test_a_parent_out_of_sight_is_not_linked(world, sign_in):
    html = sign_in("alice").get(page(world, world.base)).content.decode()
    assert page(world, world.city) not in html
    html = sign_in("city_chief").get(page(world, world.base)).content.decode()
    assert page(world, world.city) in html
