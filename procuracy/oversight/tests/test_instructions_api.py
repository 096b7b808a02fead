"""/api/v1/oversight/instructions and /reports: the reads, and the acts answered 201/200, 403
with the power list's reason, 422 with the rule's, 404 outside the caller's scope — nothing
written when refused."""

from __future__ import annotations

import pytest

from procuracy.cases.models import DecisionStatus
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.models import Act
from procuracy.oversight.models import Instruction, Report
from procuracy.oversight.tests.test_instructions import issue, refused  # noqa: F401

API = "/api/v1/oversight"


def post(client, url, body):
    return client.post(API + url, body, content_type="application/json")


BODY = {"kind": "instruct", "document_no": "兰检指〔2026〕9号", "text": "请补充证据。"}


def test_issue_read_and_comply(world, clerk, sign_in):
    case = handling(world, clerk)
    client = sign_in("city_chief")
    answer = post(client, "/instructions", {**BODY, "case": case.pk})
    assert answer.status_code == 201
    data = answer.json()
    assert data["kind_label"] == "指示" and data["recipient"]["id"] == world.base.pk
    assert data["issuer"]["id"] == world.city.pk and data["case"]["number"] == case.number
    assert data["complied_at"] is None and data["ledger_seq"]
    alice = sign_in("alice")
    mine = alice.get(API + "/instructions", {"mine": True}).json()["items"]
    assert [i["id"] for i in mine] == [data["id"]]
    done = post(
        alice,
        f"/instructions/{data['id']}/comply",
        {"compliance": "已补充", "disagreement": "补充意义不大"},
    )
    assert done.status_code == 200
    assert done.json()["disagreement"] == "补充意义不大" and done.json()["complied_by"]["id"]
    listed = alice.get(API + "/instructions", {"case": case.pk}).json()
    assert listed["count"] == 1


def test_an_instruction_with_no_text_is_422_and_writes_nothing(world, clerk, sign_in):
    case = handling(world, clerk)
    before = Act.objects.count()
    answer = post(sign_in("chief"), "/instructions", {**BODY, "case": case.pk, "text": " "})
    assert answer.status_code == 422
    assert "不能发出没有内容的指令" in answer.json()["errors"]["text"][0]
    assert not Instruction.objects.exists() and Act.objects.count() == before


def test_a_base_chief_instructing_the_city_is_403(world, sign_in):
    answer = post(sign_in("chief"), "/instructions", {**BODY, "recipient": world.city.pk})
    assert answer.status_code == 403 and "本院或上级院" in answer.json()["detail"]


def test_revoke_names_a_decision_and_only_from_above(world, refused, sign_in):  # noqa: F811
    body = {**BODY, "kind": "revoke", "decision": refused.pk}
    own = post(sign_in("chief"), "/instructions", body)
    assert own.status_code == 422 and "上级人民检察院" in own.json()["errors"]["kind"][0]
    unnamed = post(sign_in("city_chief"), "/instructions", {**body, "decision": None})
    assert unnamed.status_code == 422
    done = post(sign_in("city_chief"), "/instructions", body)
    assert done.status_code == 201
    assert done.json()["decision"]["status"] == DecisionStatus.REVOKED


def test_outside_the_scope_is_404(world, clerk, sign_in):
    case = handling(world, clerk)
    given = issue(world, world.city_chief, case=case)
    olga = sign_in("olga")
    assert post(olga, "/instructions", {**BODY, "case": case.pk}).status_code == 404
    assert olga.get(f"{API}/instructions/{given.pk}").status_code == 404
    assert post(olga, f"/instructions/{given.pk}/comply", {"compliance": "x"}).status_code == 404
    assert olga.get(API + "/instructions").json()["count"] == 0
    given.refresh_from_db()
    assert given.complied_at is None


def test_a_call_up_needs_its_recipient(world, sign_in):
    client = sign_in("city_chief")
    answer = post(client, "/instructions", {**BODY, "kind": "call_up", "staff": world.alice.pk})
    assert answer.status_code == 422 and "recipient" in answer.json()["errors"]
    body = {**BODY, "kind": "call_up", "staff": world.alice.pk, "recipient": world.base.pk}
    assert post(client, "/instructions", body).json()["staff"]["id"] == world.alice.pk


@pytest.fixture
def report(world, clerk) -> Report:
    return handling(world, clerk, flags=["social_impact"]).reports.get()


def test_file_and_read_a_report(world, report, sign_in):
    alice = sign_in("alice")
    mine = alice.get(API + "/reports", {"mine": True}).json()["items"]
    assert [(r["id"], r["state"]) for r in mine] == [(report.pk, "to_file")]
    assert mine[0]["flag_labels"] == "有社会影响"
    assert post(alice, f"/reports/{report.pk}/file", {"text": "报告"}).json()["state"] == "to_read"
    chief = sign_in("chief")
    assert [r["id"] for r in chief.get(API + "/reports", {"state": "to_read"}).json()["items"]] == [
        report.pk
    ]
    done = post(chief, f"/reports/{report.pk}/read", {"comment": "阅,同意。"})
    assert done.status_code == 200 and done.json()["read_by"]["id"] == world.chief.pk


def test_reports_refused_and_out_of_scope(world, report, sign_in):
    head = sign_in("head")
    answer = post(head, f"/reports/{report.pk}/file", {"text": "报告"})
    assert answer.status_code == 403 and "承办" in answer.json()["detail"]
    empty = post(sign_in("alice"), f"/reports/{report.pk}/file", {"text": ""})
    assert empty.status_code == 422
    olga = sign_in("olga")
    assert olga.get(f"{API}/reports/{report.pk}").status_code == 404
    assert post(olga, f"/reports/{report.pk}/read", {"comment": "阅"}).status_code == 404
    report.refresh_from_db()
    assert report.filed_at is None
