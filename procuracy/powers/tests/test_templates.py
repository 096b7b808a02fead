"""The shipped templates: each stands as a list, cites a rule for every item, loads for a
province, and grants each item's power to exactly the holders it names and nobody else."""

from __future__ import annotations

import datetime
import io

import pytest

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.models import Act
from procuracy.people import services as people
from procuracy.people.models import Category, Employment, GradeReason, PositionKind
from procuracy.powers import engine, shipped, tabular
from procuracy.powers.checks import problems
from procuracy.powers.engine import Context, authorize
from procuracy.powers.models import Holder, ListVersion, Power, PowerList
from procuracy.powers.tests.support import IN_FORCE

SYSTEM = Actor.system()
LEVELS = ("province", "city", "base")
REFORM = datetime.date(2019, 7, 1)  # the world's departments open then
APPROVED_AT = datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC)
P, LEAD, HEAD, DEPUTY, CHIEF = (
    Holder.PROSECUTOR,
    Holder.LEAD_PROSECUTOR,
    Holder.DEPARTMENT_HEAD,
    Holder.DEPUTY_CHIEF,
    Holder.CHIEF,
)


def load(world):
    return shipped.load_templates(
        world.actor(world.province_chief), world.province, IN_FORCE, occurred_at=APPROVED_AT
    )


@pytest.mark.parametrize("level", LEVELS)
def test_each_template_stands_as_a_list_and_cites_a_rule_for_every_item(db, level):
    items = shipped.template_items(level)

    assert problems(items) == []
    assert 40 <= len(items) <= 150
    assert all(it.legal_basis for it in items)
    assert len({it.code for it in items}) == len(items)


def test_the_province_keeps_more_to_itself_than_the_base(db):
    def deciders(level, matter):
        items = shipped.template_items(level)
        return {it.holder for it in items if (it.matter.code, it.power) == (matter, "decide")}

    def delegated(level):
        items = shipped.template_items(level)
        return {it.matter.code for it in items if it.holder == P and it.power == Power.DECIDE}

    assert delegated("province") < delegated("base")
    assert P in deciders("base", "approve_arrest")
    assert P not in deciders("province", "approve_arrest")
    assert deciders("base", "protest") == {CHIEF, Holder.COMMITTEE}
    assert deciders("province", "protest") == {Holder.COMMITTEE}


def test_loading_gives_the_province_three_approved_lists_labelled_as_the_template(world):
    versions = load(world)

    titles = [v.power_list.title for v in versions]
    assert titles == [
        "甘肃省检察机关检察官权力清单(省院)",
        "甘肃省检察机关检察官权力清单(市州院及分院)",
        "甘肃省检察机关检察官权力清单(基层院)",
    ]
    for version, level in zip(versions, LEVELS, strict=True):
        assert version.state_on(IN_FORCE) == "effective"
        assert version.approval_body == "committee"
        assert version.approval_reference == "省院检委会〔2025〕第1次会议"
        assert "内置模板" in version.source and "替换" in version.note
        assert version.items.count() == len(shipped.template_items(level))


def test_an_exported_template_is_the_shipped_file_byte_for_byte(world):
    for version, level in zip(load(world), LEVELS, strict=True):
        out = io.BytesIO()
        tabular.write(version, out, "csv")
        assert out.getvalue() == shipped.FILES[level].read_bytes()


def test_only_the_provinces_chief_loads_the_templates_and_a_refusal_writes_nothing(world):
    acts = Act.objects.count()

    with pytest.raises(ActDenied):
        shipped.load_templates(world.actor(world.chief), world.province, IN_FORCE)

    assert not PowerList.objects.exists() and not ListVersion.objects.exists()
    assert Act.objects.count() == acts


# ---- the decision table --------------------------------------------------------------------


def _prosecutor(world, place, name, position=None):
    """A quota prosecutor at `place`, in its first department, with `position` if given."""
    department = place.departments.order_by("id").first()
    staff = people.register_staff(
        actor=SYSTEM,
        procuratorate=place,
        department=department,
        name=name,
        gender="M",
        category=Category.PROSECUTOR,
        employment=Employment.REGULAR,
        joined_on=datetime.date(2016, 1, 1),
        posted_from=REFORM,
    )
    people.record_grade(
        actor=SYSTEM,
        staff=staff,
        grade=9,
        effective_on=datetime.date(2016, 1, 1),
        reason=GradeReason.INITIAL,
    )
    people.enter_quota(actor=SYSTEM, staff=staff, on=datetime.date(2016, 1, 1))
    if position:
        people.appoint(
            actor=SYSTEM,
            staff=staff,
            kind=position,
            department=department if position == PositionKind.DEPARTMENT_HEAD else None,
            valid_from=REFORM,
        )
    return staff


