"""The oversight tests' world: the shared one, with a base list whose major cases go up a
path (the department head reviews, the chief decides; a major prosecution goes on to the
committee) and cases in Alice's hands."""

from __future__ import annotations

import pytest

from procuracy.cases import lifecycle
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.powers.tests.support import issue, item


@pytest.fixture
def path_list(world):
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
            item(11, "discretionary_non_prosecution", "chief"),
        ],
    )


@pytest.fixture
def submitted(world, clerk, path_list):
    """A major arrest review Alice submitted for approval: head review, then the chief."""
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    return lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )
