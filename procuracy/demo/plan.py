"""The demo province on paper: a pure, seeded plan of procuratorates, departments, people,
positions and case-handling organisations, shaped like the 2020 report (section 三).

Nothing here touches the database; `province.build` carries the plan out through the
service functions. The same seed and shape always give the same plan. The steps are in
structure.py, staffing.py and orgs.py; what they share is in spec.py.
"""

from __future__ import annotations

import random

from procuracy.demo.orgs import ACCOUNT_ROLES, plan_absences, plan_accounts, plan_orgs
from procuracy.demo.spec import HISTORY_END, REPORT_SHAPE, Plan, Shape
from procuracy.demo.staffing import plan_people, plan_positions
from procuracy.demo.structure import plan_departments, plan_places

__all__ = ["ACCOUNT_ROLES", "HISTORY_END", "REPORT_SHAPE", "Plan", "Shape", "make_plan"]


def make_plan(seed: int, shape: Shape = REPORT_SHAPE, province_code: str = "620000") -> Plan:
    """The province for this seed and shape: the same arguments give the same plan."""
    rng = random.Random(seed)
    places = plan_places(rng, shape, province_code)
    depts = plan_departments(shape, places)
    people = plan_people(rng, shape, places, depts)
    positions = plan_positions(places, depts, people)
    soles, teams = plan_orgs(rng, shape, places, depts, people)
    absences = plan_absences(rng, shape, people)
    accounts = plan_accounts(places, people, positions, soles, teams)
    return Plan(seed, shape, places, depts, people, positions, soles, teams, absences, accounts)
