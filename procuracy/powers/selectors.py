"""Reads of the power lists that the pages and the API share: the lists and their versions
with each version's state, a version's items filtered, an item's history across versions, the
comparison of two versions, delegations, refused attempts, and a decision for a named person.

The lists are open (publishing them is part of openness), so reading them needs no scope;
delegations and refused attempts are read through the actor's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.core.permissions import BELOW, ROLE_RULES, role_rule
from procuracy.organisation.models import BusinessLine, Procuratorate
from procuracy.powers import engine
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import (
    STATE_LABELS,
    Delegation,
    Flag,
    Holder,
    Item,
    ListKind,
    ListLevel,
    ListVersion,
    Matter,
    Power,
    PowerList,
    Refusal,
    VersionStatus,
    states_on,
)

# Refused attempts say who tried what: for the chief and the inspection and discipline
# offices, at the procuratorate or above it. A read, declared like an act's permission so the
# engine answers it and the page can say why not.
READ_REFUSALS = role_rule(
    "powers.read_refusals",
    gettext_lazy("查阅被拒绝的操作记录"),
    {"chief", "acting_chief", "inspection", "discipline"},
    reach=BELOW,
)

STATE_TONES = {
    "draft": "amber",
    "approved": "blue",
    "effective": "green",
    "superseded": "slate",
    "discarded": "slate",
}

# The fields two versions of an item are compared on, in the order a reader reads them.
COMPARED = (
    "number",
    "business_line",
    "case_types",
    "matter",
    "holder",
    "power",
    "when_any",
    "unless",
    "min_amount",
    "max_amount",
    "legal_basis",
    "note",
)


# ---- lists and versions ------------------------------------------------------------------


def lists_for(actor: Actor) -> list[PowerList]:
    """The lists a person works under: their province's list for each level, and the
    additions of the procuratorates in that province they may see. Administrators without a
    post see every province's. Each list as `with_versions` gives it."""
    lists = PowerList.objects.all()
    if actor.staff is not None:
        province = actor.staff.procuratorate.path.split("/", 1)[0]
        additions = Q(kind=ListKind.ADDITIONS) & scope.procuratorate_q(actor)
        lists = lists.filter(procuratorate__path__startswith=f"{province}/").filter(
            Q(kind=ListKind.LEVEL) | additions
        )
    return with_versions(lists)


def may_add_to(place: Procuratorate, lists: list[PowerList]) -> bool:
    """Whether the place may open its own additions: below the province, with none yet, and
    the province's list in force for its level allows them."""
    if place.level == "province":
        return False
    if any(pl.kind == ListKind.ADDITIONS and pl.procuratorate_id == place.pk for pl in lists):
        return False
    versions = engine.versions_in_force(place, today())
    return bool(versions) and versions[0].allows_additions


def with_versions(lists) -> list[PowerList]:
    """The lists in reading order (by issuer; each province's levels top down, then the
    additions), each with `version_rows` (newest first, with their states and item counts) and
    `in_force`, the version in force today."""
    found = list(lists.select_related("procuratorate"))
    rank = {level: n for n, level in enumerate(ListLevel.values)}
    found.sort(key=lambda pl: (pl.procuratorate.path, pl.kind != ListKind.LEVEL, rank[pl.level]))
    versions = (
        ListVersion.objects.filter(power_list__in=found)
        .annotate(item_count=Count("items"))
        .order_by("-number")
    )
    by_list: dict[int, list[ListVersion]] = {}
    for version in with_states(versions):
        by_list.setdefault(version.power_list_id, []).append(version)
    for power_list in found:
        power_list.version_rows = by_list.get(power_list.pk, [])
        power_list.in_force = next(
            (v for v in power_list.version_rows if v.state == "effective"), None
        )
    return found


def with_states(versions, day: datetime.date | None = None) -> list[ListVersion]:
    """The versions, each with `state`, `state_label` and `state_tone` on `day` — what
    ListVersion.state_on answers, for many versions in one query."""
    versions = list(versions)
    states = states_on(versions, day or today())
    for v in versions:
        v.state = states[v.pk]
        v.state_label = STATE_LABELS[v.state]
        v.state_tone = STATE_TONES[v.state]
    return versions


def version(pk: int) -> ListVersion:
    """Raises ListVersion.DoesNotExist."""
    found = ListVersion.objects.select_related(
        "power_list__procuratorate", "approved_by", "created_by", "based_on"
    ).get(pk=pk)
    return with_states([found])[0]


def newest(power_list: PowerList) -> ListVersion | None:
    """The version a new draft copies: the newest one not discarded."""
    return power_list.versions.exclude(status=VersionStatus.DISCARDED).order_by("-number").first()


