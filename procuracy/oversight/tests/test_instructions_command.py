"""`procuracy instructions issue|comply|list|show` and `procuracy reports file|read|list|show`:
each act done with what it did printed, or refused with the reason (exit code 1, nothing
written); bad usage exits 2."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from procuracy.cases.models import Case, CaseStatus, DecisionStatus
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.oversight.models import Instruction
from procuracy.oversight.tests.test_instructions import refused  # noqa: F401


def run(capsys, *args) -> str:
    call_command(*args)
    return capsys.readouterr().out


def failed(*args, code=1) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command(*args)
    assert refusal.value.returncode == code
    return str(refusal.value)


ISSUE = ("instructions", "issue", "--document-no", "兰市检指〔2026〕5号")


def test_issue_revoke_by_matter_and_show_what_became_of_the_case(world, refused, capsys):  # noqa: F811
    number = refused.case.number
    args = (*ISSUE, "--kind", "revoke", "--case", number, "--decision", "refuse_arrest")
    assert "上级人民检察院" in failed(*args, "--text", "撤销不批准逮捕决定", "--as", "chief")
    assert "不能发出没有内容的指令" in failed(*args, "--text", " ", "--as", "city_chief")
    assert not Instruction.objects.exists()
    out = run(capsys, *args, "--text", "撤销不批准逮捕决定", "--as", "city_chief")
    assert "已发出撤销决定(兰市检指〔2026〕5号" in out
    assert "所涉决定:不批准逮捕(已撤销);案件状态:办理中。" in out
    refused.refresh_from_db()
    assert refused.status == DecisionStatus.REVOKED
    assert Case.objects.get(pk=refused.case_id).status == CaseStatus.HANDLING


def test_comply_list_and_show(world, clerk, capsys):
    case = handling(world, clerk)
    run(
        capsys,
        *ISSUE,
        "--kind",
        "instruct",
        "--case",
        case.number,
        "--text",
        "补证",
        "--as",
        "city_chief",
    )
    given = Instruction.objects.get()
    assert "没有可以查阅" in failed("instructions", "show", str(given.pk), "--as", "olga")
    out = run(capsys, "instructions", "list", "--mine", "--as", "alice")
    assert "兰市检指〔2026〕5号" in out and "待报告" in out
    comply = ("instructions", "comply", str(given.pk), "--compliance", "已执行")
    assert "本案的承办检察官或本院的" in failed(*comply, "--as", "head")
    assert "没有可以查阅" in failed(*comply, "--as", "bob")
    out = run(
        capsys,
        "instructions",
        "comply",
        str(given.pk),
        "--compliance",
        "已补证",
        "--disagreement",
        "意义不大",
        "--as",
        "alice",
    )
    assert "不同意见已一并记录" in out
    data = json.loads(run(capsys, "instructions", "show", str(given.pk), "--json", "--as", "chief"))
    assert data["compliance"] == "已补证" and data["disagreement"] == "意义不大"
    listed = json.loads(
        run(
            capsys,
            "instructions",
            "list",
            "--procuratorate",
            "620100",
            "--json",
            "--as",
            "city_chief",
        )
    )
    assert [i["id"] for i in listed] == [given.pk]


def test_bad_usage_exits_2(world, clerk):
    case = handling(world, clerk)
    base = (*ISSUE, "--text", "x", "--as", "city_chief")
    assert "请用 --to" in failed(*base, "--kind", "call_up", "--staff", "安丽", code=2)
    assert "院代码" in failed(*base, "--kind", "call_up", "--to", "999", code=2)
    assert "决定" in failed(
        *base, "--kind", "revoke", "--case", case.number, "--decision", "prosecute", code=2
    )
    assert "nobody" in failed(*base[:-1], "nobody", "--kind", "instruct", code=2)


def test_call_up_by_name(world, capsys):
    out = run(
        capsys,
        *ISSUE,
        "--kind",
        "call_up",
        "--to",
        "620102",
        "--staff",
        "安丽",
        "--text",
        "调用安丽参加专案组",
        "--as",
        "city_chief",
    )
    assert "调用检察人员" in out and Instruction.objects.get().staff == world.alice


def test_text_from_stdin(world, clerk, capsys, monkeypatch):
    case = handling(world, clerk)
    monkeypatch.setattr("sys.stdin", io.StringIO("从标准输入读取的指令内容"))
    run(capsys, *ISSUE, "--kind", "instruct", "--case", case.number, "--text", "-", "--as", "chief")
    assert Instruction.objects.get().text == "从标准输入读取的指令内容"


def test_reports_file_read_list_and_show(world, clerk, capsys):
    case = handling(world, clerk, flags=["major"])
    assert "承办" in failed("reports", "file", case.number, "--text", "报告", "--as", "head")
    assert "尚未报告" in failed("reports", "read", case.number, "--comment", "阅", "--as", "chief")
    out = run(capsys, "reports", "list", "--mine", "--as", "alice")
    assert case.number in out and "待报告" in out
    assert "已就" in run(
        capsys, "reports", "file", case.number, "--text", "重大案件", "--as", "alice"
    )
    assert "阅示意见" in failed("reports", "read", case.number, "--comment", " ", "--as", "chief")
    report = case.reports.get()
    assert "已阅示" in run(
        capsys, "reports", "read", str(report.pk), "--comment", "同意", "--as", "chief"
    )
    data = json.loads(run(capsys, "reports", "show", case.number, "--json", "--as", "chief"))
    assert (data["state"], data["filed_by"], data["comment"]) == ("read", "安丽", "同意")
    assert "没有可以查阅的报告" in failed("reports", "show", case.number, "--as", "olga")
