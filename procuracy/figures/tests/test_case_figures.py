"""The figures of cases: by business line and status, due soon and overdue (today and by
procuratorate), the stages that ended late, and the returns and extensions decided, counted
from cases taken in and moved along through the services, within the reader's scope."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import PASSWORD
from procuracy.cases import lifecycle
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.cases.tests.test_lifecycle import handling, listed, receive  # noqa: F401
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.figures.selectors import report_figures
from procuracy.organisation.models import BusinessLine

TODAY = today()


def section_of(actor) -> dict:
    section = report_figures(actor)["sections"]["cases"]
    return section | {"values": {i["key"]: i["value"] for i in section["items"]}}


def row(section: dict, line: str) -> dict:
    found = next(r for r in section["by_line"] if r["key"] == line)
    statuses = [s["key"] for s in section["statuses"]]
    return {k: n for k, n in zip(statuses, found["counts"], strict=True) if n} | {
        "total": found["total"]
    }


@pytest.fixture
def cases(world, clerk, listed):  # noqa: F811
    """At 城关区院: an arrest review due tomorrow (due soon), one expired three days ago
    (overdue), a prosecution review received today and a civil supervision case, all waiting;
    a prosecution review returned once, resubmitted, extended and prosecuted; an arrest review
    approved today, four days after its seven days ran out. At the other base: one overdue."""
    alice, head = world.actor(world.alice), world.actor(world.head)
    receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6)
    receive(clerk, world, case_type="arrest_review", custody=True, days_ago=9)
    receive(clerk, world, days_ago=0)
    receive_case(
        actor=clerk,
        procuratorate=world.base,
        case_type=CaseType.objects.get(code="civil_supervision"),
        business_line=BusinessLine.objects.get(code="civil"),
        title="王某与李某民间借贷纠纷监督案",
        source="complaint",
        received_on=TODAY,
        parties=[PartyFields("applicant", "王某"), PartyFields("respondent", "李某")],
    )
    reviewed = handling(world, clerk, days_ago=20)
    lifecycle.decide(actor=head, case=reviewed, matter="return_investigation", reasoning="补证")
    lifecycle.resubmit(actor=clerk, case=reviewed, received_on=TODAY)
    lifecycle.decide(actor=head, case=reviewed, matter="extend_review", reasoning="案情复杂")
    lifecycle.decide(actor=alice, case=reviewed, matter="prosecute", reasoning="证据充分")
    late = handling(world, clerk, case_type="arrest_review", custody=True, days_ago=10)
    lifecycle.decide(actor=alice, case=late, matter="approve_arrest", reasoning="有逮捕必要")
    receive_case(
        actor=Actor.system(),
        procuratorate=world.other_base,
        case_type=CaseType.objects.get(code="arrest_review"),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="赵某抢劫案",
        source="police",
        referred_by="七里河区公安分局",
        custody=True,
        received_on=TODAY - datetime.timedelta(days=12),
        parties=[PartyFields("suspect", "赵某", in_custody=True)],
    )


def test_cases_are_counted_by_line_and_status_with_their_deadlines(world, cases):
    section = section_of(Actor.system())
    assert section["values"] == {
        "received": 7,
        "open": 5,
        "due_soon": 1,
        "overdue": 2,
        "closed_late": 1,  # the arrest review approved after its expiry
        "returns": 1,
        "extensions": 1,
    }
    assert row(section, "ordinary_crime") == {"received": 4, "closed": 2, "total": 6}
    assert row(section, "civil") == {"received": 1, "total": 1}
    assert row(section, "total") == {"received": 5, "closed": 2, "total": 7}
    assert row(section, "minors") == {"total": 0}


def test_due_soon_and_overdue_are_given_by_procuratorate_the_most_overdue_first(world, cases):
    places = section_of(Actor.system())["by_procuratorate"]
    assert [(p["procuratorate"], p["open"], p["due_soon"], p["overdue"]) for p in places] == [
        ("城关区院", 4, 1, 1),
        ("七里河区院", 1, 0, 1),
    ]


def test_a_reader_sees_only_the_cases_of_their_scope(world, cases):
    mine = section_of(world.actor(world.alice))
    assert (mine["values"]["received"], mine["values"]["overdue"]) == (6, 1)
    assert [p["procuratorate"] for p in mine["by_procuratorate"]] == ["城关区院"]
    above = section_of(world.actor(world.city_chief))
    assert (above["values"]["received"], above["values"]["overdue"]) == (7, 2)


def test_a_case_taken_in_after_the_day_asked_about_is_left_out(world, cases):
    yesterday = TODAY - datetime.timedelta(days=1)
    section = report_figures(Actor.system(), after=yesterday)["sections"]["cases"]
    values = {i["key"]: i["value"] for i in section["items"]}
    # The prosecution review and the civil case came in today; the decisions made today too.
    assert (values["received"], values["returns"], values["extensions"]) == (5, 0, 0)


def test_no_cases_give_zeros_not_an_error(world):
    section = section_of(Actor.system())
    assert set(section["values"].values()) == {0}
    assert section["by_procuratorate"] == []


def test_the_command_prints_the_tables(world, cases):
    out = io.StringIO()
    call_command("figures", stdout=out)
    text = out.getvalue()
    for words in ("案件办理", "按业务条线和状态", "普通犯罪检察", "临近期限和超期的院"):
        assert words in text
    assert "七里河区院" in text  # the system's scope: the other base too
    figures = json.loads(_json("--as", "alice"))
    assert {i["key"]: i["value"] for i in figures["sections"]["cases"]["items"]}["open"] == 4


def _json(*args) -> str:
    out = io.StringIO()
    call_command("figures", "--json", *args, stdout=out)
    return out.getvalue()


def test_the_page_and_the_api_show_them(world, cases, client):
    assert client.login(username="chief", password=PASSWORD)
    html = client.get(reverse("figures:index")).content.decode()
    for words in ("案件办理", "按业务条线和状态", "临近期限和超期的院", "城关区院", "退回补充侦查"):
        assert words in html
    assert "七里河区院" not in html  # another base: not the chief's to see
    body = client.get("/api/v1/figures").json()
    values = {i["key"]: i["value"] for i in body["sections"]["cases"]["items"]}
    assert (values["due_soon"], values["overdue"]) == (1, 1)