def items_of(
    version: ListVersion,
    *,
    business_line: str = "",
    holder: str = "",
    matter: str = "",
    flag: str = "",
    power: str = "",
) -> list[Item]:
    """A version's items, filtered. A business line matches its own items and those for every
    line; `matter` is a piece of the matter's name or its code; `flag` matches items whose
    conditions name it (as a case that applies or one excluded)."""
    items = Item.objects.filter(version=version).select_related("matter", "business_line")
    if business_line:
        items = items.filter(Q(business_line__code=business_line) | Q(business_line=None))
    if holder:
        items = items.filter(holder=holder)
    if power:
        items = items.filter(power=power)
    if matter.strip():
        text = matter.strip()
        items = items.filter(Q(matter__name__icontains=text) | Q(matter__code=text))
    found = list(items.order_by("number"))
    if flag:
        # JSON containment is not portable (SQLite has none); a version is a few hundred rows.
        found = [i for i in found if flag in i.when_any or flag in i.unless]
    return found


def item(pk: int) -> Item:
    """Raises Item.DoesNotExist."""
    return Item.objects.select_related(
        "version__power_list__procuratorate", "matter", "business_line"
    ).get(pk=pk)


# ---- how an item reads --------------------------------------------------------------------


def flags_text(flags) -> str:
    """The flags' names in the catalogue's order (重大、疑难、复杂), whatever order they are
    stored in."""
    order = {flag: n for n, flag in enumerate(Flag.values)}
    ordered = sorted(flags, key=lambda f: order.get(f, len(order)))
    return engine.joined(str(Flag(f).label) if f in order else f for f in ordered)


def amount_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return _("%(low)s 元以上") % {"low": _yuan(low)}
    if low is None:
        return _("不满 %(high)s 元") % {"high": _yuan(high)}
    return _("%(low)s 元以上不满 %(high)s 元") % {"low": _yuan(low), "high": _yuan(high)}


def _yuan(value: Decimal | None) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def conditions(it: Item | ItemFields) -> list[tuple[str, str]]:
    """(label, text) for each condition the item sets; none when it applies to every case."""
    found = []
    if it.case_types:
        found.append((_("案件类型"), engine.joined(it.case_types)))
    if it.when_any:
        found.append((_("适用情形"), flags_text(it.when_any)))
    if it.unless:
        found.append((_("除外情形"), flags_text(it.unless)))
    amount = amount_text(it.min_amount, it.max_amount)
    if amount:
        found.append((_("涉案金额"), amount))
    return found


def field_text(name: str, value) -> str:
    """One field of an item, as a reader reads it."""
    if value is None or value == "" or value == []:
        return _("全部业务条线") if name == "business_line" else "—"
    if name == "holder":
        return str(Holder(value).label)
    if name == "power":
        return str(Power(value).label)
    if name in ("when_any", "unless"):
        return flags_text(value)
    if name == "case_types":
        return engine.joined(value)
    if name in ("min_amount", "max_amount"):
        return _yuan(value)
    return str(value)


def field_label(name: str) -> str:
    return str(Item._meta.get_field(name).verbose_name)


@dataclass
class Change:
    label: str
    before: str
    after: str


def changes(before: Item, after: Item) -> list[Change]:
    """The fields that differ between two rows of one item, as text."""
    old, new = ItemFields.of(before).as_fields(), ItemFields.of(after).as_fields()
    return [
        Change(field_label(name), field_text(name, old[name]), field_text(name, new[name]))
        for name in COMPARED
        if old[name] != new[name]
    ]


# ---- history and comparison ---------------------------------------------------------------


@dataclass
class HistoryRow:
    version: ListVersion
    item: Item | None  # None: the version does not have the item
    what: str  # added, changed, unchanged, removed, absent
    changes: list[Change] = field(default_factory=list)


def history(it: Item) -> list[HistoryRow]:
    """The item's rows across its list's versions, oldest first: what each version did."""
    versions = with_states(it.version.power_list.versions.order_by("number"))
    rows = {
        i.version_id: i
        for i in Item.objects.filter(version__in=versions, code=it.code).select_related(
            "matter", "business_line"
        )
    }
    found, before = [], None
    for v in versions:
        row = rows.get(v.pk)
        if row is None:
            found.append(HistoryRow(v, None, "removed" if before else "absent"))
        elif before is None:
            found.append(HistoryRow(v, row, "added"))
        else:
            diff = changes(before, row)
            found.append(HistoryRow(v, row, "changed" if diff else "unchanged", diff))
        if v.status != VersionStatus.DISCARDED:
            before = row
    return found


@dataclass
class Comparison:
    older: ListVersion
    newer: ListVersion
    added: list[Item]
    removed: list[Item]
    changed: list[tuple[Item, Item, list[Change]]]
    unchanged: int


def compare(a: ListVersion, b: ListVersion) -> Comparison:
    """Two versions of one list, item by item, matched by code: `older` → `newer`."""
    older, newer = sorted((a, b), key=lambda v: v.number)
    rows = Item.objects.select_related("matter", "business_line").order_by("number")
    before = {i.code: i for i in rows.filter(version=older)}
    after = {i.code: i for i in rows.filter(version=newer)}
    changed, unchanged = [], 0
    for code, new in after.items():
        old = before.get(code)
        if old is None:
            continue
        diff = changes(old, new)
        if diff:
            changed.append((old, new, diff))
        else:
            unchanged += 1
    return Comparison(
        older,
        newer,
        added=[i for code, i in after.items() if code not in before],
        removed=[i for code, i in before.items() if code not in after],
        changed=changed,
        unchanged=unchanged,
    )


