"""A case's life in a real browser: Alice opens her major arrest review, sees that she may not
decide it (and why), submits it to the chief; the chief finds it on the desk (待办), opens it
and decides. Screenshots: docs/screenshots/case-lifecycle.png (the case page as Alice sees
it, the submission waiting) and docs/screenshots/desk.png (the chief's desk)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from procuracy.assignment import services as assignment
from procuracy.cases import lifecycle
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseStatus, CaseType
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people
from procuracy.powers.tests.support import issue, item
from tests.browser.test_ledger_pages import keep
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save(shoot, page, name: str) -> None:
    path = shoot(page, name)
    keep(path, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"{name}.png")


def _cases(world):
    people.appoint(
        actor=Actor.system(),
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major"]),
            item(2, "approve_arrest", "chief", when_any=["major"]),
            item(3, "refuse_arrest", "prosecutor", unless=["major"]),
            item(4, "refuse_arrest", "chief", when_any=["major"]),
            item(5, "prosecute", "prosecutor"),
            item(6, "return_investigation", "department_head"),
        ],
    )
    clerk, chief = world.actor(world.frank), world.actor(world.chief)

    def receive(title, case_type="arrest_review", days_ago=1, **facts):
        return receive_case(
            actor=clerk,
            procuratorate=world.base,
            case_type=CaseType.objects.get(code=case_type),
            business_line=BusinessLine.objects.get(code="ordinary_crime"),
            title=title,
            source="police",
            referred_by="兰州市公安局城关分局",
            received_on=today() - datetime.timedelta(days=days_ago),
            parties=[PartyFields("suspect", title[:2], in_custody=facts.get("custody", False))],
            **facts,
        )

    def to_alice(case, start=True):
        assignment.designate_case(
            actor=chief, case=case, org=world.sole_alice, reason="major", reasoning="检察长指定"
        )
        if start:
            lifecycle.start_handling(actor=world.actor(world.alice), case=case)
        return case

    major = to_alice(receive("张某故意伤害案", custody=True, flags=["major"], days_ago=5))
    to_alice(receive("李某盗窃案", custody=True, days_ago=6))
    to_alice(receive("王某诈骗案", case_type="prosecution_review", days_ago=12), start=False)
    late = to_alice(receive("赵某抢劫案", case_type="prosecution_review", days_ago=40))
    lifecycle.exclude_period(
        actor=world.actor(world.alice),
        case=late,
        start=today() - datetime.timedelta(days=30),
        end=today() - datetime.timedelta(days=27),
        reason="对犯罪嫌疑人作精神病鉴定",
    )
    return major


def test_alice_submits_a_major_arrest_and_the_chief_decides_it_from_the_desk(
    browser_world, page, shoot
):
    world = browser_world
    major = _cases(world)

    sign_in(page, "alice")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待办", exact=True).wait_for()
    keep(shoot(page, "desk-alice"), "desk-alice")
    # The major case is on her desk twice: handled, and owing the chief a report.
    handled = page.locator("section", has=page.locator("#handling-title"))
    handled.get_by_role("link", name=major.number).click()
    page.get_by_role("heading", name="张某故意伤害案").wait_for()
    # Nothing here is Alice's to decide: the button is disabled, the reason one click away.
    assert page.get_by_role("button", name="作出决定").is_disabled()
    page.locator("#lifecycle-title").scroll_into_view_if_needed()
    page.get_by_label("事项").select_option("approve_arrest")
    page.get_by_label("理由和意见").fill("犯罪嫌疑人涉嫌故意伤害致人重伤,有逮捕必要。")
    keep(shoot(page, "case-lifecycle-submit"), "case-lifecycle-submit")
    page.get_by_role("button", name="报请决定").click()
    page.get_by_text("已报请“批准逮捕”,等待检察长决定。").wait_for()
    assert page.get_by_text("待决定:批准逮捕").is_visible()
    page.locator(".why-not__summary").first.click()
    save(shoot, page, "case-lifecycle")
    assert page.console.errors == []

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state()
    sign_in(page, "chief")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您决定(1 件)").wait_for()
    page.get_by_role("heading", name="即将届满或已超期的案件", exact=False).wait_for()
    save(shoot, page, "desk")
    page.get_by_role("link", name=major.number).first.click()
    # The submission's decider agrees (or takes one of the three ways) in 监督制约.
    page.get_by_label("决定意见").fill("同意逮捕。")
    page.get_by_role("button", name="同意报请").click()
    page.get_by_text("已作出决定:“批准逮捕”。案件状态:已结案。").wait_for()
    assert Case.objects.get(pk=major.pk).status == CaseStatus.CLOSED
    assert page.console.errors == []
