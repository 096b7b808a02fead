"""Intake: the case office takes a case in — numbered in the official style, weighed for the
draw, warned about what looks incomplete, refused (with nothing written) when it is wrong."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from procuracy.cases import intake
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseType, Party
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.organisation.models import BusinessLine
from procuracy.powers.models import Refusal

SYSTEM = Actor.system()
DAY = datetime.date(2026, 3, 2)


def line(code):
    return BusinessLine.objects.get(code=code)


def kind(code):
    return CaseType.objects.get(code=code)


def receive(world, clerk, **facts):
    facts = {
        "procuratorate": world.base,
        "case_type": kind("prosecution_review"),
        "business_line": line("ordinary_crime"),
        "title": "张某盗窃案",
        "source": "police",
        "referred_by": "兰州市公安局城关分局",
        "received_on": DAY,
        "parties": [PartyFields("suspect", "张某", in_custody=True)],
        "custody": True,
        **facts,
    }
    return receive_case(actor=clerk, **facts)


def test_a_case_is_numbered_in_the_official_style_serially_per_word_and_year(world, clerk):
    first = receive(world, clerk)
    second = receive(world, clerk, title="李某诈骗案")
    arrest = receive(world, clerk, case_type=kind("arrest_review"))
    next_year = receive(world, clerk, received_on=datetime.date(2025, 12, 30))
    assert first.number == "城关区检刑诉受〔2026〕1号"
    assert second.number == "城关区检刑诉受〔2026〕2号"
    assert arrest.number == "城关区检捕受〔2026〕1号"
    assert next_year.number == "城关区检刑诉受〔2025〕1号"


def test_intake_is_one_ledgered_act_with_the_parties_kept_out_of_its_body(world, clerk):
    case = receive(world, clerk)
    act = Act.objects.get(kind="cases.received")
    assert act.subject_id == case.pk and act.actor == world.frank
    assert act.body["number"] == case.number and act.body["parties"] == 1
    assert "张某" not in str(act.body)
    party = Party.objects.get(case=case)
    assert party.ledger_seq == act.seq == case.ledger_seq


def test_the_weight_grows_with_the_cases_flags(world, clerk, settings):
    plain = receive(world, clerk)
    major = receive(world, clerk, flags=["major", "complex"])
    assert plain.weight == Decimal("1.50")
    assert major.weight == Decimal("1.50") * Decimal("1.8")
    settings.PROCURACY_CASE_WEIGHTS = {"types": {"prosecution_review": 2}, "flags": {"major": 1}}
    assert intake.weight_of(kind("prosecution_review"), ["major"]) == Decimal("4.00")


def test_what_looks_incomplete_is_warned_not_refused(world, clerk):
    case = receive(
        world,
        clerk,
        business_line=line("economic_crime"),
        referred_by="",
        parties=[],
        custody=True,
    )
    assert case.pk is not None
    assert any("没有办理经济犯罪检察的内设机构" in w for w in case.warnings)
    assert any("未录入犯罪嫌疑人" in w for w in case.warnings)
    assert any("未填写移送单位" in w for w in case.warnings)
    assert any("没有在押的当事人" in w for w in case.warnings)
    assert receive(world, clerk).warnings == []


@pytest.mark.parametrize(
    ("facts", "field", "reason"),
    [
        ({"received_on": datetime.date(2099, 1, 1)}, "received_on", "不能晚于今天"),
        ({"case_type": "civil_supervision"}, "business_line", "不属于普通犯罪检察"),
        ({"flags": ["urgent"]}, "flags", "urgent"),
        ({"related": ["城关区检刑诉受〔2026〕99号"]}, "related", "99号"),
        ({"parties": [PartyFields("suspect", " ")]}, "parties", "姓名或名称"),
        ({"title": ""}, "title", "案件名称"),
    ],
)
def test_bad_intake_is_refused_with_the_reason_and_writes_nothing(
    world, clerk, facts, field, reason
):
    if facts.get("case_type"):
        facts["case_type"] = kind(facts["case_type"])
    before = Act.objects.count()
    with pytest.raises(RuleViolation) as refused:
        receive(world, clerk, **facts)
    assert refused.value.field == field and reason in refused.value.rule
    assert not Case.objects.exists() and Act.objects.count() == before


def test_related_cases_are_linked_by_number(world, clerk):
    first = receive(world, clerk)
    second = receive(world, clerk, related=[first.number])
    assert second.related == [first.number]


def test_only_the_case_office_takes_cases_in_and_a_refusal_is_recorded(world, clerk):
    with pytest.raises(ActDenied) as denied:
        receive(world, world.actor(world.alice))
    assert "案件管理人员" in denied.value.reason
    assert Refusal.objects.get().act == "cases.intake"
    assert not Case.objects.exists()