# ---- in force, for the public ------------------------------------------------------------


def published(day: datetime.date | None = None) -> list[tuple[Procuratorate, list]]:
    """Each province with the version of each level's list in force on `day`, and its items."""
    day = day or today()
    found = []
    provinces = Procuratorate.objects.filter(
        power_lists__kind=ListKind.LEVEL, parent__isnull=True
    ).distinct()
    rank = {level: n for n, level in enumerate(ListLevel.values)}
    for province in provinces.order_by("path"):
        versions = []
        for v in (
            ListVersion.objects.effective_on(day)
            .filter(power_list__procuratorate=province, power_list__kind=ListKind.LEVEL)
            .select_related("power_list")
        ):
            if all(seen.power_list_id != v.power_list_id for seen in versions):
                versions.append(v)
        versions.sort(key=lambda v: rank[v.power_list.level])
        for v in versions:
            v.rows = items_of(v)
        found.append((province, versions))
    return found


# ---- delegations and refusals --------------------------------------------------------------


def procuratorate_for(actor: Actor, pk: int) -> Procuratorate:
    """Raises Procuratorate.DoesNotExist for one outside the actor's scope, as for none."""
    return scope.restrict(Procuratorate.objects.all(), actor, "").get(pk=pk)


def delegations(procuratorate: Procuratorate, day: datetime.date | None = None) -> dict:
    """The delegations at a procuratorate: those in force on `day`, and the rest (ended,
    revoked, or not yet begun)."""
    day = day or today()
    rows = (
        Delegation.objects.filter(procuratorate=procuratorate)
        .select_related("delegator", "delegate", "matter", "business_line")
        .order_by("-valid_from", "-id")
    )
    current = [d for d in rows if d.holds_on(day)]
    return {"current": current, "other": [d for d in rows if not d.holds_on(day)]}


def delegation_for(actor: Actor, pk: int) -> Delegation:
    """Raises Delegation.DoesNotExist for one outside the actor's scope, as for none."""
    qs = scope.restrict(Delegation.objects.all(), actor)
    return qs.select_related("procuratorate", "delegate", "matter").get(pk=pk)


def refusals(procuratorate: Procuratorate):
    return Refusal.objects.filter(procuratorate=procuratorate).select_related("actor")


# ---- a decision for a named person ----------------------------------------------------------


def actor_named(actor: Actor, who: str) -> Actor:
    """The actor a login (or a staff number) names, among the staff `actor` may see; a name
    outside their scope is unknown, as one that does not exist."""
    from procuracy.people.models import Staff

    who = who.strip()
    if not who:
        return actor
    staff = scope.restrict(Staff.objects.select_related("user", "procuratorate"), actor)
    found = staff.filter(user__username=who).first()
    if found is None and who.isdecimal() and len(who) <= 12:
        found = staff.filter(pk=int(who)).first()
    if found is None:
        raise RuleViolation(_("没有登录名或人员编号为 %(who)s 的人员。") % {"who": who}, "staff")
    user = getattr(found, "user", None)
    return Actor.for_user(user) if user else Actor(login=found.name, staff=found)


def decide(
    actor: Actor,
    *,
    matter: str,
    power: str = Power.DECIDE,
    flags=(),
    business_line: str = "",
    case_type: str = "",
    amount: Decimal | None = None,
    on: datetime.date | None = None,
    procuratorate: Procuratorate | None = None,
) -> engine.Decision:
    """The engine's answer for `actor`, after checking that what it is asked about exists;
    a matter may also be the name of a role rule ("powers.approve")."""
    if matter not in ROLE_RULES and not Matter.objects.filter(code=matter).exists():
        raise RuleViolation(_("没有代码为 %(code)s 的事项。") % {"code": matter}, "matter")
    unknown = [f for f in flags if f not in Flag.values]
    if unknown:
        raise RuleViolation(
            _("没有这些情形:%(flags)s。") % {"flags": engine.joined(unknown)}, "flags"
        )
    if business_line and not BusinessLine.objects.filter(code=business_line).exists():
        message = _("没有代码为 %(code)s 的业务条线。") % {"code": business_line}
        raise RuleViolation(message, "business_line")
    place = procuratorate or (actor.staff.procuratorate if actor.staff else None)
    if place is None:
        raise RuleViolation(_("该人员不在任何检察院任职,请指明检察院。"), "procuratorate")
    context = engine.Context(
        procuratorate=place,
        business_line=business_line,
        case_type=case_type,
        flags=frozenset(flags),
        amount=amount,
        on=on,
    )
    return engine.authorize(actor, matter, context, power)
