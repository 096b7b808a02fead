"""`procuracy cases start|submit|decide|exclude|resubmit|conclude|archive|desk`: each
transition performed with the case's new state printed, or refused with the power list's
reason (exit code 1, nothing written); bad usage exits 2; `show` prints every stage and
decision; `desk` prints what waits on the person."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, StageEvent
from procuracy.cases.tests.test_lifecycle import (  # noqa: F401
    TODAY,
    handling,
    listed,
    receive,
    to_alice,
)


def run(capsys, *args) -> str:
    call_command("cases", *args)
    return capsys.readouterr().out


def refused(*args, code=1) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("cases", *args)
    assert failed.value.returncode == code
    return str(failed.value)


def status_of(case) -> str:
    return Case.objects.get(pk=case.pk).status


def test_start(world, clerk, capsys):
    case = to_alice(world, receive(clerk, world))
    assert "您不是本案的承办人" in refused("start", case.number, "--as", "head")
    assert status_of(case) == CaseStatus.ASSIGNED
    out = run(capsys, "start", case.number, "--as", "alice")
    assert "已开始办理。案件状态:办理中。" in out and "审查起诉期限届满日" in out
    assert "只能在已分案时进行" in refused("start", case.number, "--as", "alice")


def test_submit_and_decide(world, clerk, listed, capsys):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    arrest = ("--matter", "approve_arrest", "--reasoning", "建议批准逮捕")
    assert "检察长决定" in refused("decide", case.number, "--as", "alice", *arrest)
    assert "承办" in refused("submit", case.number, "--as", "chief", *arrest)
    assert not Decision.objects.exists()
    out = run(capsys, "submit", case.number, "--as", "alice", *arrest)
    assert "已报请“批准逮捕”,等待检察长决定。案件状态:审核/决定中。" in out
    out = run(capsys, "decide", case.number, "--as", "chief", *arrest)
    assert "已作出决定:“批准逮捕”" in out and "案件状态:已结案。" in out
    out = run(capsys, "show", case.number, "--as", "chief")
    assert "已于" in out and "结束:作出决定" in out
    assert ("已决定:批准逮捕,韩川 于" in out and "T-002" in out) or "检察长决定" in out


def test_an_unknown_matter_or_date_is_bad_usage(world, clerk):
    case = handling(world, clerk)
    message = refused(
        "decide", case.number, "--as", "alice", "--matter", "hang", "--reasoning", "x", code=2
    )
    assert "没有代码为 hang 的事项" in message and "prosecute" in message
    refused(
        "exclude",
        case.number,
        "--as",
        "alice",
        "--start",
        "1/3",
        "--end",
        "x",
        "--reason",
        "y",
        code=2,
    )
    refused("start", case.number, "--as", "nobody", code=2)
    assert "没有可以查阅" in refused("start", case.number, "--as", "olga")


def test_exclude(world, clerk, capsys):
    case = handling(world, clerk, days_ago=5)
    start = TODAY - datetime.timedelta(days=2)
    period = ("--start", start.isoformat(), "--end", (start + datetime.timedelta(9)).isoformat())
    reason = ("--reason", "对犯罪嫌疑人作精神病鉴定")
    refused("exclude", case.number, "--as", "head", *period, *reason)
    assert not StageEvent.objects.exists()
    out = run(capsys, "exclude", case.number, "--as", "alice", *period, *reason)
    assert "已记录不计入期限的期间" in out
    assert Case.objects.get(pk=case.pk).due_on > case.due_on


def test_resubmit(world, clerk, listed, capsys):  # noqa: F811
    case = handling(world, clerk, days_ago=20)
    lifecycle.decide(
        actor=world.actor(world.head), case=case, matter="return_investigation", reasoning="补证"
    )
    refused("resubmit", case.number, "--as", "alice")
    assert status_of(case) == CaseStatus.RETURNED
    out = run(capsys, "resubmit", case.number, "--as", "frank")
    assert "已受理重新移送" in out and "案件状态:办理中。" in out
    out = run(capsys, "show", case.number, "--as", "frank")
    assert out.count("结束:") == 2  # the first review and the return
    data = json.loads(run(capsys, "show", case.number, "--as", "frank", "--json"))
    assert [s["end"] for s in data["stages"]] == ["returned", "resubmitted", ""]
    assert data["decisions"][0]["matter"] == "return_investigation"


def test_conclude_and_archive(world, clerk, capsys):
    case = handling(world, clerk, case_type="filing_supervision")
    refused("conclude", case.number, "--as", "head", "--outcome", "结")
    assert "办理结果" in refused("conclude", case.number, "--as", "alice", "--outcome", " ")
    assert "已结案" in run(
        capsys, "conclude", case.number, "--as", "alice", "--outcome", "立案正确"
    )
    refused("archive", case.number, "--as", "alice")
    assert "已归档" in run(capsys, "archive", case.number, "--as", "frank")
    assert status_of(case) == CaseStatus.ARCHIVED


def test_desk(world, clerk, listed, capsys):  # noqa: F811
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )
    out = run(capsys, "desk", "--as", "chief")
    assert "待您决定" in out and case.number in out and "批准逮捕" in out
    data = json.loads(run(capsys, "desk", "--as", "alice", "--json"))
    assert [c["number"] for c in data["handling"]] == [case.number]
    assert data["to_decide"] == []
    assert "没有待办事项。" in run(capsys, "desk", "--as", "olga")


def test_variant(world, clerk, capsys):
    case = handling(world, clerk, case_type="fast_track", days_ago=1)
    reason = ("--variant", "over_one_year", "--reason", "可能判处一年以上")
    assert "承办" in refused("variant", case.number, "--as", "head", *reason)
    assert "情形" in refused(
        "variant", case.number, "--as", "alice", "--variant", "x", "--reason", "y"
    )
    out = run(capsys, "variant", case.number, "--as", "alice", *reason)
    case.refresh_from_db()
    assert case.due_on.isoformat() in out
