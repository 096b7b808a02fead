"""/api/v1/cases/{id}/start … /archive and /api/v1/desk: each transition performed (200 with
the case as it now is), refused with the power list's reason (403), or answered 422 for bad
input and broken rules — nothing written when refused; a case with every stage and its
decisions; the desk of the signed-in person."""

from __future__ import annotations

import datetime

import pytest

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, StageEvent
from procuracy.cases.tests.test_lifecycle import (  # noqa: F401
    TODAY,
    handling,
    listed,
    receive,
    to_alice,
)
from procuracy.powers.models import Refusal


def act(client, case, name, body=None):
    return client.post(
        f"/api/v1/cases/{case.pk}/{name}", body or {}, content_type="application/json"
    )


def status_of(case) -> str:
    return Case.objects.get(pk=case.pk).status


# ---- start -------------------------------------------------------------------------------


def test_start(world, clerk, sign_in):
    case = to_alice(world, receive(clerk, world))
    refused = act(sign_in("head"), case, "start")
    assert refused.status_code == 403
    assert "您不是本案的承办人" in refused.json()["detail"]
    assert status_of(case) == CaseStatus.ASSIGNED
    answer = act(sign_in("alice"), case, "start")
    assert answer.status_code == 200 and answer.json()["status"] == "handling"
    again = act(sign_in("alice"), case, "start")
    assert again.status_code == 422
    assert "只能在已分案时进行" in again.json()["errors"]["case"][0]


def test_a_case_the_caller_may_not_read_is_not_found(world, clerk, sign_in):
    case = to_alice(world, receive(clerk, world))
    assert act(sign_in("olga"), case, "start").status_code == 404
    assert not Refusal.objects.exists()


# ---- submit and decide -------------------------------------------------------------------


def test_submit_then_the_chief_decides_and_the_case_shows_both(world, clerk, listed, sign_in):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    body = {"matter": "approve_arrest", "reasoning": "建议批准逮捕"}
    assert act(sign_in("chief"), case, "submit", body).status_code == 403  # not a handler
    answer = act(sign_in("alice"), case, "submit", body)
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "deciding"
    pending = data["decisions"][0]
    assert pending["status"] == "pending" and pending["proposed_by"]["name"] == "安丽"
    assert pending["path"] == [
        {"holder": "chief", "holder_label": "检察长", "power": "decide", "power_label": "决定"}
    ]
    answer = act(sign_in("chief"), case, "decide", {**body, "reasoning": "同意"})
    assert answer.status_code == 200
    data = answer.json()
    made = data["decisions"][0]
    assert data["status"] == "closed" and made["status"] == "made"
    assert made["decided_by"]["name"] == "韩川" and made["item_code"] == "T-002"
    assert "检察长决定" in made["basis"]


def test_bad_submissions_are_answered_422_and_write_nothing(world, clerk, listed, sign_in):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    client = sign_in("alice")
    answer = act(client, case, "submit", {"matter": "approve_arrest", "reasoning": "x"})
    assert answer.status_code == 422
    assert "无需报请" in answer.json()["errors"]["matter"][0]
    answer = act(client, case, "submit", {"matter": "approve_arrest"})
    assert answer.status_code == 422 and "reasoning" in answer.json()["errors"]
    assert not Decision.objects.exists() and status_of(case) == CaseStatus.HANDLING


