"""The case pages: intake through the form (the case office only; bad input re-rendered with
the reason and nothing written; anyone else refused and recorded), the office's queue, and a
case's page with its time limit — hidden (404) from those who may not read it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseType, Party
from procuracy.core.actors import Actor
from procuracy.core.models import Act
from procuracy.organisation.models import BusinessLine
from procuracy.powers.models import Refusal

SYSTEM = Actor.system()
DAY = datetime.date(2026, 3, 2)


def taken_in(world, clerk, **facts):
    facts = {
        "procuratorate": world.base,
        "case_type": CaseType.objects.get(code="prosecution_review"),
        "business_line": BusinessLine.objects.get(code="ordinary_crime"),
        "title": "张某盗窃案",
        "source": "police",
        "referred_by": "兰州市公安局城关分局",
        "received_on": DAY,
        "custody": True,
        "parties": [PartyFields("suspect", "张某", in_custody=True)],
        **facts,
    }
    return receive_case(actor=clerk, **facts)


def form_data(**fields):
    data = {
        "case_type": "prosecution_review",
        "business_line": "ordinary_crime",
        "title": "李某诈骗案",
        "source": "police",
        "referred_by": "",
        "received_on": DAY.isoformat(),
        "flags": ["major"],
        "amount": "120000",
        "related": "",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-role": "suspect",
        "parties-0-name": "李某",
        "parties-1-role": "victim",
        "parties-1-name": "王某",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_case_office_takes_a_case_in_through_the_form(world, clerk, sign_in):
    earlier = taken_in(world, clerk)
    client = sign_in("frank")
    page = client.get(reverse("cases:intake"))
    assert page.status_code == 200
    assert "why-intake" not in page.content.decode()
    answer = client.post(reverse("cases:intake"), form_data(related=earlier.number), follow=True)
    case = Case.objects.get(title="李某诈骗案")
    assert answer.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    text = answer.content.decode()
    assert case.number == "城关区检刑诉受〔2026〕2号"
    assert f"已受理,案号 {case.number}。" in text
    assert "移送案件未填写移送单位。" in text  # the warning, shown
    assert case.flags == ["major"] and case.related == [earlier.number]
    assert [p.name for p in Party.objects.filter(case=case)] == ["李某", "王某"]


def test_a_received_date_in_the_future_is_refused_with_the_reason_and_nothing_written(
    world, clerk, sign_in
):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    answer = sign_in("frank").post(reverse("cases:intake"), form_data(received_on=future))
    assert answer.status_code == 200
    assert "受理日期不能晚于今天。" in answer.content.decode()
    assert not Case.objects.exists()
    assert not Act.objects.filter(kind="cases.received").exists()


def test_a_business_line_the_type_does_not_belong_to_is_refused_by_the_service(
    world, clerk, sign_in
):
    answer = sign_in("frank").post(reverse("cases:intake"), form_data(business_line="civil"))
    assert "审查起诉案件属于" in answer.content.decode()
    assert not Case.objects.exists()


def test_a_prosecutor_sees_why_not_and_is_refused_with_the_refusal_recorded(world, sign_in):
    client = sign_in("alice")
    page = client.get(reverse("cases:intake")).content.decode()
    assert 'aria-describedby="why-intake"' in page and "为什么不能?" in page
    answer = client.post(reverse("cases:intake"), form_data())
    assert answer.status_code == 403
    assert "案件管理人员" in answer.content.decode()
    assert Refusal.objects.get().act == "cases.intake"
    assert not Case.objects.exists()


def test_choosing_a_case_type_offers_its_business_lines(world, sign_in):
    answer = sign_in("frank").get(reverse("cases:intake_lines"), {"case_type": "civil_supervision"})
    text = answer.content.decode()
    assert 'value="civil"' in text and 'value="ordinary_crime"' not in text


def test_the_queue_lists_the_office_s_cases_with_filters(world, clerk, sign_in):
    taken_in(world, clerk)
    taken_in(
        world,
        clerk,
        case_type=CaseType.objects.get(code="arrest_review"),
        title="赵某抢劫案",
        referred_by="",
    )
    client = sign_in("frank")
    text = client.get(reverse("cases:list")).content.decode()
    assert "张某盗窃案" in text and "赵某抢劫案" in text and "共 2 件" in text
    text = client.get(reverse("cases:list"), {"case_type": "arrest_review"}).content.decode()
    assert "赵某抢劫案" in text and "张某盗窃案" not in text
    text = client.get(reverse("cases:list"), {"warned": "on"}).content.decode()
    assert "赵某抢劫案" in text and "张某盗窃案" not in text


def test_the_case_page_shows_facts_parties_time_limit_and_history(world, clerk, sign_in):
    case = taken_in(world, clerk)
    text = sign_in("chief").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.number in text and "张某" in text
    # One month from 2 March 2026, in custody: 2 April.
    assert "审查起诉期限届满日:2026-04-02" in text
    assert "受理案件" in text  # the act in the history
    assert reverse("ledger:entry", args=[case.ledger_seq]) in text


@pytest.mark.parametrize("login", ["olga", "alice"])
def test_those_who_may_not_read_a_case_get_404(world, clerk, sign_in, login):
    case = taken_in(world, clerk)
    assert sign_in(login).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_chief_above_reads_the_case_and_the_other_base_does_not_list_it(world, clerk, sign_in):
    case = taken_in(world, clerk)
    assert sign_in("city_chief").get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert case.number not in sign_in("olga").get(reverse("cases:list")).content.decode()


def test_the_live_filter_answers_htmx_with_the_results_alone(world, clerk, sign_in):
    taken_in(world, clerk)
    answer = sign_in("frank").get(
        reverse("cases:list"), {"status": "received"}, HTTP_HX_REQUEST="true"
    )
    text = answer.content.decode()
    assert "张某盗窃案" in text and "<html" not in text
