"""The figures of assignment: draws, designations and reassignments counted from the records,
the designated share with its warning, and the spread of open load within a procuratorate."""

from __future__ import annotations

import datetime
from decimal import Decimal

from procuracy.assignment import services
from procuracy.assignment.tests.test_services import AT, receive
from procuracy.core.actors import Actor
from procuracy.figures.selectors import report_figures


def figures_of(actor) -> dict:
    section = report_figures(actor, after=datetime.date(2026, 12, 1))["sections"]["assignment"]
    return section | {"values": {i["key"]: i["value"] for i in section["items"]}}


def test_the_designated_share_is_counted_and_warned_above_the_limit(world, clerk, settings):
    drawn = receive(world, clerk)
    designated = receive(world, clerk, flags=["major"])
    settings.PROCURACY_DESIGNATED_SHARE_MIN_CASES = 2  # two cases make a group here
    services.draw_case(actor=clerk, case=drawn, occurred_at=AT)
    services.designate_case(
        actor=world.actor(world.chief),
        case=designated,
        org=world.team,
        reason="major",
        reasoning="案情重大,指定办案组办理。",
        occurred_at=AT,
    )
    section = figures_of(Actor.system())
    values = section["values"]
    assert (values["received"], values["open"]) == (2, 2)
    assert (values["draws"], values["designations"], values["reassignments"]) == (1, 1, 0)
    assert values["designated_share"] == 50.0
    assert "城关区院" in section["note"] and "超过 10%" in section["note"]
    # The team carries the designated major case (1.50 × 1.5) and perhaps the drawn one
    # (the draw seeds from the ledger, which differs run to run); of three organisations one
    # carries nothing, so the spread is the team's load.
    team = sum(a.weight for a in world.team.assignments.all())
    assert values["load_spread"] == float(team) and team in (Decimal("2.25"), Decimal("3.75"))

    # By month, procuratorate and department: both went to the criminal department in March.
    assert section["shares"] == [
        {
            "month": "2026-03",
            "procuratorate": "城关区院",
            "department": "第一检察部",
            "draws": 1,
            "designations": 1,
            "share": 50.0,
            "over": True,
        }
    ]
    assert "2026-03 城关区院第一检察部(50.0%)" in section["note"]

    settings.PROCURACY_DESIGNATED_SHARE_WARNING = 60
    assert "均未超过 60%" in figures_of(Actor.system())["note"]


def test_a_group_too_small_for_its_share_to_mean_anything_is_not_flagged(world, clerk, settings):
    """One designation among two first assignments is 50%, which chance alone gives."""
    settings.PROCURACY_DESIGNATED_SHARE_MIN_CASES = 3
    drawn = receive(world, clerk)
    designated = receive(world, clerk, flags=["major"])
    services.draw_case(actor=clerk, case=drawn, occurred_at=AT)
    services.designate_case(
        actor=world.actor(world.chief),
        case=designated,
        org=world.team,
        reason="major",
        reasoning="案情重大,指定办案组办理。",
        occurred_at=AT,
    )
    section = figures_of(Actor.system())
    assert section["values"]["designated_share"] == 50.0
    assert [row["over"] for row in section["shares"]] == [False]
    assert "均未超过 10%" in section["note"]


def test_a_reader_sees_only_the_figures_of_what_they_may_see(world, clerk):
    services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)
    other_base = figures_of(world.actor(world.olga))["values"]
    assert (other_base["received"], other_base["draws"]) == (0, 0)
