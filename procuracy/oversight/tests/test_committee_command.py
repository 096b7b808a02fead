"""`procuracy committee members|schedule|agenda|open|vote|resolve|refer-answer|close|show`:
a meeting from the command line, each act as `--as LOGIN`; a refusal exits 1 with its reason
and writes nothing; bad usage exits 2."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from procuracy.cases.models import Case, CaseStatus
from procuracy.core.models import Act
from procuracy.oversight.models import AgendaItem, Meeting, Referral

pytest_plugins = ["procuracy.oversight.tests.committee_support"]


def run(capsys, *args) -> str:
    call_command("committee", *args)
    return capsys.readouterr().out


def refused(*args, code=1) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("committee", *args)
    assert failed.value.returncode == code
    return str(failed.value)


def test_members_are_shown_and_set(world, capsys):
    assert "尚未设定" in run(capsys, "members", "--as", "grace")
    before = Act.objects.count()
    even = ("--set", "chief,head", "--from", "2025-01-01", "--reference", "任免〔2025〕1号")
    assert "单数" in refused("members", "--as", "grace", *even)
    assert Act.objects.count() == before
    assert "没有院代码" in refused("members", "--as", "grace", "--procuratorate", "999", code=2)
    three = ("--set", "chief,head,carol", "--from", "2025-01-01", "--reference", "任免〔2025〕1号")
    out = run(capsys, "members", "--as", "grace", *three)
    assert "已设定" in out and "韩川" in out and "检察长" in out
    data = json.loads(run(capsys, "members", "--as", "alice", "--json"))
    assert [m["name"] for m in data["members"]] == ["韩川", "蔡蕾", "金海"]


def test_a_meeting_from_schedule_to_close(world, members, referred, capsys):
    case = Case.objects.get(pk=referred.case_id)
    out = run(capsys, "schedule", "--as", "chief", "--at", "2026-12-20T09:30", "--chair", "chief")
    assert "第 1 次会议" in out
    meeting = Meeting.objects.get()
    number = f"{meeting.year}-1"
    assert "承办检察官" in refused(
        "agenda",
        number,
        "--as",
        "chief",
        "--case",
        case.number,
        "--presenter",
        "bob",
        "--report",
        "x",
    )
    run(
        capsys,
        "agenda",
        number,
        "--as",
        "chief",
        "--case",
        case.number,
        "--presenter",
        "alice",
        "--report",
        "事实清楚,证据充分",
    )
    item = AgendaItem.objects.get()
    assert "半数" in refused("open", number, "--as", "chief", "--present", "chief")
    out = run(
        capsys, "open", number, "--as", "chief", "--present", "chief,head", "--absent", "carol:出差"
    )
    assert "出席委员 2 人,全体委员 3 人" in out
    assert "蔡蕾 未出席" in refused(
        "vote", str(item.pk), "--as", "chief", "--vote", "carol:for:同意"
    )
    assert refused("vote", str(item.pk), "--as", "chief", "--vote", "chief:yes:同意", code=2)
    run(
        capsys,
        "vote",
        str(item.pk),
        "--as",
        "chief",
        "--vote",
        "chief:against:证据存疑",
        "--vote",
        "金海:for:同意起诉",
    )
    npc = ("--chief-disagrees", "--to", "npc_standing", "--reasoning", "关键证据存疑")
    # No majority formed (1 for, 1 against of 3 members): nothing for the chief to refer.
    assert "没有可以报请的多数意见" in refused(
        "resolve", str(item.pk), "--as", "chief", "--resolution", "起诉", *npc
    )
    out = run(capsys, "resolve", str(item.pk), "--as", "chief", "--resolution", "起诉")
    assert "未通过" in out
    out = run(capsys, "close", number, "--as", "chief", "--minutes", "审议一案,未通过。")
    assert "已闭会" in out
    out = run(capsys, "show", number, "--as", "chief")
    assert "证据存疑" in out and "会议纪要:审议一案" in out and "缺席:蔡蕾(出差)" in out
    data = json.loads(run(capsys, "show", str(meeting.pk), "--as", "chief", "--json"))
    assert data["items"][0]["status"] == "rejected" and data["items"][0]["adopted_needs"] == 2
    assert "没有可以查阅的会议" in refused("show", str(meeting.pk), "--as", "alice")


def test_a_referral_is_answered_by_the_higher_procuratorate(world, members, referred, capsys):
    case = Case.objects.get(pk=referred.case_id)
    run(capsys, "schedule", "--as", "chief", "--at", "2026-12-20T09:30", "--chair", "chief")
    meeting = Meeting.objects.get()
    mid = str(meeting.pk)
    run(
        capsys,
        "agenda",
        mid,
        "--as",
        "chief",
        "--case",
        case.number,
        "--presenter",
        "alice",
        "--report",
        "汇报",
    )
    run(capsys, "open", mid, "--as", "chief", "--present", "chief,head,carol")
    item = str(AgendaItem.objects.get().pk)
    votes = ["--vote", "chief:against:存疑", "--vote", "head:for:同意", "--vote", "carol:for:同意"]
    run(capsys, "vote", item, "--as", "chief", *votes)
    up = ("--chief-disagrees", "--to", "higher", "--reasoning", "关键证据存疑")
    out = run(capsys, "resolve", item, "--as", "chief", "--resolution", "多数意见:起诉", *up)
    assert "报请上级决定" in out
    referral = str(Referral.objects.get().pk)
    assert refused(
        "refer-answer", referral, "--as", "chief", "--answer", "x", "--matter", "prosecute"
    )
    out = run(
        capsys,
        "refer-answer",
        referral,
        "--as",
        "city_chief",
        "--answer",
        "决定起诉",
        "--matter",
        "prosecute",
    )
    assert "已答复" in out
    assert Case.objects.get(pk=case.pk).status == CaseStatus.EXECUTING
    listing = run(capsys, "show", "--as", "city_chief")
    assert "城关区院" in listing
