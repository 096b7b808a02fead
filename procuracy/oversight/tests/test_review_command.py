"""`procuracy review review|joint-meeting|sign|reexamine|reexamined|refer|object|
answer-objection|show CASE_NO --as LOGIN` and `procuracy cases execute`: each act performed
with what happened printed, or refused with the reason (exit code 1, nothing written); bad
usage exits 2; `show` prints the case's oversight record; `cases desk` the reviewer's queue."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, DecisionStatus
from procuracy.oversight import review
from procuracy.oversight.models import JointOpinion, Objection, Review


def run(capsys, *args) -> str:
    call_command("review", *args)
    return capsys.readouterr().out


def refused(*args, code=1, command="review") -> str:
    with pytest.raises(CommandError) as failed:
        call_command(command, *args)
    assert failed.value.returncode == code
    return str(failed.value)


def status(decision) -> str:
    decision.refresh_from_db()
    return decision.status


def test_review(world, submitted, capsys):
    number = submitted.case.number
    assert "须经部门负责人审核" in refused(
        "review", number, "--as", "chief", "--agree", "--opinion", "同意"
    )
    assert "审核意见" in refused("review", number, "--as", "head", "--agree", "--opinion", " ")
    assert not Review.objects.exists()
    out = run(capsys, "review", number, "--as", "head", "--disagree", "--opinion", "证据欠缺")
    assert "已提出审核意见,报请送检察长决定。" in out
    assert Review.objects.get().kind == "disagree"
    with pytest.raises(CommandError, match="--agree --disagree"):  # one or the other
        call_command("review", "review", number, "--as", "head", "--opinion", "x")


def test_review_reads_the_opinion_from_stdin(world, submitted, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("长篇审核意见\n第二段"))
    run(capsys, "review", submitted.case.number, "--as", "head", "--agree", "--opinion", "-")
    assert Review.objects.get().opinion == "长篇审核意见\n第二段"


def test_a_case_one_may_not_read_and_an_unknown_login(world, submitted):
    number = submitted.case.number
    assert "没有可以查阅的案号" in refused(
        "review", number, "--as", "olga", "--agree", "--opinion", "x"
    )
    refused("review", number, "--as", "nobody", "--agree", "--opinion", "x", code=2)


def test_joint_meeting_and_sign(world, submitted, capsys):
    number = submitted.case.number
    meeting = ("--question", "是否批捕", "--minutes", "逐一发表意见")
    assert "员额检察官" in refused(
        "joint-meeting", number, "--as", "head", *meeting,
        "--opinion", "bob:for:同意", "--opinion", "erin:for:同意",
    )  # fmt: skip
    refused("joint-meeting", number, "--as", "head", *meeting, "--opinion", "bob:yes:x", code=2)
    refused("joint-meeting", number, "--as", "head", *meeting, "--opinion", "无此人:for:x", code=2)
    out = run(
        capsys, "joint-meeting", number, "--as", "head", *meeting,
        "--opinion", "bob:for:同意批捕", "--opinion", "丁伟:不同意:证据不足",
    )  # fmt: skip
    assert "2 名检察官的意见待本人签名" in out
    dave = JointOpinion.objects.get(participant=world.dave)
    assert dave.position == "against"
    assert "没有可以查阅" in refused("sign", number, "--as", "carol")  # not in the meeting
    # Bob may not read the case, but signs the opinion he gave in its joint meeting.
    assert "已在检察官联席会议意见上签名" in run(capsys, "sign", number, "--as", "bob")
    assert "没有待您签名" in refused("sign", number, "--as", "head")
    assert JointOpinion.objects.get(participant=world.bob).signed_at is not None


def test_reexamine_reexamined_and_refer(world, submitted, capsys):
    number = submitted.case.number
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    assert "复核" in refused("reexamine", number, "--as", "head", "--opinion", "x")
    out = run(capsys, "reexamine", number, "--as", "chief", "--opinion", "论证不足")
    assert "已要求承办检察官复核" in out and status(submitted) == DecisionStatus.REEXAMINING
    out = run(capsys, "reexamined", number, "--as", "alice", "--opinion", "补充论证")
    assert "报请回到检察长决定环节" in out and status(submitted) == DecisionStatus.PENDING
    assert "检察长" in refused("refer", number, "--as", "head", "--opinion", "上会")
    out = run(capsys, "refer", number, "--as", "chief", "--opinion", "案情重大")
    assert "已提请检察委员会讨论" in out and status(submitted) == DecisionStatus.REFERRED


def test_object_answer_and_execute(world, submitted, capsys):
    number = submitted.case.number
    assert "没有待执行的决定" in refused("object", number, "--as", "alice", "--text", "x")
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    lifecycle.decide(
        actor=world.actor(world.chief), case=submitted.case, matter="refuse_arrest", reasoning="否"
    )
    assert "没有待答复" in refused(
        "answer-objection", number, "--as", "chief", "--maintain", "--text", "x"
    )
    out = run(capsys, "object", number, "--as", "alice", "--text", "应当逮捕")
    assert "已提出书面异议,等待韩川答复" in out
    assert "尚待答复" in refused("execute", number, "--as", "alice", command="cases")
    assert "安丽" not in refused(
        "answer-objection", number, "--as", "alice", "--maintain", "--text", "维持"
    )
    out = run(capsys, "answer-objection", number, "--as", "chief", "--maintain", "--text", "维持")
    assert "维持原决定,承办检察官应当执行" in out
    assert Objection.objects.get().answer == "maintain"
    call_command("cases", "execute", number, "--as", "alice")
    out = capsys.readouterr().out
    assert "已执行韩川的决定“不批准逮捕”。案件状态:已结案。" in out
    assert Case.objects.get(pk=submitted.case_id).status == CaseStatus.CLOSED


def test_answer_objection_by_changing_the_decision(world, submitted, capsys):
    number = submitted.case.number
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    made = lifecycle.decide(
        actor=world.actor(world.chief), case=submitted.case, matter="refuse_arrest", reasoning="否"
    )
    review.object_to(actor=world.actor(world.alice), decision=made, text="应当逮捕")
    out = run(
        capsys, "answer-objection", number, "--as", "chief",
        "--change", "approve_arrest", "--text", "采纳异议",
    )  # fmt: skip
    assert "改变原决定为“批准逮捕”" in out
    assert Case.objects.get(pk=submitted.case_id).status == CaseStatus.CLOSED


def test_show_prints_the_record_in_time_order(world, submitted, capsys):
    number = submitted.case.number
    review.review(
        actor=world.actor(world.head), decision=submitted, agree=False, opinion="证据欠缺"
    )
    out = run(capsys, "show", number, "--as", "chief")
    assert "报请“批准逮捕”(待决定):部门负责人审核(已办) → 检察长决定(当前环节)" in out
    assert out.index("报请“批准逮捕”  安丽") < out.index("部门负责人审核意见:不同意  金海")
    assert "    证据欠缺" in out
    data = json.loads(run(capsys, "show", number, "--as", "chief", "--json"))
    assert [e["kind"] for e in data["timeline"]] == ["report_opened", "submitted", "review"]
    assert data["submissions"][0]["path"][1] == {"label": "检察长决定", "state": "current"}


def test_the_desk_prints_the_reviewers_queue(world, submitted, capsys):
    call_command("cases", "desk", "--as", "head")
    out = capsys.readouterr().out
    assert "待您审核" in out and submitted.case.number in out and "部门负责人审核" in out
    call_command("cases", "desk", "--as", "chief", "--json")
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["under_review"]] == [submitted.pk]
    assert data["to_review"] == [] and data["to_decide"] == []
