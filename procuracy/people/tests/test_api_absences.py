"""POST /api/v1/staff/{id}/absences: the one write of the API, along the spine."""

from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from conftest import PASSWORD
from procuracy.core.models import Act
from procuracy.people.models import Absence

LEAVE = {"kind": "training", "starts_on": "2024-03-04", "ends_on": "2024-03-08", "note": "业务培训"}


def post(client, staff, body, **headers):
    url = f"/api/v1/staff/{staff.pk}/absences"
    return client.post(url, body, content_type="application/json", **headers)


def nothing_written() -> bool:
    return (
        not Absence.objects.exists()
        and not Act.objects.filter(kind="people.absence_recorded").exists()
    )


def test_the_personnel_officer_records_an_absence_and_the_act(world, sign_in):
    answer = post(sign_in("grace"), world.alice, LEAVE)
    assert answer.status_code == 201
    body = answer.json()
    assert body["kind"] == "training"
    assert body["kind_label"] == "培训"
    assert (body["starts_on"], body["ends_on"], body["note"]) == (
        "2024-03-04",
        "2024-03-08",
        "业务培训",
    )
    absence = Absence.objects.get(pk=body["id"])
    assert absence.staff == world.alice
    act = Act.objects.get(kind="people.absence_recorded", subject_id=absence.pk)
    assert act.actor == world.grace
    assert act.procuratorate == world.base


def test_an_end_before_the_start_is_refused_in_chinese_and_nothing_is_written(world, sign_in):
    answer = post(sign_in("grace"), world.alice, {**LEAVE, "ends_on": "2024-03-01"})
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "提交的内容有误,请按提示修改。",
        "errors": {"ends_on": ["结束日期不能早于开始日期。"]},
    }
    assert nothing_written()


def test_dates_that_do_not_exist_are_refused_per_field_and_nothing_is_written(world, sign_in):
    answer = post(sign_in("grace"), world.alice, {**LEAVE, "starts_on": "2024-02-30"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"starts_on": ["请填写有效的日期,格式为 YYYY-MM-DD。"]}
    assert nothing_written()


def test_missing_and_unknown_fields_each_get_their_message(world, sign_in):
    answer = post(sign_in("grace"), world.alice, {"kind": "holiday", "starts_on": "2024-03-04"})
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert errors["ends_on"] == ["此项必须填写。"]
    assert errors["kind"] == ["请从以下选项中选择:leave、sick、training、secondment、other。"]
    assert nothing_written()


def test_a_body_that_is_not_json_is_refused_in_chinese(world, sign_in):
    answer = post(sign_in("grace"), world.alice, "{kind: leave")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "请求内容无法解析,请提交有效的 JSON。"}
    assert nothing_written()


def test_a_prosecutor_without_a_personnel_position_is_refused_with_the_reason(world, sign_in):
    answer = post(sign_in("alice"), world.bob, LEAVE)
    assert answer.status_code == 403
    detail = answer.json()["detail"]
    assert "政治部" in detail
    assert "您没有该职务" in detail
    assert nothing_written()


def test_staff_outside_the_actors_scope_are_not_found(world, sign_in):
    answer = post(sign_in("olga"), world.alice, LEAVE)
    assert answer.status_code == 404
    assert nothing_written()


def test_anonymous_gets_401_and_nothing_is_written(world, client):
    answer = post(client, world.alice, LEAVE)
    assert answer.status_code == 401
    assert nothing_written()


def test_a_session_post_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="grace", password=PASSWORD)
    refused = post(client, world.alice, LEAVE)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "安全校验(CSRF)未通过,请刷新页面后重试。"}
    assert nothing_written()
    # What a page's form or script does: the cookie's secret comes back in the header.
    secret = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = post(client, world.alice, LEAVE, headers={"X-CSRFToken": secret})
    assert accepted.status_code == 201
