"""/api/v1/cases and /api/v1/case-types: intake by the case office (201 with the number and
warnings; 422 with the reason for bad input, nothing written; 403 with the reason for anyone
else), the queue and a case with its time limit, 404 for a case one may not read."""

from __future__ import annotations

import datetime

from procuracy.cases.models import Case
from procuracy.cases.tests.test_views import DAY, taken_in
from procuracy.core.models import Act
from procuracy.powers.models import Refusal

INTAKE = {
    "case_type": "prosecution_review",
    "business_line": "ordinary_crime",
    "title": "李某诈骗案",
    "source": "police",
    "received_on": DAY.isoformat(),
    "flags": ["major"],
    "amount": "120000.00",
    "parties": [{"role": "suspect", "name": "李某", "in_custody": True}],
    "custody": True,
}


def post(client, body):
    return client.post("/api/v1/cases", body, content_type="application/json")


def test_the_case_office_takes_a_case_in(world, clerk, sign_in):
    answer = post(sign_in("frank"), INTAKE)
    assert answer.status_code == 201
    body = answer.json()
    assert body["number"] == "城关区检刑诉受〔2026〕1号"
    assert body["flags"] == ["major"] and body["weight"] == "2.25"
    assert body["warnings"] == ["移送案件未填写移送单位。"]
    assert body["parties"][0]["name"] == "李某"
    assert body["time_limit"]["expires_on"] == "2026-04-02"
    assert Act.objects.get(kind="cases.received").subject_id == body["id"]


def test_bad_input_is_refused_with_the_reason_and_nothing_written(world, clerk, sign_in):
    client = sign_in("frank")
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    answer = post(client, {**INTAKE, "received_on": future})
    assert answer.status_code == 422
    assert answer.json()["errors"]["received_on"] == ["受理日期不能晚于今天。"]
    answer = post(client, {**INTAKE, "case_type": "nonsense"})
    assert answer.status_code == 422
    assert "案件类型“nonsense”不存在。" in answer.json()["errors"]["case_type"]
    answer = post(client, {**INTAKE, "business_line": "civil"})
    assert answer.status_code == 422
    assert not Case.objects.exists()


def test_a_prosecutor_is_refused_with_the_reason_and_the_refusal_recorded(world, sign_in):
    answer = post(sign_in("alice"), INTAKE)
    assert answer.status_code == 403
    assert "案件管理人员" in answer.json()["detail"]
    assert Refusal.objects.get().act == "cases.intake"
    assert not Case.objects.exists()


def test_the_queue_filters_and_a_case_reads_with_its_parties(world, clerk, sign_in):
    case = taken_in(world, clerk)
    client = sign_in("chief")
    listed = client.get("/api/v1/cases", {"status": "received"}).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == case.number
    assert client.get("/api/v1/cases", {"case_type": "arrest_review"}).json()["count"] == 0
    detail = client.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["parties"][0]["role_label"] == "犯罪嫌疑人"
    assert detail["time_limit"]["state"] in {"ok", "due_soon", "overdue"}


def test_a_case_one_may_not_read_is_not_found(world, clerk, sign_in):
    case = taken_in(world, clerk)
    client = sign_in("olga")
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert client.get("/api/v1/cases").json()["count"] == 0


def test_the_case_types_list_their_business_lines(world, sign_in):
    types = sign_in("alice").get("/api/v1/case-types").json()
    review = next(t for t in types if t["code"] == "prosecution_review")
    assert review["word"] == "刑诉"
    assert "ordinary_crime" in [line["code"] for line in review["business_lines"]]
