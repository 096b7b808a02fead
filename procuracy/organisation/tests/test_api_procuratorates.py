"""GET /api/v1/procuratorates, /procuratorates/{id} and /procuratorates/{id}/departments."""

import pytest

from conftest import REFORM

API = "/api/v1/procuratorates"


def test_a_base_prosecutor_sees_only_their_own_procuratorate_with_its_counts(world, sign_in):
    answer = sign_in("alice").get(API)
    assert answer.status_code == 200
    [base] = answer.json()
    assert base["code"] == "620102"
    assert base["level"] == "base"
    assert base["level_label"] == "基层院"
    assert base["parent_code"] == "620100"
    assert base["parent_id"] == world.city.pk
    assert base["path"] == "620000/620100/620102/"
    assert base["staff_count"] == 9
    assert base["prosecutor_count"] == 6


def test_the_city_chief_sees_the_city_and_both_bases_in_tree_order(world, sign_in):
    answer = sign_in("city_chief").get(API)
    assert [p["code"] for p in answer.json()] == ["620100", "620102", "620103"]


def test_the_province_chief_sees_the_whole_tree_with_the_province_as_root(world, sign_in):
    rows = sign_in("province_chief").get(API).json()
    assert rows[0]["code"] == "620000"
    assert rows[0]["parent_code"] is None
    assert rows[0]["parent_id"] is None
    assert len(rows) == 4


def test_a_procuratorate_shows_its_departments_today_and_its_staff_by_category(world, sign_in):
    answer = sign_in("alice").get(f"{API}/{world.base.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["parent"]["code"] == "620100"
    assert [d["name"] for d in body["departments"]] == ["第一检察部", "第二检察部", "办公室"]
    combined = body["departments"][1]
    assert combined["kind"] == "combined"
    assert combined["kind_label"] == "综合业务机构"
    assert [line["code"] for line in combined["business_lines"]] == ["civil", "administrative"]
    counts = {row["category"]: row["count"] for row in body["staff_by_category"]}
    assert counts == {
        "prosecutor": 6,
        "assistant": 1,
        "clerk": 1,
        "contract_clerk": 0,
        "judicial_police": 0,
        "technician": 0,
        "administrative": 1,
    }
    labels = {row["category"]: row["category_label"] for row in body["staff_by_category"]}
    assert labels["assistant"] == "检察官助理"
    assert labels["contract_clerk"] == "聘用制书记员"


def test_departments_are_those_of_the_day_asked_about(world, sign_in):
    client = sign_in("alice")
    before = client.get(f"{API}/{world.base.pk}/departments", {"on": "2019-06-30"})
    assert before.status_code == 200
    assert before.json() == []
    on_the_day = client.get(f"{API}/{world.base.pk}/departments", {"on": REFORM.isoformat()})
    assert len(on_the_day.json()) == 3
    detail = client.get(f"{API}/{world.base.pk}", {"on": "2019-06-30"}).json()
    assert detail["on"] == "2019-06-30"
    assert detail["departments"] == []


def test_a_base_prosecutor_asking_for_the_city_is_told_it_is_not_found(world, sign_in):
    client = sign_in("alice")
    for url in (f"{API}/{world.city.pk}", f"{API}/{world.city.pk}/departments"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.json() == {"detail": "未找到该记录。"}


def test_the_city_chief_may_open_a_base_procuratorate(world, sign_in):
    answer = sign_in("city_chief").get(f"{API}/{world.other_base.pk}")
    assert answer.status_code == 200
    assert answer.json()["short_name"] == "七里河区院"


def test_a_bad_date_is_refused_with_a_message_in_chinese(world, sign_in):
    answer = sign_in("alice").get(f"{API}/{world.base.pk}/departments", {"on": "2019-13-01"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"on": ["请填写有效的日期,格式为 YYYY-MM-DD。"]}


@pytest.mark.parametrize("path", ["", "/{pk}", "/{pk}/departments"])
def test_anonymous_gets_401_not_a_redirect_to_the_sign_in_page(world, client, path):
    answer = client.get(API + path.format(pk=world.base.pk))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "请先登录。"}
