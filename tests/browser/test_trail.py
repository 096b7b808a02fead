"""The responsibility trail in a real browser: the chief opens a case whose decision passed
through every step (a joint meeting, review, re-examination, a direct decision against the
proposal, an objection, execution, an instruction and a report) and another the committee
decided, and follows a step to its ledger entry. Screenshots: trail-decision, trail-case
(also under /tmp/h/shots/ for looking at them by hand)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from procuracy.assignment import services as assignment
from procuracy.cases import lifecycle
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.oversight import committee, review
from procuracy.oversight.tests.test_trail import walk
from procuracy.people import services as people
from procuracy.powers.tests.support import issue, item
from tests.browser.test_pages import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/h/shots")


def keep(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / f"{name}.png")


def _world(world):
    system = Actor.system()
    people.appoint(
        actor=system,
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
            item(2, "approve_arrest", "department_head", power="review", when_any=["major"]),
            item(3, "approve_arrest", "chief", when_any=["major"]),
            item(4, "refuse_arrest", "prosecutor", unless=["major"]),
            item(5, "refuse_arrest", "department_head", power="review", when_any=["major"]),
            item(6, "refuse_arrest", "chief", when_any=["major"]),
            item(7, "prosecute", "prosecutor", unless=["major"]),
            item(8, "prosecute", "department_head", power="review", when_any=["major"]),
            item(9, "prosecute", "chief", power="review", when_any=["major"]),
            item(10, "prosecute", "committee", when_any=["major"]),
        ],
    )
    committee.set_committee(
        actor=world.actor(world.grace),
        procuratorate=world.base,
        members=[world.chief, world.head, world.carol],
        valid_from=datetime.date(2025, 1, 1),
        reference="城关区人大常委会任免〔2025〕1号",
    )


def _case(world, title, case_type):
    case = receive_case(
        actor=world.actor(world.frank),
        procuratorate=world.base,
        case_type=CaseType.objects.get(code=case_type),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title=title,
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=today() - datetime.timedelta(days=2),
        custody=True,
        flags=["major"],
        parties=[PartyFields("suspect", title[:2], in_custody=True)],
    )
    assignment.designate_case(
        actor=world.actor(world.chief),
        case=case,
        org=world.sole_alice,
        reason="major",
        reasoning="检察长指定",
    )
    lifecycle.start_handling(actor=world.actor(world.alice), case=case)
    case.refresh_from_db()
    return case


def _committee_case(world):
    alice, head, chief = (world.actor(s) for s in (world.alice, world.head, world.chief))
    case = _case(world, "李某故意杀人案", "prosecution_review")
    pending = lifecycle.submit_decision(
        actor=alice, case=case, matter="prosecute", reasoning="事实清楚,证据充分,建议起诉"
    )
    review.review(actor=head, decision=pending, agree=True, opinion="同意起诉")
    review.review(actor=chief, decision=pending, agree=True, opinion="提请检委会讨论")
    meeting = committee.schedule_meeting(
        actor=chief, procuratorate=world.base, scheduled_for=timezone.now(), chair=world.chief
    )
    pending.refresh_from_db()
    agenda = committee.add_agenda_item(
        actor=chief, meeting=meeting, submission=pending, presenter=world.alice, report="汇报案情"
    )
    committee.open_meeting(
        actor=chief, meeting=meeting, present=[world.chief, world.head, world.carol]
    )
    committee.record_votes(
        actor=chief,
        item=agenda,
        votes=[
            (world.chief, "for", "同意起诉"),
            (world.head, "for", "证据充分"),
            (world.carol, "against", "量刑情节尚需核实"),
        ],
    )
    committee.resolve_item(actor=chief, item=agenda, resolution="决定提起公诉")
    return case


def test_the_chief_reads_a_decisions_trail_and_follows_a_step_to_the_ledger(
    browser_world, page, shoot
):
    world = browser_world
    _world(world)
    case = _case(world, "张某故意伤害案", "arrest_review")
    submitted = lifecycle.submit_decision(
        actor=world.actor(world.alice),
        case=case,
        matter="approve_arrest",
        reasoning="犯罪嫌疑人涉嫌故意伤害致人重伤,有逮捕必要",
    )
    made = walk(world, submitted)
    other = _committee_case(world)

    sign_in(page, "chief")
    page.goto(reverse("oversight:trail", args=[made.pk]))
    page.get_by_role("heading", name="责任链条").wait_for()
    assert page.get_by_text("未采纳报请“批准逮捕”(决定 #").is_visible()
    keep(shoot(page, "trail-decision"), "trail-decision")

    page.goto(reverse("oversight:case_trail", args=[other.pk]))
    page.get_by_text("同意 2 票,不同意 1 票,弃权 0 票").wait_for()
    keep(shoot(page, "trail-case"), "trail-case")

    decided = page.locator("tr.trail-step--decided").first
    decided.get_by_role("link").first.click()
    page.get_by_text("cases.decided").first.wait_for()
    assert page.console.errors == []
