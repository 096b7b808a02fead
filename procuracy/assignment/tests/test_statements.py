"""How many statements a case costs from intake to its draw, so that a change that adds reads
(a reference row read again, a read per organisation of the pool) shows here rather than only
in bench/intake_draw.py. The bounds are today's counts with a little room; the pool's reads
do not grow with the number of organisations in it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import FOUNDED, REFORM
from procuracy.assignment import services
from procuracy.caseorgs import services as caseorgs
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people
from procuracy.people.models import Category, Employment, GradeReason

SYSTEM = Actor.system()
DAY = datetime.date(2026, 3, 2)
AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# One intake (two parties) and its draw in one transaction, savepoints included (the test's
# own transaction has no BEGIN/COMMIT to count): 26 on PostgreSQL, which writes each act's
# entry in one statement, and 37 on SQLite, which writes it in one per table.
MOST = {"postgresql": 28, "sqlite": 39}


def intake_and_draw(world, clerk, types: dict) -> int:
    """The statements of one case received and drawn, in one transaction."""
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        case = receive_case(
            actor=clerk,
            procuratorate=world.base,
            case_type=types["prosecution_review"],
            business_line=types["line"],
            title="张某盗窃案",
            source="police",
            referred_by="兰州市公安局城关分局",
            received_on=DAY,
            parties=[PartyFields("suspect", "张某"), PartyFields("suspect", "李某")],
        )
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    return len(captured.captured_queries)


@pytest.fixture
def types():
    return {
        "prosecution_review": CaseType.objects.get(code="prosecution_review"),
        "line": BusinessLine.objects.get(code="ordinary_crime"),
    }


def more_sole_prosecutors(world, count: int) -> None:
    for n in range(count):
        staff = people.register_staff(
            actor=SYSTEM,
            procuratorate=world.base,
            department=world.criminal,
            name=f"检察官{n}",
            gender="M",
            category=Category.PROSECUTOR,
            employment=Employment.REGULAR,
            joined_on=FOUNDED,
            posted_from=REFORM,
        )
        people.record_grade(
            actor=SYSTEM, staff=staff, grade=9, effective_on=FOUNDED, reason=GradeReason.INITIAL
        )
        people.enter_quota(actor=SYSTEM, staff=staff, on=FOUNDED)
        caseorgs.form_sole_org(
            actor=SYSTEM, department=world.criminal, prosecutor=staff, valid_from=REFORM
        )


def test_an_intake_and_its_draw_take_a_bounded_number_of_statements(world, clerk, types):
    intake_and_draw(world, clerk, types)  # the first one locks and reads the fresh head

    assert intake_and_draw(world, clerk, types) <= MOST[connection.vendor]


def test_the_draw_reads_as_many_statements_for_a_pool_of_eight_as_for_a_pool_of_three(
    world, clerk, types
):
    intake_and_draw(world, clerk, types)
    three = intake_and_draw(world, clerk, types)
    more_sole_prosecutors(world, 5)

    assert intake_and_draw(world, clerk, types) == three
