"""The case page's 分案 section: the case office draws, the chief designates, others see why
not, and every draw shows its recomputation from the ledger."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from procuracy.assignment.models import Assignment
from procuracy.assignment.tests.test_services import receive
from procuracy.cases.models import CaseStatus
from procuracy.powers.models import Refusal


@pytest.fixture
def case(world, clerk):
    return receive(world, clerk)


def page(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def test_the_case_office_draws_and_the_page_shows_the_recomputation(world, sign_in, case):
    client = sign_in("frank")
    html = client.get(page(case)).content.decode()
    assert "尚未分案" in html and reverse("assignment:draw", args=[case.pk]) in html

    response = client.post(reverse("assignment:draw", args=[case.pk]))
    assert response.status_code == 302 and response["Location"] == page(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    html = client.get(page(case)).content.decode()
    assert "随机分案完成" in html and "重算一致" in html
    assert Assignment.objects.get().org.name in html
    # The case's history holds both acts of the draw: the inputs committed, then the choice.
    timeline = {what for what in re.findall(r'class="timeline__what">([^<]+)<', html)}
    assert {"受理案件", "提交随机分案输入", "随机分案"} <= timeline


def test_a_prosecutor_sees_why_not_and_a_forced_draw_is_refused_and_recorded(world, sign_in, case):
    client = sign_in("head")
    html = client.get(page(case)).content.decode()
    assert "为什么不能?" in html
    response = client.post(reverse("assignment:draw", args=[case.pk]))
    assert response.status_code == 403
    assert Refusal.objects.get().act == "assignment.draw"
    assert not Assignment.objects.exists()


def test_the_chief_designates_with_a_reason_and_reasoning(world, sign_in, case):
    url = reverse("assignment:designate", args=[case.pk])
    form = {
        "org": world.team.pk,
        "reason": "major",
        "reasoning": "案情重大,指定刑事第一办案组办理。",
    }
    refused = sign_in("head").post(url, form)
    assert refused.status_code == 403 and Refusal.objects.get().act == "designate_assignment"

    client = sign_in("chief")
    client.post(url, {**form, "reasoning": ""})
    assert not Assignment.objects.exists()
    response = client.post(url, form)
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.org, assignment.kind, assignment.approved_by) == (
        world.team,
        "designation",
        world.chief,
    )
