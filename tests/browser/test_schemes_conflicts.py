"""In a real browser: the department head drafts the criminal department's assignment scheme,
the chief approves it; a prosecutor declares a conflict of interest on her own page.
Screenshots: docs/screenshots/assignment-schemes.png, assignment-scheme.png,
people-conflicts.png."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from procuracy.assignment.models import AssignmentScheme, SchemeStatus
from procuracy.people.models import Conflict
from tests.browser.test_ledger_pages import keep
from tests.browser.test_pages import sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _document(path: Path, name: str) -> None:
    keep(path, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"{name}.png")


def test_the_head_drafts_a_scheme_and_the_chief_approves_it(browser_world, page, shoot):
    world = browser_world
    sign_in(page, "head")
    page.goto("/assignment/schemes/")
    page.get_by_role("heading", name="起草分案方案").wait_for()
    page.get_by_label("审查逮捕案件").check()
    page.get_by_label("审查起诉案件").check()
    page.get_by_label("安丽独任检察官").check()
    page.get_by_label("刑事第一办案组").check()
    page.get_by_label("最大负荷差距(件)").fill("2.5")
    page.get_by_label("逃逸概率").fill("1/25")
    page.get_by_role("button", name="起草", exact=True).click()
    page.get_by_text("已起草第 1 版。").wait_for()
    scheme = AssignmentScheme.objects.get()
    assert page.get_by_role("button", name="批准").is_disabled()  # the head may not approve

    page.context.clear_cookies()
    sign_in(page, "chief")
    page.goto(f"/assignment/schemes/{scheme.pk}/")
    page.get_by_label("生效日期").fill("2099-01-01")
    page.get_by_label("批准机构").select_option("committee")
    page.get_by_label("批准文号或会议纪要").fill("检委会〔2026〕3号纪要")
    page.get_by_role("button", name="批准").click()
    page.get_by_text("已批准,自 2099-01-01 起生效。").wait_for()
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.APPROVED and scheme.approved_by == world.chief
    assert page.get_by_role("heading", name="以本版为基础起草新版本").is_visible()
    _document(shoot(page, "assignment-scheme"), "assignment-scheme")

    page.goto("/assignment/schemes/")
    assert page.get_by_text("已批准待生效").is_visible()
    _document(shoot(page, "assignment-schemes"), "assignment-schemes")
    assert page.console.errors == []


def test_a_prosecutor_declares_a_conflict_on_her_own_page(browser_world, page, shoot):
    world = browser_world
    sign_in(page, "alice")
    page.goto(f"/people/{world.alice.pk}/")
    page.get_by_role("heading", name="利益冲突申报").wait_for()
    page.get_by_label("类别").select_option("lawyer_relative")
    page.get_by_label("涉及的人员或单位").fill("安明")
    page.get_by_label("律师事务所").fill("甘肃正大律师事务所")
    page.get_by_role("button", name="申报", exact=True).click()
    page.get_by_text("已登记利益冲突申报。").wait_for()
    assert Conflict.objects.get().names == ["安明"]
    assert page.get_by_role("cell", name="安明 (甘肃正大律师事务所)").is_visible()
    _document(shoot(page, "people-conflicts"), "people-conflicts")
    assert page.console.errors == []
