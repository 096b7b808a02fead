"""The case office takes a case in through the form in a real browser — the business lines
follow the case type chosen — and lands on the case's page with its number, warning and time
limit; then reads the queue. Screenshots of the three pages."""

from __future__ import annotations

import datetime

import pytest

from procuracy.core.actors import Actor
from procuracy.people import services as people
from tests.browser.test_ledger_pages import keep
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser


def shot(shoot, page, name: str) -> None:
    keep(shoot(page, f"cases_{name}"), f"cases_{name}")


def test_a_case_officer_takes_a_case_in_and_lands_on_its_page(browser_world, page, shoot):
    world = browser_world
    people.appoint(
        actor=Actor.system(),
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    sign_in(page, "frank")
    nav(page, "案件").click()
    page.get_by_role("heading", name="案件", exact=True).wait_for()
    page.get_by_role("link", name="受理案件").click()
    page.get_by_role("heading", name="受理案件").wait_for()
    page.wait_for_load_state()  # htmx is loaded (deferred) before the type is chosen

    page.get_by_label("案件类型").select_option(label="审查起诉案件")
    lines = page.locator("#intake-business-line select")
    page.wait_for_function(
        "() => document.querySelectorAll('#intake-business-line option').length === 6"
    )
    assert "民事检察" not in lines.inner_text()
    lines.select_option("ordinary_crime")
    page.get_by_label("案件名称").fill("张某盗窃案")
    page.get_by_label("案件来源").select_option("police")
    page.get_by_label("犯罪嫌疑人在押").check()
    page.get_by_label("重大", exact=True).check()
    page.get_by_label("第 1 名当事人的诉讼地位").select_option("suspect")
    page.get_by_label("第 1 名当事人的姓名或名称").fill("张某")
    page.get_by_label("第 1 名当事人的在押").check()
    shot(shoot, page, "intake")
    page.get_by_role("button", name="受理", exact=True).click()

    page.get_by_text("已受理,案号").wait_for()
    heading = page.get_by_role("heading", name="张某盗窃案")
    assert heading.is_visible()
    assert page.get_by_text("移送案件未填写移送单位。").first.is_visible()
    assert page.get_by_text("审查起诉期限届满日").is_visible()
    shot(shoot, page, "detail")

    nav(page, "案件").click()
    page.get_by_role("link", name="张某盗窃案").or_(page.get_by_text("张某盗窃案")).first.wait_for()
    shot(shoot, page, "queue")
    assert page.console.errors == []