def _cast(world) -> dict[str, tuple]:
    """For each level: where its list applies, and everyone asked with the holders they are
    there (a case's handler, since the contexts name no case)."""
    deputy = _prosecutor(world, world.base, "杜副", PositionKind.DEPUTY_CHIEF)
    c_head = _prosecutor(world, world.city, "钱部", PositionKind.DEPARTMENT_HEAD)
    c_prosecutor = _prosecutor(world, world.city, "孙检")
    p_deputy = _prosecutor(world, world.province, "李副", PositionKind.DEPUTY_CHIEF)
    p_head = _prosecutor(world, world.province, "周部", PositionKind.DEPARTMENT_HEAD)
    p_prosecutor = _prosecutor(world, world.province, "吴检")
    nobody: set[str] = set()
    return {
        "base": (
            world.base,
            {
                world.chief: {CHIEF, P},
                deputy: {DEPUTY, P},
                world.head: {HEAD, P},
                world.alice: {P},
                world.bob: {P},
                world.carol: {P, LEAD},
                world.dave: {P},
                world.erin: nobody,
                world.frank: nobody,
                world.grace: nobody,
                world.olga: nobody,
                world.city_chief: nobody,
                world.province_chief: nobody,
            },
        ),
        "city": (
            world.city,
            {
                world.city_chief: {CHIEF, P},
                c_head: {HEAD, P},
                c_prosecutor: {P},
                world.chief: nobody,
                world.alice: nobody,
                world.province_chief: nobody,
            },
        ),
        "province": (
            world.province,
            {
                world.province_chief: {CHIEF, P},
                p_deputy: {DEPUTY, P},
                p_head: {HEAD, P},
                p_prosecutor: {P},
                world.city_chief: nobody,
                world.alice: nobody,
            },
        ),
    }


def _facts_meeting(it) -> dict:
    """Facts of a case that meet the item's conditions."""
    flags = [f for f in it.when_any if f not in it.unless][:1]
    return {
        "business_line": it.business_line.code if it.business_line else "",
        "flags": frozenset(flags),
        "amount": it.min_amount,
    }


def _meets(it, facts) -> bool:
    """The item's conditions, read from the row (not from the engine's compiled rules)."""
    if it.business_line is not None and facts["business_line"] != it.business_line.code:
        return False
    if it.when_any and not set(it.when_any) & facts["flags"]:
        return False
    if set(it.unless) & facts["flags"]:
        return False
    amount = facts["amount"] or 0
    if it.min_amount is not None and amount < it.min_amount:
        return False
    return it.max_amount is None or amount < it.max_amount


def test_each_shipped_item_grants_exactly_the_holders_it_names_and_nobody_else(world):
    cast = _cast(world)
    load(world)
    engine.forget()
    asked = expected = 0
    for level, (place, everyone) in cast.items():
        actors = {staff: world.actor(staff) for staff in everyone}
        for staff, holders in everyone.items():
            assert engine.holders_of(actors[staff], place, IN_FORCE) == holders, staff.name
        items = shipped.template_items(level)
        expected += len(items) * len(everyone)
        for it in items:
            facts = _facts_meeting(it)
            same = [o for o in items if (o.matter.code, o.power) == (it.matter.code, it.power)]
            named = {o.holder for o in same if _meets(o, facts)}
            context = Context(procuratorate=place, on=IN_FORCE, **facts)
            for staff, holders in everyone.items():
                decision = authorize(actors[staff], it.matter.code, context, it.power)
                assert decision.allowed == bool(holders & named), (level, it.code, staff.name)
                if decision.allowed:
                    assert decision.rule.holder in holders & named
                else:
                    assert decision.rule is not None and decision.path, (level, it.code)
                asked += 1
            if it.holder == Holder.COMMITTEE:
                as_committee = Context(procuratorate=place, on=IN_FORCE, body="committee", **facts)
                # Its chair, the procuratorate's chief, records it; nobody else acts for it.
                chair = next(a for st, a in actors.items() if Holder.CHIEF in everyone[st])
                assert authorize(chair, it.matter.code, as_committee, it.power).allowed
                others = [a for st, a in actors.items() if Holder.CHIEF not in everyone[st]]
                for other in others:
                    assert not authorize(other, it.matter.code, as_committee, it.power).allowed
    assert asked == expected > 2000
