"""A base chief reads the power lists in a real browser: the lists, a draft version filtered
live, the reason beside the approval they may not give, an item's history, a comparison,
delegations, refused attempts, the public page and the decision check; then the province's
chief sees the draft's edit controls. Screenshots as the other browser tests keep them, and a
copy in /tmp/shots/ for looking at them by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procuracy.core.errors import ActDenied
from procuracy.powers import services
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import Matter
from procuracy.powers.tests.support import IN_FORCE, issue, item
from tests.browser.test_ledger_pages import keep
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser


def lists(world):
    """A base list in force, and a draft of its next version with one item changed."""
    in_force = issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major", "difficult", "complex"]),
            item(2, "approve_arrest", "department_head", "review", when_any=["major"]),
            item(3, "approve_arrest", "chief", when_any=["major", "difficult", "complex"]),
            item(4, "protest", "committee", legal_basis="《人民检察院刑事诉讼规则》第五百八十四条"),
            item(5, "prosecute", "prosecutor", line="ordinary_crime", max_amount=1_000_000),
            item(6, "sign_document", "department_head", "sign"),
        ],
    )
    province_chief = world.actor(world.province_chief)
    draft = services.draft_version(actor=province_chief, power_list=in_force.power_list)
    protest = draft.items.get(code="T-004")
    fields = ItemFields.of(protest)
    fields.note = "重大案件提请检察委员会讨论"
    services.change_item(actor=province_chief, item=protest, fields=fields)
    return in_force, draft


def refused_attempt(world):
    """Alice tries to delegate: refused, and recorded at her procuratorate."""
    with pytest.raises(ActDenied):
        services.delegate(
            actor=world.actor(world.alice),
            procuratorate=world.base,
            delegate=world.bob,
            matter=Matter.objects.get(code="bail"),
            document_no="X",
            instruction="X",
            valid_from=IN_FORCE,
        )


def shot(shoot, page, name: str) -> None:
    keep(shoot(page, f"powers_{name}"), f"powers_{name}")


def test_a_chief_reads_the_lists_and_sees_why_he_may_not_approve(browser_world, page, shoot):
    world = browser_world
    in_force, _draft = lists(world)
    refused_attempt(world)

    sign_in(page, "chief")
    nav(page, "权力清单").click()
    page.get_by_role("heading", name="权力清单", exact=True).wait_for()
    assert page.get_by_text("现行有效").first.is_visible()
    shot(shoot, page, "index")

    page.get_by_role("link", name="第 2 版", exact=True).first.click()
    page.get_by_role("heading", name="base 清单 第2版").wait_for()
    results = page.locator("#items-results")
    results.get_by_text("共 6 项").wait_for()
    page.wait_for_load_state()  # htmx is loaded (deferred) before the filter is typed into

    page.get_by_label("事项", exact=True).fill("抗诉")  # a live filter (htmx)
    page.wait_for_url("**matter=**")
    results.get_by_text("共 1 项").wait_for()
    assert results.get_by_role("link", name="T-004").is_visible()
    assert not results.get_by_role("link", name="T-001").is_visible()

    approve = page.get_by_role("button", name="批准", exact=True)
    assert approve.is_disabled()
    why = page.locator(".refused-action", has=approve)
    why.get_by_text("为什么不能?").click()
    sentence = why.get_by_text("“批准权力清单”须由本院的")
    assert sentence.is_visible()
    assert approve.get_attribute("aria-describedby") == sentence.get_attribute("id")
    shot(shoot, page, "version_draft")

    results.get_by_role("link", name="T-004").click()
    page.get_by_role("heading", name="历次版本").wait_for()
    assert page.get_by_text("重大案件提请检察委员会讨论").first.is_visible()
    shot(shoot, page, "item")

    page.goto(reverse("powers:compare", args=[in_force.power_list_id]))
    page.get_by_role("heading", name="修改的事项").wait_for()
    shot(shoot, page, "compare")

    page.goto(reverse("powers:delegations", args=[world.base.pk]))
    page.get_by_role("heading", name="现行授权").wait_for()
    shot(shoot, page, "delegations")

    page.goto(reverse("powers:refusals", args=[world.base.pk]))
    assert page.get_by_text("“书面授权清单未列事项”须由本院的").is_visible()
    shot(shoot, page, "refusals")

    page.goto(reverse("powers:check"))
    page.get_by_label("人员").fill("alice")
    page.get_by_role("combobox", name="事项", exact=True).select_option("approve_arrest")
    page.get_by_label("重大").check()
    page.get_by_label("日期").fill(IN_FORCE.isoformat())
    page.get_by_role("button", name="查询").click()
    page.get_by_text("不能办理").wait_for()
    assert page.get_by_text("部门负责人审核 → 检察长决定").is_visible()
    shot(shoot, page, "check")

    assert page.console.errors == []


def test_the_provinces_chief_edits_a_draft_and_anyone_reads_the_public_page(
    browser_world, page, shoot
):
    world = browser_world
    in_force, draft = lists(world)

    page.goto(reverse("powers:public"))
    page.get_by_role("heading", name="检察官权力清单(现行)").wait_for()
    assert page.get_by_text("批准逮捕").first.is_visible()
    shot(shoot, page, "public")

    sign_in(page, "province_chief")
    page.goto(reverse("powers:version", args=[draft.pk]))
    page.get_by_role("heading", name="批准草稿").wait_for()
    assert page.get_by_role("button", name="增加事项").is_enabled()
    shot(shoot, page, "version_edit")

    page.goto(reverse("powers:version", args=[in_force.pk]))
    page.get_by_role("heading", name="base 清单 第1版").wait_for()
    shot(shoot, page, "version_in_force")
    assert page.console.errors == []
