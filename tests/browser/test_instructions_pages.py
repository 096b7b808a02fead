"""Instructions and reports in a real browser: the city's chief revokes a base decision from
the case's instruction form; Alice reports compliance with her disagreement; the city's chief
calls up a member of the base's staff (the staff list swapped in as the procuratorate is
chosen); Alice reports her major case to the chief, who reads it. No page reports an error
(a CSP violation among them)."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest

from procuracy.assignment import services as assignment
from procuracy.cases import lifecycle
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.oversight.models import Instruction, Report
from procuracy.people import services as people
from procuracy.powers.tests.support import issue, item
from tests.browser.test_pages import sign_in as sign_in_first


def sign_in(page, login: str) -> None:
    """As another person: the last one's session is dropped first."""
    page.context.clear_cookies()
    sign_in_first(page, login)


pytestmark = pytest.mark.browser

# Where a reviewer looks at them besides test-artifacts (PROCURACY_SHOTS, when set).
EXTRA = os.environ.get("PROCURACY_SHOTS")


def save(shoot, page, name: str) -> None:
    path = shoot(page, name)
    if EXTRA:
        Path(EXTRA).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(EXTRA) / f"h2_{name}.png")


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
            item(2, "refuse_arrest", "prosecutor", unless=["major"]),
            item(3, "prosecute", "prosecutor"),
        ],
    )
    clerk, chief, alice = (
        world.actor(world.frank),
        world.actor(world.chief),
        world.actor(world.alice),
    )

    def receive(title, case_type, **facts):
        case = receive_case(
            actor=clerk,
            procuratorate=world.base,
            case_type=CaseType.objects.get(code=case_type),
            business_line=BusinessLine.objects.get(code="ordinary_crime"),
            title=title,
            source="police",
            referred_by="兰州市公安局城关分局",
            received_on=today() - datetime.timedelta(days=1),
            parties=[PartyFields("suspect", title[:2], in_custody=True)],
            custody=True,
            **facts,
        )
        assignment.designate_case(
            actor=chief, case=case, org=world.sole_alice, reason="major", reasoning="检察长指定"
        )
        lifecycle.start_handling(actor=alice, case=case)
        return case

    refused = receive("王某抢劫案", "arrest_review")
    decision = lifecycle.decide(
        actor=alice, case=refused, matter="refuse_arrest", reasoning="证据不足,不批准逮捕。"
    )
    major = receive("李某等涉黑案", "prosecution_review", flags=["major", "social_impact"])
    return decision, major


def test_an_instruction_and_a_report_from_issue_to_answer(browser_world, page, shoot):
    world = browser_world
    decision, major = _cases(world)

    sign_in(page, "chief")  # the base's own chief may not revoke: told why, nothing written
    page.goto(f"/oversight/cases/{decision.case_id}/instructions/new/")
    page.get_by_label("类别").select_option("revoke")
    page.get_by_label("所涉决定").select_option(str(decision.pk))
    page.get_by_label("文号").fill("城检指〔2026〕1号")
    page.get_by_role("textbox", name="指令内容").fill("撤销。")
    page.get_by_role("button", name="签发指令").click()
    page.wait_for_load_state()
    assert "须由上级人民检察院作出" in page.content()
    save(shoot, page, "instruction-refused")
    assert not Instruction.objects.exists()

    sign_in(page, "city_chief")
    page.goto(f"/oversight/cases/{decision.case_id}/instructions/new/")
    page.get_by_label("类别").select_option("revoke")
    page.get_by_label("所涉决定").select_option(str(decision.pk))
    page.get_by_label("文号").fill("兰市检指〔2026〕7号")
    page.get_by_role("textbox", name="指令内容").fill(
        "经审查,该案犯罪嫌疑人有逃跑可能,不批准逮捕决定不当,予以撤销。请依法重新审查并报告结果。"
    )
    save(shoot, page, "instruction-new")
    page.get_by_role("button", name="签发指令").click()
    page.wait_for_load_state()
    assert "已发出撤销决定" in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REVOKED

    sign_in(page, "alice")
    page.goto(f"/oversight/instructions/{Instruction.objects.get().pk}/")
    page.get_by_role("textbox", name="执行情况").fill("已重新审查,于今日作出批准逮捕决定。")
    page.get_by_label("不同意见").fill("犯罪嫌疑人有固定住所,逃跑可能性较小。")
    page.get_by_role("button", name="报告执行情况").click()
    page.wait_for_load_state()
    assert "已报告执行情况" in page.content()
    save(shoot, page, "instruction-detail")

    sign_in(page, "city_chief")
    page.goto("/oversight/instructions/call-up/")
    page.get_by_label("接受院").select_option(str(world.base.pk))
    page.locator("#call-up-staff option", has_text="安丽").wait_for(state="attached")
    page.get_by_label("调用人员").select_option(str(world.alice.pk))
    page.get_by_label("文号").fill("兰市检调〔2026〕2号")
    page.get_by_role("textbox", name="指令内容").fill("调用安丽参加市院专案组,为期三个月。")
    save(shoot, page, "instruction-call-up")
    page.get_by_role("button", name="签发指令").click()
    page.wait_for_load_state()
    assert Instruction.objects.get(kind="call_up").staff == world.alice
    page.goto(f"/oversight/instructions/?procuratorate={world.city.pk}")
    save(shoot, page, "instruction-list")

    report = Report.objects.get(case=major)
    sign_in(page, "alice")
    page.goto("/oversight/reports/")
    save(shoot, page, "report-list")
    page.get_by_role("link", name=major.number).first.click()
    page.wait_for_load_state()
    save(shoot, page, "report-to-file")
    page.get_by_role("textbox", name="报告内容").fill(
        "本案系涉黑案件,社会关注度高,拟于本月底前审结。"
    )
    page.get_by_role("button", name="向检察长报告").click()
    page.wait_for_load_state()
    sign_in(page, "chief")
    page.goto(f"/oversight/reports/{report.pk}/")
    page.get_by_role("textbox", name="阅示意见").fill("同意。注意舆情应对,重大进展及时报告。")
    page.get_by_role("button", name="阅示").click()
    page.wait_for_load_state()
    save(shoot, page, "report-detail")
    report.refresh_from_db()
    assert report.read_by == world.chief
    assert page.console.errors == []
