"""The leaders' cases tests' world: the shared one, where the chief (韩川) is also a sole
prosecutor, bob (包博, a sole prosecutor) becomes a deputy chief on 2025-06-01, and cases are
assigned by designation on the days a test names."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from procuracy.assignment import services as assignment
from procuracy.caseorgs import services as caseorgs
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import Case, CaseType
from procuracy.core.actors import Actor
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people

SYSTEM = Actor.system()
ZONE = ZoneInfo("Asia/Shanghai")
REFORM = datetime.date(2019, 7, 1)
DEPUTY_FROM = datetime.date(2025, 6, 1)


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=ZONE)


def chief_sole(world):
    """韩川's own sole-prosecutor organisation, since the reform."""
    return caseorgs.form_sole_org(
        actor=SYSTEM, department=world.criminal, prosecutor=world.chief, valid_from=REFORM
    )


def make_deputy(world, staff=None, valid_from=DEPUTY_FROM):
    staff = staff or world.bob
    return people.appoint(actor=SYSTEM, staff=staff, kind="deputy_chief", valid_from=valid_from)


def assign(world, org, when: datetime.datetime, *, approver=None, **facts) -> Case:
    """A case received that day at the organisation's procuratorate and designated to `org`
    by `approver` (by default 韩川, the base's chief)."""
    case = receive_case(
        actor=SYSTEM,
        procuratorate=org.procuratorate,
        case_type=CaseType.objects.get(code="prosecution_review"),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="张某盗窃案",
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=when.date(),
        parties=[PartyFields("suspect", "张某")],
        **facts,
    )
    assignment.designate_case(
        actor=world.actor(approver or world.chief),
        case=case,
        org=org,
        reason="leader",
        reasoning="院领导亲自办理",
        occurred_at=when,
    )
    case.refresh_from_db()
    return case
