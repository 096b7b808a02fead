"""The committee tests' world: the shared one with a committee at 城关区院 — the chief (韩川),
the department head (金海) and the team lead (蔡蕾), appointed by the personnel office — and
包博 (bob) made a deputy chief; cases referred to the committee by the list (a major
prosecution) or by the chief (a major arrest review). A plugin: test modules name it in
`pytest_plugins` (the helpers that build meetings are in test_committee)."""

from __future__ import annotations

import datetime

import pytest

from procuracy.cases import lifecycle
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.actors import Actor
from procuracy.oversight import committee, review
from procuracy.people import services as people

SYSTEM = Actor.system()
SINCE = datetime.date(2025, 1, 1)
REFERENCE = "城关区人大常委会任免〔2025〕1号"


def _set(world, *members):
    return committee.set_committee(
        actor=world.actor(world.grace),
        procuratorate=world.base,
        members=list(members),
        valid_from=SINCE,
        reference=REFERENCE,
    )


@pytest.fixture
def deputy(world):
    """包博, deputy chief since 2020."""
    people.appoint(
        actor=SYSTEM,
        staff=world.bob,
        kind="deputy_chief",
        valid_from=datetime.date(2020, 1, 1),
    )
    return world.bob


@pytest.fixture
def members(world):
    """Three members: the chief, the department head, the team lead."""
    return _set(world, world.chief, world.head, world.carol)


@pytest.fixture
def five(world, deputy):
    """Five members: the chief, the deputy (bob), the head, carol and dave."""
    return _set(world, world.chief, deputy, world.head, world.carol, world.dave)


@pytest.fixture
def referred(world, clerk, path_list):
    """A major prosecution Alice proposed; the list sends it, after the head's and the chief's
    reviews, to the committee (REFERRED)."""
    case = handling(world, clerk, flags=["major"])
    pending = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="prosecute", reasoning="建议起诉"
    )
    review.review(actor=world.actor(world.head), decision=pending, agree=True, opinion="同意")
    review.review(actor=world.actor(world.chief), decision=pending, agree=True, opinion="上会")
    pending.refresh_from_db()
    return pending


@pytest.fixture
def chief_referred(world, submitted):
    """A major arrest review (the chief's to decide) the chief referred to the committee."""
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    review.refer_to_committee(
        actor=world.actor(world.chief), decision=submitted, opinion="案情重大,提请检委会讨论"
    )
    submitted.refresh_from_db()
    return submitted
