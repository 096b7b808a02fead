"""A chief opens the ledger in a real browser: the list, a filter, an entry and its proof,
checked against the latest signed checkpoint. Screenshots as the other browser tests keep
them, and a copy in /tmp/shots/ for looking at them by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from procuracy.core.models import Act
from procuracy.ledger import checkpoints, keys
from tests.browser.test_pages import nav, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")


def keep(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / f"{name}.png")


def test_a_chief_reads_the_ledger_and_an_entrys_verified_proof(browser_world, page, shoot):
    world = browser_world
    keys.keygen()
    checkpoint = checkpoints.make()
    team_formed = Act.objects.get(kind="org.team_formed", subject_id=world.team.pk)

    sign_in(page, "chief")
    nav(page, "账本").click()
    page.get_by_role("heading", name="账本", exact=True).wait_for()
    assert page.get_by_text(f"最新检查点:树大小 {checkpoint.size}").is_visible()
    results = page.locator("#ledger-results")
    assert results.get_by_role("link", name=f"#{team_formed.seq}", exact=True).is_visible()
    keep(shoot(page, "ledger-list"), "ledger-list")

    page.get_by_label("类型", exact=True).select_option("org.team_formed")  # a live filter (htmx)
    page.wait_for_url("**kind=org.team_formed**")
    results.get_by_text("您可查看的条目共 1 条").wait_for()

    results.get_by_role("link", name=f"#{team_formed.seq}", exact=True).click()
    page.get_by_role("heading", name=f"账本 #{team_formed.seq}").wait_for()
    proof = page.locator("section", has=page.get_by_role("heading", name="包含证明"))
    assert proof.get_by_text("已验证", exact=True).is_visible()
    assert proof.get_by_text(checkpoint.root).is_visible()
    keep(shoot(page, "ledger-entry"), "ledger-entry")

    assert page.console.errors == []

    page.goto(reverse("caseorgs:detail", args=[world.team.pk]))
    world.team.refresh_from_db()
    page.get_by_role("link", name=f"账本 #{world.team.ledger_seq}").click()
    page.get_by_role("heading", name=f"账本 #{world.team.ledger_seq}").wait_for()
    assert page.console.errors == []
