"""The case office opens the assignment audit page from the queue in a real browser: draws
recomputed from the ledger, a designation and a reassignment with their reasons and approver,
the fairness figures; filters by kind; a tampered assignment then shows as differing.
Screenshot: docs/screenshots/assignment-audit.png."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from procuracy.assignment import services
from procuracy.assignment.models import Assignment
from procuracy.assignment.tests.test_services import receive
from procuracy.core.actors import Actor
from procuracy.people import services as people
from tests.browser.test_ledger_pages import keep
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AT = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _assignments(world):
    people.appoint(
        actor=Actor.system(),
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    clerk, chief = world.actor(world.frank), world.actor(world.chief)
    drawn = [
        services.draw_case(
            actor=clerk, case=receive(world, clerk), occurred_at=AT + datetime.timedelta(hours=i)
        )
        for i in range(4)
    ]
    services.designate_case(
        actor=chief,
        case=receive(world, clerk, flags=["major"]),
        org=world.team,
        reason="major",
        reasoning="案情重大、社会影响大,由检察长指定刑事第一办案组办理。",
        occurred_at=AT + datetime.timedelta(days=1),
    )
    moved = drawn[0].assignment
    services.reassign_case(
        actor=chief,
        case=moved.case,
        org=next(o for o in (world.sole_alice, world.sole_bob) if o.pk != moved.org_id),
        reason="staff_change",
        reasoning="原承办检察官调离本院。",
        occurred_at=AT + datetime.timedelta(days=2),
    )
    return drawn


def test_the_case_office_audits_the_assignments_from_the_queue(browser_world, page, shoot):
    world = browser_world
    drawn = _assignments(world)

    sign_in(page, "frank")
    nav(page, "案件").click()
    page.get_by_role("link", name="分案审计").click()
    page.get_by_role("heading", name="分案审计", exact=True).wait_for()
    assert page.get_by_text("本页 4 次随机分案,全部重算一致。").is_visible()
    assert page.get_by_text("重大、疑难、复杂案件,由检察长指定").is_visible()
    assert page.get_by_text("原承办检察官调离本院。").is_visible()
    assert page.get_by_role("link", name="韩川").first.is_visible()
    assert page.get_by_role("heading", name="分案公平性指标").is_visible()
    path = shoot(page, "assignment-audit")
    keep(path, "assignment-audit")
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / "assignment-audit.png")

    page.get_by_label("分案方式").select_option("designation")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**kind=designation**")
    assert page.get_by_text("本页没有随机分案。").is_visible()
    assert page.locator("table.data-table").first.locator("tbody tr").count() == 1

    # Someone changes the organisation a draw gave: the page says so at once.
    tampered = drawn[1].assignment
    other = next(m.org for m in drawn[1].inputs.pool if m.org != tampered.org_id)
    Assignment.objects.filter(pk=tampered.pk).update(org_id=other)
    page.goto("/assignment/audit/?kind=draw")
    assert page.get_by_text("1 次重算不一致").is_visible()
    assert page.get_by_text("分案记录的办案组织是").is_visible()
    keep(shoot(page, "assignment-audit-differs"), "assignment-audit-differs")
    assert page.console.errors == []
