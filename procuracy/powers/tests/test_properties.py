"""Properties of the engine over random lists: nobody outside an item's holders is allowed by
it, and a version is in force from its effective day, to the day.

Each example issues its lists inside a savepoint that is rolled back at its end (the database
is rolled back per test, not per example) and starts with the engine's compiled lists
forgotten. Who holds what is worked out here from the world's records, not by the engine.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from procuracy.caseorgs.models import Membership, Role
from procuracy.people.models import Category, Position, QuotaRecord
from procuracy.powers import engine
from procuracy.powers.checks import problems
from procuracy.powers.engine import Context, authorize
from procuracy.powers.models import Holder
from procuracy.powers.tests.support import IN_FORCE, issue, item

MATTERS = ["approve_arrest", "prosecute", "protest"]
UNLISTED = "bail"  # never on a generated list: the default rule's
POWERS = ["decide", "review", "sign"]
FLAGS = ["major", "difficult", "social_impact", "npc_deputy"]
LINES = [None, "ordinary_crime", "civil"]
CASE_TYPES = ["盗窃", "诈骗"]
AMOUNTS = [None, Decimal(10_000), Decimal(500_000)]
STAFF = [
    "province_chief",
    "city_chief",
    "chief",
    "head",
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "olga",
]
POSITION_HOLDER = {
    "chief": "chief",
    "acting_chief": "chief",
    "deputy_chief": "deputy_chief",
    "department_head": "department_head",
}
# What the world's records say each person is at 城关区院 (conftest's description).
EXPECTED = {
    "chief": {"chief", "prosecutor"},
    "head": {"department_head", "prosecutor"},
    "alice": {"prosecutor"},
    "bob": {"prosecutor"},
    "carol": {"prosecutor", "lead_prosecutor"},
    "dave": {"prosecutor"},
}

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Conditions are the exception, as on a real list: most items are plain.
subsets = st.one_of(st.just([]), st.lists(st.sampled_from(FLAGS), max_size=2, unique=True))
candidate = st.fixed_dictionaries(
    {
        "matter": st.sampled_from(MATTERS),
        "holder": st.sampled_from(Holder.values),
        "power": st.sampled_from(["decide", "decide", *POWERS]),
        "line": st.sampled_from([None, None, *LINES]),
        "case_types": st.sampled_from([[], [], [], ["盗窃"], ["诈骗"], CASE_TYPES]),
        "when_any": subsets,
        "unless": subsets,
        "min_amount": st.sampled_from([None, None, None, Decimal(10_000)]),
        "max_amount": st.sampled_from([None, None, None, Decimal(10_000), Decimal(500_000)]),
    }
)
context = st.fixed_dictionaries(
    {
        "flags": st.frozensets(st.sampled_from(FLAGS), max_size=2),
        "business_line": st.sampled_from(["", "ordinary_crime", "civil", "major_crime"]),
        "case_type": st.sampled_from(["", *CASE_TYPES]),
        "amount": st.sampled_from(AMOUNTS),
        "body": st.sampled_from(["", "", "", "committee"]),
    }
)


@contextmanager
def example():
    """One example's writes, undone at its end; the engine starts from nothing."""
    engine.forget()
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        engine.forget()


def accepted(candidates) -> list:
    """The candidates, in order, that the list's checks accept alongside those kept before."""
    kept: list = []
    for drawn in candidates:
        fields = dict(drawn)
        line = fields.pop("line")
        it = item(len(kept) + 1, fields.pop("matter"), fields.pop("holder"), line=line, **fields)
        if not problems([*kept, it]):
            kept.append(it)
    return kept


def roles_at(staff, place, day) -> set[str]:
    """The holders `staff` is at `place` on `day`, from positions, quota and team records."""
    held = {
        POSITION_HOLDER[p.kind]
        for p in Position.objects.filter(staff=staff, procuratorate=place)
        if p.holds_on(day) and p.kind in POSITION_HOLDER
    }
    in_quota = any(q.holds_on(day) for q in QuotaRecord.objects.filter(staff=staff))
    if staff.category == Category.PROSECUTOR and in_quota and staff.procuratorate_id == place.pk:
        held.add("prosecutor")
        leads = Membership.objects.filter(staff=staff, role=Role.LEAD, org__procuratorate=place)
        if any(m.holds_on(day) for m in leads):
            held.add("lead_prosecutor")
    return held


