"""Handover (人员变动): the open cases whose organisation can no longer carry them, listed with
their reasons, reassigned through the power list, and then no longer listed."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from procuracy.assignment import handover, services
from procuracy.assignment.tests.test_services import AT, SYSTEM, receive
from procuracy.people import services as people

LATER = datetime.date(2026, 4, 1)


@pytest.fixture
def assigned(world, clerk):
    """A case designated to the team carol leads, by the chief (the default rule's holder)."""
    case = receive(world, clerk)
    services.designate_case(
        actor=world.actor(world.chief),
        case=case,
        org=world.team,
        reason="major",
        reasoning="案情重大,指定办案组办理。",
        occurred_at=AT,
    )
    case.refresh_from_db()
    return case


def listed(day=LATER):
    return handover.awaiting(Q(), day)


def test_a_team_with_its_lead_in_post_hands_nothing_over(world, assigned):
    assert listed() == []


def test_a_lead_away_longer_than_the_limit_hands_the_case_over(world, assigned, settings):
    people.record_absence(
        actor=SYSTEM,
        staff=world.carol,
        kind="training",
        starts_on=LATER - datetime.timedelta(days=3),
        ends_on=LATER + datetime.timedelta(days=20),
    )
    (found,) = listed()
    assert found.case == assigned and "蔡蕾离岗" in found.reasons[0]
    settings.PROCURACY_HANDOVER_ABSENCE_DAYS = 30
    assert listed() == []


def test_a_lead_who_leaves_hands_the_case_over(world, assigned):
    people.staff_leaves(actor=SYSTEM, staff=world.carol, on=LATER, reason="退休")
    (found,) = listed()
    assert "蔡蕾" in found.reasons[0]


def test_reassignment_for_staff_change_clears_the_list(world, assigned, sign_in):
    people.staff_leaves(actor=SYSTEM, staff=world.carol, on=LATER, reason="退休")
    html = sign_in("chief").get(reverse("cases:detail", args=[assigned.pk])).content.decode()
    assert "待改派(人员变动)" in html
    services.reassign_case(
        actor=world.actor(world.chief),
        case=assigned,
        org=world.sole_alice,
        reason="staff_change",
        reasoning="原主办检察官退休,改由安丽办理。",
    )
    assert listed() == []


def test_the_command_lists_the_cases_to_hand_over(world, assigned, capsys):
    people.staff_leaves(actor=SYSTEM, staff=world.carol, on=LATER, reason="退休")
    call_command("assign", "handover", "--on", LATER.isoformat())
    out = capsys.readouterr().out
    assert assigned.number in out and "蔡蕾" in out
