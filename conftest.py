"""The small named world every test starts from, built through the services like real data.

A province above a city above two base procuratorates. At 城关区院 (the base): a chief, a
department head, two sole prosecutors (alice, bob), a fixed team (carol leads, dave joins),
an assistant (erin), a clerk (frank) and a personnel officer (grace). Accounts for the people
tests sign in as; every password is PASSWORD.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from procuracy.caseorgs import services as caseorgs
from procuracy.core.actors import Actor
from procuracy.organisation import services as organisation
from procuracy.organisation.models import BusinessLine, DepartmentKind, Level
from procuracy.people import services as people
from procuracy.people.models import Category, Employment, GradeReason, PositionKind

PASSWORD = "world-password-1"
SYSTEM = Actor.system()
FOUNDED = datetime.date(2016, 1, 1)
REFORM = datetime.date(2019, 7, 1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _ledger_keys(settings, tmp_path):
    """Each test signs with its own key, in its own folder, never the data folder's."""
    settings.PROCURACY_LEDGER_KEY_FILE = tmp_path / "ledger-signing.key"
    settings.PROCURACY_LEDGER_VERIFIER_FILE = tmp_path / "ledger-verifiers.txt"


@pytest.fixture(autouse=True)
def _fresh_power_lists():
    """Each test's database is rolled back, so the lists compiled for the last one are gone."""
    from procuracy.powers import engine

    engine.forget()
    yield
    engine.forget()


@dataclass
class World:
    province: object
    city: object
    base: object
    other_base: object
    criminal: object
    civil: object
    office: object
    other_criminal: object
    province_chief: object
    city_chief: object
    chief: object
    head: object
    alice: object
    bob: object
    carol: object
    dave: object
    erin: object
    frank: object
    grace: object
    olga: object
    sole_alice: object
    sole_bob: object
    team: object

    def actor(self, staff) -> Actor:
        staff.refresh_from_db()
        return Actor.for_user(staff.user) if staff.user else Actor(login=staff.name, staff=staff)


def _place(code, name, short, level, parent):
    return organisation.create_procuratorate(
        actor=SYSTEM, code=code, name=name, short_name=short, level=level, parent=parent
    )


def _dept(p, name, kind, *codes, valid_from=REFORM):
    lines = list(BusinessLine.objects.filter(code__in=codes))
    return organisation.open_department(
        actor=SYSTEM,
        procuratorate=p,
        name=name,
        kind=kind,
        business_lines=lines,
        valid_from=valid_from,
    )


def _person(p, dept, name, category, *, login=None, quota=False, employment=Employment.REGULAR):
    staff = people.register_staff(
        actor=SYSTEM,
        procuratorate=p,
        department=dept,
        name=name,
        gender="F" if name[-1] in "丽琳蕾" else "M",
        category=category,
        employment=employment,
        joined_on=FOUNDED,
        posted_from=max(FOUNDED, dept.valid_from) if dept else FOUNDED,
    )
    if category == Category.PROSECUTOR:
        people.record_grade(
            actor=SYSTEM, staff=staff, grade=9, effective_on=FOUNDED, reason=GradeReason.INITIAL
        )
    if quota:
        people.enter_quota(actor=SYSTEM, staff=staff, on=FOUNDED)
    if login:
        people.open_account(actor=SYSTEM, staff=staff, login=login, password=PASSWORD)
    return staff


def _appoint(staff, kind, department=None):
    return people.appoint(
        actor=SYSTEM, staff=staff, kind=kind, department=department, valid_from=REFORM
    )


def build_world() -> World:
    province = _place("620000", "甘肃省人民检察院(演示)", "省院", Level.PROVINCE, None)
    city = _place("620100", "兰州市人民检察院(演示)", "兰州市院", Level.CITY, province)
    base = _place("620102", "兰州市城关区人民检察院(演示)", "城关区院", Level.BASE, city)
    other_base = _place("620103", "兰州市七里河区人民检察院(演示)", "七里河区院", Level.BASE, city)
    p_criminal = _dept(province, "第一检察部", DepartmentKind.BUSINESS, "ordinary_crime")
    c_criminal = _dept(city, "第一检察部", DepartmentKind.BUSINESS, "ordinary_crime")
    criminal = _dept(base, "第一检察部", DepartmentKind.BUSINESS, "ordinary_crime", "major_crime")
    civil = _dept(base, "第二检察部", DepartmentKind.COMBINED, "civil", "administrative")
    office = _dept(base, "办公室", DepartmentKind.ADMINISTRATIVE)
    other_criminal = _dept(other_base, "第一检察部", DepartmentKind.BUSINESS, "ordinary_crime")

    P = Category.PROSECUTOR
    province_chief = _person(province, p_criminal, "雷省明", P, login="province_chief", quota=True)
    city_chief = _person(city, c_criminal, "孔远航", P, login="city_chief", quota=True)
    chief = _person(base, criminal, "韩川", P, login="chief", quota=True)
    head = _person(base, criminal, "金海", P, login="head", quota=True)
    alice = _person(base, criminal, "安丽", P, login="alice", quota=True)
    bob = _person(base, criminal, "包博", P, login="bob", quota=True)
    carol = _person(base, criminal, "蔡蕾", P, login="carol", quota=True)
    dave = _person(base, criminal, "丁伟", P, quota=True)
    erin = _person(base, criminal, "鄂琳", Category.ASSISTANT, login="erin")
    frank = _person(base, criminal, "方舟", Category.CLERK, login="frank")
    grace = _person(base, office, "葛青", Category.ADMINISTRATIVE, login="grace")
    olga = _person(other_base, other_criminal, "欧阳晓", P, login="olga", quota=True)

    _appoint(province_chief, PositionKind.CHIEF)
    _appoint(city_chief, PositionKind.CHIEF)
    _appoint(chief, PositionKind.CHIEF)
    _appoint(head, PositionKind.DEPARTMENT_HEAD, criminal)
    _appoint(grace, PositionKind.PERSONNEL)

    sole_alice = caseorgs.form_sole_org(
        actor=SYSTEM, department=criminal, prosecutor=alice, valid_from=REFORM, assistants=[erin]
    )
    sole_bob = caseorgs.form_sole_org(
        actor=SYSTEM, department=criminal, prosecutor=bob, valid_from=REFORM, clerks=[frank]
    )
    team = caseorgs.form_team(
        actor=SYSTEM,
        department=criminal,
        name="刑事第一办案组",
        team_kind="fixed",
        lead=carol,
        prosecutors=[dave],
        valid_from=REFORM,
        assistants=[erin],
    )
    return World(**{k: v for k, v in locals().items() if k in World.__dataclass_fields__})


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def clerk(world) -> Actor:
    """方舟 (frank), posted to the base procuratorate's case management office."""
    people.appoint(
        actor=SYSTEM,
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    return world.actor(world.frank)


@pytest.fixture
def sign_in(client):
    """sign_in("alice") → the test client, signed in as that world user (and no one else)."""

    def as_(login: str):
        client.logout()
        assert client.login(username=login, password=PASSWORD)
        return client

    return as_