def test_decide(world, clerk, listed, sign_in):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    refused = act(sign_in("alice"), case, "decide", {"matter": "approve_arrest", "reasoning": "x"})
    assert refused.status_code == 403
    assert "“批准逮捕”须由检察长决定" in refused.json()["detail"]
    wrong = act(sign_in("chief"), case, "decide", {"matter": "prosecute", "reasoning": "x"})
    assert wrong.status_code == 422
    assert "不是审查逮捕案件" in wrong.json()["errors"]["matter"][0]
    assert not Decision.objects.exists() and status_of(case) == CaseStatus.HANDLING
    answer = act(
        sign_in("chief"), case, "decide", {"matter": "refuse_arrest", "reasoning": "证据不足"}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "closed"


# ---- exclude, resubmit, conclude, archive ------------------------------------------------


def test_exclude(world, clerk, sign_in):
    case = handling(world, clerk, days_ago=5)
    start = TODAY - datetime.timedelta(days=2)
    body = {"start": start.isoformat(), "end": (start + datetime.timedelta(9)).isoformat()}
    body["reason"] = "对犯罪嫌疑人作精神病鉴定"
    assert act(sign_in("bob"), case, "exclude", body).status_code == 404  # bob may not read it
    assert act(sign_in("head"), case, "exclude", body).status_code == 403
    bad = act(sign_in("alice"), case, "exclude", {**body, "end": "2020-13-01"})
    assert bad.status_code == 422 and "end" in bad.json()["errors"]
    backwards = act(
        sign_in("alice"), case, "exclude", {**body, "end": body["start"], "start": body["end"]}
    )
    assert backwards.status_code == 422 and not StageEvent.objects.exists()
    answer = act(sign_in("alice"), case, "exclude", body)
    assert answer.status_code == 200
    assert answer.json()["due_on"] > case.due_on.isoformat()
    assert any("不计入" in line for line in answer.json()["stages"][0]["explanation"])


def test_resubmit(world, clerk, listed, sign_in):  # noqa: F811
    case = handling(world, clerk, days_ago=20)
    lifecycle.decide(
        actor=world.actor(world.head), case=case, matter="return_investigation", reasoning="补证"
    )
    assert act(sign_in("alice"), case, "resubmit", {}).status_code == 403
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    late = act(sign_in("frank"), case, "resubmit", {"received_on": future})
    assert late.status_code == 422 and "晚于今天" in late.json()["errors"]["received_on"][0]
    assert status_of(case) == CaseStatus.RETURNED
    answer = act(sign_in("frank"), case, "resubmit", {})
    assert answer.status_code == 200
    stages = answer.json()["stages"]
    assert [s["stage"] for s in stages] == [
        "prosecution_review",
        "supplementary_investigation",
        "prosecution_review",
    ]
    assert [s["end"] for s in stages] == ["returned", "resubmitted", ""]
    assert stages[-1]["restart"] == "resubmitted" and stages[-1]["started_on"] == TODAY.isoformat()


def test_conclude_and_archive(world, clerk, sign_in):
    case = handling(world, clerk, case_type="filing_supervision")
    assert act(sign_in("head"), case, "conclude", {"outcome": "结"}).status_code == 403
    empty = act(sign_in("alice"), case, "conclude", {"outcome": " "})
    assert empty.status_code == 422 and "办理结果" in empty.json()["errors"]["outcome"][0]
    assert act(sign_in("alice"), case, "conclude", {}).status_code == 422
    assert act(sign_in("alice"), case, "conclude", {"outcome": "立案正确"}).status_code == 200
    assert act(sign_in("alice"), case, "archive").status_code == 403
    assert status_of(case) == CaseStatus.CLOSED
    answer = act(sign_in("frank"), case, "archive")
    assert answer.status_code == 200 and answer.json()["status"] == "archived"
    assert act(sign_in("frank"), case, "archive").status_code == 422


def test_a_body_that_is_not_json_is_answered_400(world, clerk, sign_in):
    case = handling(world, clerk)
    answer = sign_in("alice").post(
        f"/api/v1/cases/{case.pk}/conclude", "not json", content_type="application/json"
    )
    assert answer.status_code == 400


# ---- reads -------------------------------------------------------------------------------


def test_a_case_carries_its_stages_decisions_and_due_state(world, clerk, sign_in):
    case = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6)
    data = sign_in("chief").get(f"/api/v1/cases/{case.pk}").json()
    assert data["due_state"] == "due_soon" and data["stage"] == "arrest_review_detained"
    assert len(data["stages"]) == 1 and data["stages"][0]["days_left"] == 1
    assert data["time_limit"] == data["stages"][0] and data["decisions"] == []
    assert data["sealed"] == ""


@pytest.mark.parametrize("due, expected", [("overdue", ["late"]), ("warned", ["late", "soon"])])
def test_the_queue_filters_by_due_state(world, clerk, sign_in, due, expected):
    cases = {
        "soon": receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6),
        "late": receive(clerk, world, case_type="arrest_review", custody=True, days_ago=9),
        "fresh": receive(clerk, world, days_ago=0),
    }
    found = sign_in("frank").get("/api/v1/cases", {"due": due}).json()["items"]
    numbers = {c["number"] for c in found}
    assert numbers == {cases[name].number for name in expected}
    bad = sign_in("frank").get("/api/v1/cases", {"due": "someday"})
    assert bad.status_code == 422


def test_the_desk(world, clerk, listed, sign_in):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )
    data = sign_in("chief").get("/api/v1/desk").json()
    assert data["counts"]["to_decide"] == 1 and data["waiting"] == 1 and data["leader"]
    waiting = data["to_decide"][0]
    assert waiting["matter"] == "approve_arrest" and waiting["case"]["number"] == case.number
    assert waiting["proposed_by"]["name"] == "安丽"
    mine = sign_in("alice").get("/api/v1/desk").json()
    assert [c["number"] for c in mine["handling"]] == [case.number] and mine["to_decide"] == []
    assert mine["handling"][0]["status"] == "deciding"


def test_variant(world, clerk, sign_in):
    case = handling(world, clerk, case_type="fast_track", days_ago=1)
    body = {"variant": "over_one_year", "reason": "可能判处一年以上"}
    assert act(sign_in("head"), case, "variant", body).status_code == 403
    bad = act(sign_in("alice"), case, "variant", {"variant": "x", "reason": "y"})
    assert bad.status_code == 422 and Case.objects.get(pk=case.pk).due_on == case.due_on
    done = act(sign_in("alice"), case, "variant", body)
    assert done.status_code == 200
    assert (
        done.json()["time_limit"]["expires_on"] == Case.objects.get(pk=case.pk).due_on.isoformat()
    )
