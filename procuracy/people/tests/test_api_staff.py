"""GET /api/v1/staff (filters, search, pagination) and GET /api/v1/staff/{id}."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import REFORM, SYSTEM
from procuracy.people import services
from procuracy.people.models import RankReason

API = "/api/v1/staff"
BASE_STAFF = {"韩川", "金海", "安丽", "包博", "蔡蕾", "丁伟", "鄂琳", "方舟", "葛青"}


def names(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["name"] for row in answer.json()["items"]}


def test_a_base_prosecutor_lists_the_staff_of_their_own_procuratorate(world, sign_in):
    answer = sign_in("alice").get(API)
    assert names(answer) == BASE_STAFF
    assert answer.json()["count"] == 9
    alice = next(row for row in answer.json()["items"] if row["name"] == "安丽")
    assert alice["category"] == "prosecutor"
    assert alice["category_label"] == "检察官"
    assert alice["employment_label"] == "在编"
    assert alice["procuratorate"]["short_name"] == "城关区院"
    assert alice["department"]["name"] == "第一检察部"
    assert alice["in_quota"] is True
    assert alice["grade"] == 9
    assert alice["grade_label"] == "二级检察官"


def test_the_city_chief_lists_the_city_and_both_bases(world, sign_in):
    assert names(sign_in("city_chief").get(API)) == BASE_STAFF | {"孔远航", "欧阳晓"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [("安", {"安丽"}), ("anli", {"安丽"}), ("al", {"安丽"}), ("BB", {"包博"}), ("oyx", set())],
)
def test_search_finds_a_name_by_characters_pinyin_or_initials(world, sign_in, q, expected):
    # 欧阳晓 ("oyx") works at the other base, outside alice's scope.
    assert names(sign_in("alice").get(API, {"q": q})) == expected


def test_the_city_chief_finds_staff_of_another_base_by_initials(world, sign_in):
    assert names(sign_in("city_chief").get(API, {"q": "oyx"})) == {"欧阳晓"}


def test_filters_narrow_the_list(world, sign_in):
    client = sign_in("city_chief")
    assert names(client.get(API, {"category": "assistant"})) == {"鄂琳"}
    assert names(client.get(API, {"department": world.office.pk})) == {"葛青"}
    assert names(client.get(API, {"procuratorate": world.other_base.pk})) == {"欧阳晓"}
    assert names(client.get(API, {"procuratorate": world.base.pk, "quota": "false"})) == {
        "鄂琳",
        "方舟",
        "葛青",
    }
    assert len(names(client.get(API, {"quota": "true"}))) == 8
    assert names(client.get(API, {"employment": "contract"})) == set()


def test_the_list_comes_in_pages(world, sign_in):
    client = sign_in("alice")
    first = client.get(API, {"limit": 4}).json()
    rest = client.get(API, {"limit": 4, "offset": 4}).json()
    last = client.get(API, {"limit": 4, "offset": 8}).json()
    assert first["count"] == rest["count"] == last["count"] == 9
    assert (len(first["items"]), len(rest["items"]), len(last["items"])) == (4, 4, 1)
    pages = [row["id"] for page in (first, rest, last) for row in page["items"]]
    assert len(set(pages)) == 9


def test_a_page_holds_at_most_200(world, sign_in):
    answer = sign_in("alice").get(API, {"limit": 201})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"limit": ["不能大于 200。"]}


def test_an_unknown_category_is_refused_with_the_choices_in_chinese(world, sign_in):
    answer = sign_in("alice").get(API, {"category": "judge"})
    assert answer.status_code == 422
    [message] = answer.json()["errors"]["category"]
    assert message.startswith("请从以下选项中选择:prosecutor、assistant")


def test_a_person_shows_their_grade_quota_positions_and_history(world, sign_in):
    services.record_rank(
        actor=SYSTEM,
        staff=world.head,
        rank="principal_1",
        effective_on=datetime.date(2020, 1, 1),
        reason=RankReason.CONVERSION,
    )
    answer = sign_in("alice").get(f"{API}/{world.head.pk}")
    assert answer.status_code == 200
    head = answer.json()
    assert head["name"] == "金海"
    assert head["in_quota"] is True
    assert (head["rank"], head["rank_label"]) == ("principal_1", "一级主任科员")
    [position] = head["positions"]
    assert position["kind"] == "department_head"
    assert position["kind_label"] == "部门负责人"
    assert position["department"]["name"] == "第一检察部"
    assert position["valid_from"] == REFORM.isoformat()
    history = head["history"]
    assert [g["grade_label"] for g in history["grades"]] == ["二级检察官"]
    assert [r["reason_label"] for r in history["ranks"]] == ["职级套改"]
    assert history["quota"] == [{"valid_from": "2016-01-01", "valid_to": None, "exit_reason": ""}]
    assert [p["procuratorate"]["code"] for p in history["postings"]] == ["620102"]


def test_a_person_shows_ended_positions_in_history_only(world, sign_in):
    position = world.head.positions.get()
    services.end_position(actor=SYSTEM, position=position, on=datetime.date(2024, 1, 1))
    head = sign_in("alice").get(f"{API}/{world.head.pk}").json()
    assert head["positions"] == []
    assert [p["valid_to"] for p in head["history"]["positions"]] == ["2024-01-01"]


def test_a_person_shows_their_case_handling_organisations(world, sign_in):
    erin = sign_in("alice").get(f"{API}/{world.erin.pk}").json()
    memberships = {(m["org"]["name"], m["role_label"]) for m in erin["history"]["memberships"]}
    assert memberships == {("安丽独任检察官", "检察官助理"), ("刑事第一办案组", "检察官助理")}
    assert erin["grade"] is None
    assert erin["in_quota"] is False


def test_staff_at_another_base_are_not_found(world, sign_in):
    answer = sign_in("olga").get(f"{API}/{world.alice.pk}")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "未找到该记录。"}


def test_the_city_chief_may_open_a_base_prosecutor(world, sign_in):
    assert sign_in("city_chief").get(f"{API}/{world.alice.pk}").status_code == 200


@pytest.mark.parametrize("path", ["", "/{pk}"])
def test_anonymous_gets_401(world, client, path):
    answer = client.get(API + path.format(pk=world.alice.pk))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "请先登录。"}


def test_a_longer_page_costs_no_more_queries(world, sign_in):
    client = sign_in("city_chief")

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API, {"limit": limit}).status_code == 200
        return len(captured)

    assert queries(2) == queries(200)
