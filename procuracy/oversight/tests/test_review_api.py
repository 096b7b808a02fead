"""/api/v1/oversight/…: a case's oversight record, and each act on a submission, a joint
opinion, a binding decision and an objection — performed (200 with the record as it now is),
refused with the power list's reason (403), answered 422 in Chinese by field for bad input and
broken rules, 404 for what the caller may not read; nothing written when refused. And
/api/v1/cases/{id}/execute and the desk's oversight lists."""

from __future__ import annotations

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, DecisionStatus
from procuracy.oversight import review
from procuracy.oversight.models import JointMeeting, JointOpinion, Objection, Review
from procuracy.powers.models import Refusal


def post(client, path: str, body=None):
    return client.post(f"/api/v1/oversight/{path}", body or {}, content_type="application/json")


def status(decision) -> str:
    decision.refresh_from_db()
    return decision.status


def reviewed(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    return submitted


def test_the_record_of_a_case_with_its_submission_path_and_step(world, submitted, sign_in):
    reviewed(world, submitted)
    answer = sign_in("chief").get(f"/api/v1/oversight/cases/{submitted.case_id}")
    assert answer.status_code == 200
    data = answer.json()
    assert data["case_number"] == submitted.case.number and data["case_status"] == "deciding"
    [submission] = data["submissions"]
    assert submission["step"] == 1 and submission["proposed_by"]["name"] == "安丽"
    assert [(s["label"], s["state"]) for s in submission["path"]] == [
        ("部门负责人审核", "done"),
        ("检察长决定", "current"),
    ]
    [opinion] = data["reviews"]
    assert opinion["kind"] == "agree" and opinion["reviewer"]["name"] == "金海"
    assert opinion["ledger_seq"] is not None
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds == ["report_opened", "submitted", "review"]
    assert data["binding"] is None and data["reports"][0]["flags"] == ["major"]


def test_the_record_of_a_case_the_caller_may_not_read_is_not_found(world, submitted, sign_in):
    assert sign_in("olga").get(f"/api/v1/oversight/cases/{submitted.case_id}").status_code == 404
    assert sign_in("bob").get(f"/api/v1/oversight/cases/{submitted.case_id}").status_code == 404


def test_review(world, submitted, sign_in):
    body = {"agree": True, "opinion": "同意批捕"}
    refused = post(sign_in("chief"), f"submissions/{submitted.pk}/review", body)
    assert refused.status_code == 403
    assert "须经部门负责人审核" in refused.json()["detail"]
    empty = post(sign_in("head"), f"submissions/{submitted.pk}/review", {**body, "opinion": " "})
    assert empty.status_code == 422
    assert empty.json()["errors"]["opinion"] == ["请写明审核意见。"]
    missing = post(sign_in("head"), f"submissions/{submitted.pk}/review", {"opinion": "x"})
    assert missing.status_code == 422 and missing.json()["errors"]["agree"] == ["此项必须填写。"]
    assert not Review.objects.exists()
    answer = post(sign_in("head"), f"submissions/{submitted.pk}/review", body)
    assert answer.status_code == 200
    assert answer.json()["submissions"][0]["path"][1]["state"] == "current"
    again = post(sign_in("head"), f"submissions/{submitted.pk}/review", body)
    assert again.status_code == 422
    assert "不在您的环节" in again.json()["errors"]["decision"][0]
    assert post(sign_in("olga"), f"submissions/{submitted.pk}/review", body).status_code == 404


def test_joint_meeting_and_signatures(world, submitted, sign_in):
    path = f"submissions/{submitted.pk}/joint-meeting"
    body = {
        "question": "是否批捕",
        "minutes": "逐一发表意见",
        "opinions": [
            {"staff": world.bob.pk, "position": "for", "opinion": "同意"},
            {"staff": world.erin.pk, "position": "for", "opinion": "同意"},
        ],
    }
    refused = post(sign_in("head"), path, body)
    assert refused.status_code == 422
    assert refused.json()["errors"]["opinions"] == [
        "鄂琳 不是本院员额检察官,不能参加检察官联席会议。"
    ]
    unknown = {**body, "opinions": [{**body["opinions"][0], "staff": 99999}] * 2}
    assert post(sign_in("head"), path, unknown).json()["errors"]["opinions"] == [
        "没有编号为 99999 的人员。"
    ]
    wrong = {**body, "opinions": [{**body["opinions"][0], "position": "maybe"}] * 2}
    assert "opinions.0.position" in post(sign_in("head"), path, wrong).json()["errors"]
    body["opinions"][1] = {"staff": world.carol.pk, "position": "against", "opinion": "证据不足"}
    assert post(sign_in("alice"), path, body).status_code == 403
    answer = post(sign_in("head"), path, body)
    assert answer.status_code == 200
    [meeting] = answer.json()["joint_meetings"]
    assert [(o["participant"]["name"], o["signed_at"]) for o in meeting["opinions"]] == [
        ("包博", None),
        ("蔡蕾", None),
    ]
    bobs = JointOpinion.objects.get(participant=world.bob)
    assert post(sign_in("carol"), f"joint-opinions/{bobs.pk}/sign").status_code == 403
    assert post(sign_in("olga"), f"joint-opinions/{bobs.pk}/sign").status_code == 404
    signed = post(sign_in("bob"), f"joint-opinions/{bobs.pk}/sign")
    assert signed.status_code == 200
    assert signed.json()["joint_meetings"][0]["opinions"][0]["signed_at"] is not None
    again = post(sign_in("bob"), f"joint-opinions/{bobs.pk}/sign")
    assert again.status_code == 422 and again.json()["errors"]["opinion"] == ["该意见已经签名。"]
    assert JointMeeting.objects.count() == 1


def test_reexamine_and_reexamined(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    body = {"opinion": "社会危险性论证不足"}
    assert post(sign_in("head"), f"submissions/{pending.pk}/reexamine", body).status_code == 403
    answer = post(sign_in("chief"), f"submissions/{pending.pk}/reexamine", body)
    assert answer.status_code == 200 and answer.json()["case_status"] == "handling"
    assert answer.json()["submissions"][0]["path"][1]["state"] == "returned"
    assert post(sign_in("chief"), f"submissions/{pending.pk}/reexamined", body).status_code == 403
    other = post(
        sign_in("alice"),
        f"submissions/{pending.pk}/reexamined",
        {"opinion": "改为不批捕", "matter": "refuse_arrest"},
    )
    assert other.status_code == 200
    data = other.json()
    assert [s["status"] for s in data["submissions"]] == ["superseded", "pending"]
    assert data["submissions"][1]["matter"] == "refuse_arrest"


def test_refer(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    empty = post(sign_in("chief"), f"submissions/{pending.pk}/refer", {"opinion": ""})
    assert empty.status_code == 422
    assert empty.json()["errors"]["opinion"] == ["请写明提请检察委员会讨论的理由。"]
    answer = post(sign_in("chief"), f"submissions/{pending.pk}/refer", {"opinion": "案情重大"})
    assert answer.status_code == 200
    assert answer.json()["submissions"][0]["status"] == "referred"
    assert answer.json()["submissions"][0]["path"][1]["state"] == "referred"


def test_object_answer_and_execute(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="refuse_arrest", reasoning="否"
    )
    record = sign_in("alice").get(f"/api/v1/oversight/cases/{made.case_id}").json()
    assert record["binding"]["id"] == made.pk and record["binding"]["overrides"] == pending.pk
    assert post(sign_in("bob"), f"decisions/{made.pk}/object", {"text": "x"}).status_code == 404
    assert post(sign_in("head"), f"decisions/{made.pk}/object", {"text": "x"}).status_code == 403
    answer = post(sign_in("alice"), f"decisions/{made.pk}/object", {"text": "应当逮捕"})
    assert answer.status_code == 200
    [objection] = answer.json()["objections"]
    assert objection["answer"] == "" and objection["filed_by"]["name"] == "安丽"
    execute = f"/api/v1/cases/{made.case_id}/execute"
    early = sign_in("alice").post(execute, content_type="application/json")
    assert early.status_code == 422 and "尚待答复" in early.json()["errors"]["case"][0]
    path = f"objections/{objection['id']}/answer"
    assert post(sign_in("alice"), path, {"maintain": True, "text": "维持"}).status_code == 403
    bad = post(sign_in("chief"), path, {"maintain": False, "text": "改", "matter": ""})
    assert bad.status_code == 422 and bad.json()["errors"]["matter"] == ["改变决定须选择另一事项。"]
    kept = post(sign_in("chief"), path, {"maintain": True, "text": "维持原决定"})
    assert kept.status_code == 200 and kept.json()["objections"][0]["answer"] == "maintain"
    assert sign_in("bob").post(execute, content_type="application/json").status_code == 404
    done = sign_in("alice").post(execute, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    made.refresh_from_db()
    assert made.executed_by == world.alice
    assert Objection.objects.get().answered_by == world.chief


def test_execute_is_the_handlers(world, submitted, sign_in):
    pending = reviewed(world, submitted)
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="refuse_arrest", reasoning="否"
    )
    refused = sign_in("head").post(
        f"/api/v1/cases/{made.case_id}/execute", content_type="application/json"
    )
    assert refused.status_code == 403 and "承办" in refused.json()["detail"]
    assert Case.objects.get(pk=made.case_id).status == CaseStatus.EXECUTING
    assert Refusal.objects.get().act == "cases.execute"


def test_the_desk_answers_the_reviewers_queue(world, submitted, sign_in):
    head = sign_in("head").get("/api/v1/desk").json()
    assert [d["id"] for d in head["to_review"]] == [submitted.pk]
    assert head["to_review"][0]["waiting_at"] == "部门负责人审核"
    chief = sign_in("chief").get("/api/v1/desk").json()
    assert chief["to_decide"] == [] and [d["id"] for d in chief["under_review"]] == [submitted.pk]
    reviewed(world, submitted)
    chief = sign_in("chief").get("/api/v1/desk").json()
    assert [d["id"] for d in chief["to_decide"]] == [submitted.pk]
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=submitted.case, matter="refuse_arrest", reasoning="否"
    )
    alice = sign_in("alice").get("/api/v1/desk").json()
    [binding] = alice["to_execute"]
    assert binding["id"] == made.pk and binding["overrides"] == submitted.pk
    assert binding["objection"] is None and binding["case"]["status"] == "executing"
    assert [r["case"]["number"] for r in alice["reports_to_file"]] == [submitted.case.number]
    assert status(submitted) == DecisionStatus.SUPERSEDED