def conditions_hold(it, ctx: Context) -> bool:
    if it.business_line and ctx.business_line and it.business_line.code != ctx.business_line:
        return False
    if it.case_types and ctx.case_type and ctx.case_type not in it.case_types:
        return False
    if it.when_any and not set(it.when_any) & ctx.flags:
        return False
    if set(it.unless) & ctx.flags:
        return False
    amount = ctx.amount or 0
    if it.min_amount is not None and amount < it.min_amount:
        return False
    return it.max_amount is None or amount < it.max_amount


@EXAMPLES
@given(
    candidates=st.lists(candidate, min_size=3, max_size=24),
    contexts=st.lists(context, min_size=1, max_size=6),
)
def test_nobody_outside_an_items_holders_is_allowed_by_it(world, candidates, contexts):
    people = {name: getattr(world, name) for name in STAFF}
    held = {name: roles_at(s, world.base, IN_FORCE) for name, s in people.items()}
    assert {name: roles for name, roles in held.items() if roles} == EXPECTED
    with example():
        items = accepted(candidates)
        assume(items)
        issue(world, "base", items)
        by_number = {it.number: it for it in items}
        actors = {name: world.actor(s) for name, s in people.items()}
        for facts in contexts:
            ctx = Context(procuratorate=world.base, on=IN_FORCE, **facts)
            committee = ctx.body == "committee"
            for name, actor in actors.items():
                # Only the committee's chair, the chief, acts for it.
                chairs = "chief" in held[name]
                roles = ({"committee"} if chairs else set()) if committee else held[name]
                for matter in [*MATTERS, UNLISTED]:
                    for power in POWERS:
                        applying = [
                            it
                            for it in items
                            if it.matter.code == matter
                            and it.power == power
                            and conditions_hold(it, ctx)
                        ]
                        decision = authorize(actor, matter, ctx, power)
                        where = f"{name} {power} {matter} {facts}"
                        if decision.allowed and decision.rule is not None:
                            it = by_number[decision.rule.number]
                            assert it.matter.code == matter and it.power == power, where
                            assert it.holder in roles, where
                            assert conditions_hold(it, ctx), where
                            assert committee == (it.holder == Holder.COMMITTEE), where
                        elif decision.allowed:
                            assert decision.why == engine.CHIEFS, where
                            assert "chief" in roles and not committee, where
                            assert not applying, where
                        # and the other way: an applying item grants each holder it names
                        if any(it.holder in roles for it in applying):
                            assert decision.allowed and decision.rule is not None, where


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    effective=st.dates(datetime.date(2020, 1, 2), datetime.date(2030, 12, 31)),
    gap=st.integers(1, 800),
    matter=st.sampled_from(MATTERS),
)
def test_an_effective_date_is_honoured_to_the_day(world, effective, gap, matter):
    later = effective + datetime.timedelta(days=gap)
    day = datetime.timedelta(days=1)
    alice, chief = world.actor(world.alice), world.actor(world.chief)
    with example():
        first = issue(world, "base", [item(1, matter, "prosecutor")], effective_from=effective)
        second = issue(world, "base", [item(1, matter, "chief")], effective_from=later)

        def on(when):
            ctx = Context(procuratorate=world.base, on=when)
            return authorize(alice, matter, ctx), authorize(chief, matter, ctx)

        def version_of(decision):
            return first if decision.rule.item_id in items_of(first) else second

        before_a, before_c = on(effective - day)
        assert not before_a.allowed and before_a.rule is None
        assert before_c.allowed and before_c.why == engine.CHIEFS
        for when in (effective, later - day):
            a, c = on(when)
            assert a.allowed and version_of(a) == first, when
            assert c.allowed and version_of(c) == first, when
        after_a, after_c = on(later)
        assert not after_a.allowed and version_of(after_a) == second
        assert after_c.allowed and version_of(after_c) == second


def items_of(version) -> set[int]:
    return set(version.items.values_list("pk", flat=True))
