"""`procuracy cases …`: intake prints the number and the warnings; show prints the facts and
the time limit (or JSON); list prints the queue; refusals and bad usage exit 1 and 2."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from procuracy.cases.models import Case


def intake(login, *extra):
    call_command(
        "cases",
        "intake",
        "--as",
        login,
        "--type",
        "prosecution_review",
        "--line",
        "ordinary_crime",
        "--title",
        "张某盗窃案",
        "--source",
        "police",
        "--received",
        "2026-03-02",
        *extra,
    )


def test_intake_prints_the_number_and_the_warnings(world, clerk, capsys):
    intake("frank", "--custody", "--flags", "major,认罪认罚", "--party", "suspect:张某:custody")
    out = capsys.readouterr().out
    assert "已受理,案号 城关区检刑诉受〔2026〕1号。" in out
    assert "受理提示:移送案件未填写移送单位。" in out
    case = Case.objects.get()
    assert case.flags == ["major", "plea"] and case.custody
    assert case.parties.get().in_custody


def test_show_prints_the_facts_and_the_time_limit_or_json(world, clerk, capsys):
    intake("frank", "--custody", "--party", "犯罪嫌疑人:张某:custody")
    capsys.readouterr()
    call_command("cases", "show", "城关区检刑诉受〔2026〕1号", "--as", "chief")
    out = capsys.readouterr().out
    assert "张某盗窃案" in out and "审查起诉期限届满日:2026-04-02" in out
    call_command("cases", "show", "城关区检刑诉受〔2026〕1号", "--as", "chief", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["parties"][0]["name"] == "张某"
    assert data["time_limit"]["expires_on"] == "2026-04-02"


def test_list_prints_the_cases_one_may_read(world, clerk, capsys):
    intake("frank")
    capsys.readouterr()
    call_command("cases", "list", "--as", "frank", "--status", "received")
    assert "张某盗窃案" in capsys.readouterr().out
    call_command("cases", "list", "--as", "olga")
    assert "没有符合条件的案件。" in capsys.readouterr().out


def test_a_prosecutor_is_refused_with_exit_code_1_and_nothing_written(world):
    with pytest.raises(CommandError, match="案件管理人员") as refused:
        intake("alice")
    assert refused.value.returncode == 1
    assert not Case.objects.exists()


def test_a_future_date_is_refused_with_the_reason(world, clerk):
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    with pytest.raises(CommandError, match="受理日期不能晚于今天") as refused:
        intake("frank", "--received", future)
    assert refused.value.returncode == 1


@pytest.mark.parametrize(
    "extra",
    [("--as", "nobody"), ("--flags", "urgent"), ("--party", "张某"), ("--received", "3/2")],
)
def test_bad_usage_exits_2(world, clerk, extra):
    with pytest.raises(CommandError) as bad:
        if extra[0] == "--as":
            call_command("cases", "list", *extra)
        else:
            intake("frank", *extra)
    assert bad.value.returncode == 2


def test_a_case_one_may_not_read_is_not_shown(world, clerk):
    intake("frank")
    with pytest.raises(CommandError, match="没有可以查阅") as missing:
        call_command("cases", "show", "城关区检刑诉受〔2026〕1号", "--as", "olga")
    assert missing.value.returncode == 1
