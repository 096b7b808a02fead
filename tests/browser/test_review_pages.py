"""Review and decision in a real browser: the department head finds Alice's major arrest
submission on the desk (待办), records a prosecutors' joint meeting and reviews it; Bob signs
his opinion from his desk; the chief, who saw the decision disabled before the review, finds
exactly agreeing and the three ways at their step and decides directly; Alice objects in
writing, the chief maintains the decision, Alice carries it out. Every page is saved as a
screenshot (test-artifacts/screenshots/review-*.png, and /tmp/h/shots when it exists)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus
from procuracy.powers.tests.support import issue, item
from tests.browser.test_case_lifecycle import _cases
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/h/shots")


def snap(shoot, page, name: str) -> None:
    """The full page, and on a case page its 监督制约 section alone (easier to read)."""
    path = shoot(page, f"review-{name}")
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / f"h4_{path.name}")
        section = page.locator("section", has=page.locator("#oversight-title"))
        if section.count():
            section.screenshot(path=str(SHOTS / f"h4_review-{name}-section.png"), caret="initial")


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state()


def _submitted(world):
    major = _cases(world)
    issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major"]),
            item(2, "approve_arrest", "department_head", power="review", when_any=["major"]),
            item(3, "approve_arrest", "chief", when_any=["major"]),
            item(4, "refuse_arrest", "prosecutor", unless=["major"]),
            item(5, "refuse_arrest", "department_head", power="review", when_any=["major"]),
            item(6, "refuse_arrest", "chief", when_any=["major"]),
        ],
    )
    lifecycle.submit_decision(
        actor=world.actor(world.alice),
        case=major,
        matter="approve_arrest",
        reasoning="犯罪嫌疑人涉嫌故意伤害致人重伤,有逮捕必要。",
    )
    return major


def test_a_major_arrest_goes_up_is_decided_directly_objected_to_and_carried_out(
    browser_world, page, shoot
):
    world = browser_world
    major = _submitted(world)

    # The chief sees it coming, and may not decide it before the head's review.
    sign_in(page, "chief")
    page.goto(f"/cases/{major.pk}/")
    page.locator("#oversight-title").scroll_into_view_if_needed()
    for label in ("同意报请", "要求复核", "直接决定", "提请检察委员会讨论"):
        assert page.locator("#oversight-ways").get_by_role("button", name=label).is_disabled()
    ways = page.locator("#oversight-ways")
    ways.locator(".why-not__summary").first.click()
    assert ways.get_by_text("该报请尚待部门负责人审核", exact=False).first.is_visible()
    snap(shoot, page, "chief-before-review")
    sign_out(page)

    # The head: the desk, a joint meeting, the review.
    sign_in(page, "head")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您审核(1 件)").wait_for()
    snap(shoot, page, "desk-head")
    page.get_by_role("link", name=major.number).first.click()
    page.get_by_role("heading", name="监督制约").wait_for()
    form = page.locator("form", has=page.get_by_role("heading", name="记录检察官联席会议"))
    form.get_by_label("讨论事项").fill("是否批准逮捕")
    form.get_by_label("会议记录").fill("承办检察官汇报案情,与会检察官逐一发表意见。")
    form.get_by_label("第 1 位参加人", exact=True).select_option(label="包博")
    form.get_by_label("第 1 位参加人的倾向").select_option("for")
    form.get_by_label("第 1 位参加人的意见").fill("有逮捕必要,同意批捕。")
    form.get_by_label("第 2 位参加人", exact=True).select_option(label="蔡蕾")
    form.get_by_label("第 2 位参加人的倾向").select_option("against")
    form.get_by_label("第 2 位参加人的意见").fill("伤情鉴定尚未出具,证据不足。")
    snap(shoot, page, "head-joint-meeting-form")
    form.get_by_role("button", name="记录检察官联席会议").click()
    page.get_by_text("已记录检察官联席会议,2 名检察官的意见待本人签名。").wait_for()
    review_form = page.locator("form", has=page.get_by_role("heading", name="审核"))
    review_form.get_by_label("审核意见").select_option("agree")
    review_form.get_by_label("意见内容").fill("综合联席会议意见,同意报请。")
    review_form.get_by_role("button", name="审核").click()
    page.get_by_text("已提出审核意见,报请送检察长决定。").wait_for()
    snap(shoot, page, "case-after-review")
    assert page.console.errors == []
    sign_out(page)

    # Bob signs his opinion from his desk, without reading the case.
    sign_in(page, "bob")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您签名的联席会议意见(1 件)").wait_for()
    page.get_by_role("link", name=major.number).click()
    page.get_by_role("heading", name="检察官联席会议意见").wait_for()
    snap(shoot, page, "joint-opinion")
    page.get_by_role("button", name="签名确认").click()
    page.get_by_text("已在检察官联席会议意见上签名。").wait_for()
    assert page.console.errors == []
    sign_out(page)

    # The chief: exactly agreeing and the three ways; deciding directly.
    sign_in(page, "chief")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您决定(1 件)").wait_for()
    snap(shoot, page, "desk-chief")
    page.get_by_role("link", name=major.number).first.click()
    ways = page.locator("#oversight-ways")
    buttons = ways.locator("button[type=submit]").all_inner_texts()
    assert buttons == ["同意报请", "要求复核", "直接决定", "提请检察委员会讨论"]
    page.locator("#oversight-acts-title").scroll_into_view_if_needed()
    snap(shoot, page, "chief-four-ways")
    direct = page.locator("form", has=page.get_by_role("heading", name="直接决定"))
    direct.get_by_label("改为决定").select_option("refuse_arrest")
    direct.get_by_label("直接决定的理由").fill("伤情鉴定未出具,现有证据不足以证明有逮捕必要。")
    direct.get_by_role("button", name="直接决定").click()
    page.get_by_text("已作出决定:“不批准逮捕”。案件状态:执行决定。").wait_for()
    assert page.console.errors == []
    sign_out(page)

    # Alice objects in writing; she may not carry it out until answered.
    sign_in(page, "alice")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您执行的决定(1 件)").wait_for()
    snap(shoot, page, "desk-alice")
    page.get_by_role("link", name=major.number).first.click()
    objection = page.locator("form", has=page.get_by_role("heading", name="提出书面异议"))
    objection.get_by_label("异议的内容和理由").fill("被害人伤情已达重伤二级,嫌疑人有串供可能。")
    objection.get_by_role("button", name="提出书面异议").click()
    page.get_by_text("已提出书面异议,等待韩川答复;答复前暂不执行。").wait_for()
    assert page.get_by_role("button", name="执行决定").is_disabled()
    snap(shoot, page, "case-objected")
    sign_out(page)

    sign_in(page, "chief")
    nav(page, "待办").click()
    page.get_by_role("heading", name="待您答复的书面异议(1 件)").wait_for()
    page.get_by_role("link", name=major.number).first.click()
    answer = page.locator("form", has=page.get_by_role("heading", name="答复异议"))
    answer.locator("#answer-answer").select_option("maintain")
    answer.get_by_label("答复意见").fill("鉴定意见出具前,维持不批准逮捕的决定。")
    answer.get_by_role("button", name="答复异议").click()
    page.get_by_text("已答复异议:维持原决定,承办检察官应当执行。").wait_for()
    sign_out(page)

    sign_in(page, "alice")
    page.goto(f"/cases/{major.pk}/")
    page.get_by_role("button", name="执行决定").click()
    page.get_by_text("已执行决定。案件状态:已结案。").wait_for()
    page.locator("#oversight-record-title").scroll_into_view_if_needed()
    snap(shoot, page, "case-record")
    assert Case.objects.get(pk=major.pk).status == CaseStatus.CLOSED
    assert page.console.errors == []
