"""The one place that answers whether an actor may perform an act.

`authorize(actor, matter, context)` answers a case matter from the power list in force for the
procuratorate's level on the day (and the procuratorate's own additions, where allowed), or
from the default rule — a matter no item covers belongs to the chief, who may delegate it in
writing (规则 Art 4). An act that is not a case matter is answered from the role rule declared
beside its service function. Every answer says who must act instead (the path upward) and
gives one sentence a person can read.

The lists in force are compiled into an index per procuratorate and day: a dict from
(matter, power) to the few items that could apply, each with its conditions as bit masks, so a
decision costs the same however long the list is. The index is rebuilt when a list or a
delegation changes (in this process at once; in other processes within `RECHECK` seconds).
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.core.permissions import BELOW, HANDLER, ROLE_RULES, SELF, RoleRule, holds
from procuracy.powers.models import (
    FLAG_BIT,
    HOLDER_RANK,
    Delegation,
    Holder,
    Item,
    ListKind,
    ListLevel,
    ListVersion,
    Matter,
    Power,
)

RECHECK = 1.0  # seconds between looks at the database for list changes made elsewhere
MEMO_SIZE = 65536  # combinations of a case's facts remembered per compiled index
DEFAULT_RULE_BASIS = gettext_noop("《人民检察院刑事诉讼规则》第四条")


@dataclass(frozen=True)
class Context:
    """The facts of the act that the list's conditions read. A case supplies them (the cases
    issue); without a case, `handlers` and `lead` are None and the actor is taken to be the
    case's handler."""

    procuratorate: object = None  # where the act happens; the actor's own by default
    business_line: str = ""  # a BusinessLine code; empty matches items of every line
    case_type: str = ""
    flags: frozenset[str] = frozenset()
    amount: Decimal | None = None
    on: datetime.date | None = None
    handlers: frozenset[int] | None = None  # staff handling the case
    lead: int | None = None  # the lead prosecutor of the handling team
    department_id: int | None = None  # the department the case is in
    person: int | None = None  # the staff member an act about a person concerns
    body: str = ""  # "committee" when the act is the procuratorial committee's
    mask: int = field(default=0, init=False, compare=False)

    def __post_init__(self) -> None:
        mask = 0
        for flag in self.flags:
            mask |= FLAG_BIT[flag]
        object.__setattr__(self, "mask", mask)


@dataclass(frozen=True, slots=True)
class Rule:
    """One item of a list in force, compiled."""

    item_id: int
    number: int
    code: str
    list_label: str
    matter: str
    matter_name: str
    holder: str
    power: str
    line: str | None
    case_types: frozenset[str] | None
    when_any: int
    unless: int
    min_amount: Decimal | None
    max_amount: Decimal | None

    def applies(self, ctx: Context) -> bool:
        if self.line is not None and ctx.business_line and self.line != ctx.business_line:
            return False
        if self.case_types is not None and ctx.case_type and ctx.case_type not in self.case_types:
            return False
        if self.when_any and not (self.when_any & ctx.mask):
            return False
        if self.unless & ctx.mask:
            return False
        amount = ctx.amount or 0
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return self.max_amount is None or amount < self.max_amount

    @property
    def citation(self) -> str:
        return _("权力清单 %(list)s第 %(n)s 项") % {"list": self.list_label, "n": self.number}


@dataclass(frozen=True, slots=True)
class Grant:
    """A delegation in force: a chief's written instruction."""

    delegation_id: int
    delegate_id: int
    matter: str
    power: str
    line: str | None
    document_no: str
    valid_to: datetime.date | None


@dataclass(frozen=True, slots=True)
class Step:
    """One step on the path upward: a holder and the power they exercise."""

    holder: str
    power: str

    @property
    def label(self) -> str:
        return step_label(self.holder, self.power)


def step_label(holder: str, power: str) -> str:
    """检察长决定 / "chief procurator to decide"."""
    return _("%(holder)s%(power)s") % {"holder": Holder(holder).label, "power": Power(power).label}


def joined(parts) -> str:
    """Names in a sentence: 甲、乙 / "a, b"."""
    return pgettext("list separator", "、").join(str(p) for p in parts)


# Why a decision came out as it did; the sentence is written only when someone reads it.
GRANTED = "granted"  # an item names the actor's holder
RESERVED = "reserved"  # items name others: the path upward
CHIEFS = "chiefs"  # unlisted, and the actor is the chief (规则 Art 4)
DELEGATED = "delegated"  # unlisted, and the chief delegated it to the actor in writing
UNLISTED = "unlisted"  # unlisted, and the actor is neither
ROLE_HELD = "role_held"
ROLE_NOT_HELD = "role_not_held"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    act: str  # the matter code or the role rule's name
    act_label: str | Promise
    power: str
    why: str
    rule: Rule | None = None  # the item that grants or reserves the act
    grant: Grant | None = None  # the delegation that grants it
    path: tuple[Step, ...] = ()  # who must act, in order, when the actor may not
    role: RoleRule | None = None

    @property
    def sentence(self) -> str:
        """One sentence a person can read, in the active language."""
        return _SENTENCES[self.why](self)

    @property
    def reason(self) -> str:
        return self.sentence


def authorize(
    actor: Actor, matter: str, context: Context | None = None, power: str = Power.DECIDE
) -> Decision:
    """May `actor` exercise `power` over `matter` in `context`? Reads only; records nothing."""
    ctx = context or Context()
    role = ROLE_RULES.get(matter)
    if role is not None:
        ok = holds(actor, role, ctx.procuratorate) or _handles(actor, role, ctx)
        why = ROLE_HELD if ok else ROLE_NOT_HELD
        return Decision(ok, role.name, role.label, Power.HANDLE, why, role=role)
    procuratorate = ctx.procuratorate
    if procuratorate is None and actor.staff is not None:
        procuratorate = actor.staff.procuratorate
    if procuratorate is None:
        raise ValueError("a case matter is decided at a procuratorate")
    day = ctx.on or today()
    index = _index(procuratorate, day)
    name = index.matter_names.get(matter)
    if name is None:
        raise ValueError(f"unknown matter {matter!r}")
    held = holders_of(actor, procuratorate, day, ctx)
    # The items that apply and the path upward depend only on the matter and the case's
    # facts, of which a procuratorate sees few combinations: worked out once for each.
    facts = (matter, power, ctx.business_line, ctx.case_type, ctx.mask, ctx.amount)
    found = index.memo.get(facts)
    if found is None:
        found = _answers(index, matter, name, power, ctx)
        if len(index.memo) < MEMO_SIZE:
            index.memo[facts] = found
    granted, reserved = found
    for holder, decision in granted:
        if holder in held:
            return decision
    if reserved is not None:
        return reserved
    # 规则 Art 4: a matter not on the list is the chief's, who may refer it to the committee
    # or delegate it by a written instruction.
    if Holder.CHIEF in held:
        return Decision(True, matter, name, power, CHIEFS)
    if actor.staff is not None:
        for grant in index.grants.get((actor.staff.pk, matter, power), ()):
            if grant.line is None or not ctx.business_line or grant.line == ctx.business_line:
                return Decision(True, matter, name, power, DELEGATED, grant=grant)
    chief = (Step(Holder.CHIEF, Power.DECIDE),)
    return Decision(False, matter, name, power, UNLISTED, path=chief)


def _handles(actor: Actor, role: RoleRule, ctx: Context) -> bool:
    """Whether a rule open to the case's handlers finds the actor among them, or one open to
    the person concerned finds the actor is that person."""
    if actor.staff is None:
        return False
    if HANDLER in role.holders and ctx.handlers is not None and actor.staff.pk in ctx.handlers:
        return True
    return SELF in role.holders and ctx.person == actor.staff.pk


def _answers(
    index: Index, matter: str, name: str, power: str, ctx: Context
) -> tuple[tuple[tuple[str, Decision], ...], Decision | None]:
    """The decisions for one combination of facts, made once (a frozen Decision costs 1 µs to
    build): one per applying item for its holder, and the refusal with the path upward."""
    applying = tuple(r for r in index.rules.get((matter, power), ()) if r.applies(ctx))
    granted = tuple(
        (r.holder, Decision(True, matter, name, power, GRANTED, rule=r)) for r in applying
    )
    if not applying:
        return granted, None
    path = _path(index, matter, ctx, applying)
    return granted, Decision(False, matter, name, power, RESERVED, rule=applying[0], path=path)


def _path(index: Index, matter: str, ctx: Context, applying: tuple[Rule, ...]) -> tuple[Step, ...]:
    """The reviews that come first, then the holder who decides, lowest first."""
    deciders = [r for r in index.rules.get((matter, Power.DECIDE), ()) if r.applies(ctx)]
    top = min((HOLDER_RANK[r.holder] for r in deciders), default=None)
    reviews = [
        r
        for r in index.rules.get((matter, Power.REVIEW), ())
        if r.applies(ctx) and (top is None or HOLDER_RANK[r.holder] < top)
    ]
    steps = [Step(r.holder, r.power) for r in sorted(reviews, key=lambda r: HOLDER_RANK[r.holder])]
    if deciders:
        decider = min(deciders, key=lambda r: HOLDER_RANK[r.holder])
        steps.append(Step(decider.holder, Power.DECIDE))
    elif not steps:
        steps = [Step(r.holder, r.power) for r in applying]
    return tuple(dict.fromkeys(steps))


def _granted(d: Decision) -> str:
    assert d.rule is not None
    return _("“%(matter)s”由%(holder)s%(power)s(%(citation)s)。") % {
        "matter": d.act_label,
        "holder": Holder(d.rule.holder).label,
        "power": Power(d.rule.power).label,
        "citation": d.rule.citation,
    }


def _reserved(d: Decision) -> str:
    assert d.rule is not None
    *reviews, last = d.path
    who = {"matter": d.act_label, "last": last.label, "citation": d.rule.citation}
    if reviews:
        who["reviews"] = joined(step.label for step in reviews)
        sentence = _("“%(matter)s”须经%(reviews)s后,由%(last)s(%(citation)s)") % who
    else:
        sentence = _("“%(matter)s”须由%(last)s(%(citation)s)") % who
    if d.path and d.path[-1].holder == Holder.COMMITTEE:
        sentence += _(",须提请检察委员会讨论决定")
    return sentence + _("。")


def _chiefs(d: Decision) -> str:
    return _("“%(matter)s”未列入权力清单,由检察长决定(%(basis)s)。") % {
        "matter": d.act_label,
        "basis": _(DEFAULT_RULE_BASIS),
    }


def _delegated(d: Decision) -> str:
    assert d.grant is not None
    return _("“%(matter)s”未列入权力清单,检察长已书面授权您%(power)s(授权书 %(doc)s)。") % {
        "matter": d.act_label,
        "power": Power(d.power).label,
        "doc": d.grant.document_no,
    }


def _unlisted(d: Decision) -> str:
    return _(
        "“%(matter)s”未列入权力清单,由检察长决定(%(basis)s);检察长可以提请检察委员会讨论,"
        "或者以书面指令授权检察官。"
    ) % {"matter": d.act_label, "basis": _(DEFAULT_RULE_BASIS)}


def _role_held(d: Decision) -> str:
    return _("您可以办理“%(act)s”。") % {"act": d.act_label}


def _role_not_held(d: Decision) -> str:
    from procuracy.people.models import PositionKind

    assert d.role is not None
    positions = d.role.holders - {HANDLER, SELF}
    if not positions:
        return _("“%(act)s”须由本案的承办检察官办理,您不是本案的承办人。") % {"act": d.act_label}
    holders = joined(sorted(str(PositionKind(k).label) for k in positions))
    where = _("本院或上级院") if d.role.reach == BELOW else _("本院")
    if SELF in d.role.holders:
        return _("“%(act)s”须由本人或%(where)s的%(holders)s办理。") % {
            "act": d.act_label,
            "where": where,
            "holders": holders,
        }
    if HANDLER in d.role.holders:
        return _("“%(act)s”须由本案的承办检察官或%(where)s的%(holders)s办理。") % {
            "act": d.act_label,
            "where": where,
            "holders": holders,
        }
    return _("“%(act)s”须由%(where)s的%(holders)s办理,您没有该职务。") % {
        "act": d.act_label,
        "where": where,
        "holders": holders,
    }


_SENTENCES = {
    GRANTED: _granted,
    RESERVED: _reserved,
    CHIEFS: _chiefs,
    DELEGATED: _delegated,
    UNLISTED: _unlisted,
    ROLE_HELD: _role_held,
    ROLE_NOT_HELD: _role_not_held,
}


# ---- who the actor is, for the list ------------------------------------------------------


def holders_of(
    actor: Actor, procuratorate, day: datetime.date, ctx: Context | None = None
) -> frozenset[str]:
    """The holders (检察官, 部门负责人, 检察长 …) the actor is, at `procuratorate` on `day`.
    Acting for the committee (`ctx.body`), the actor is the committee alone, and only if they
    are its chair, the chief (or acting chief), who presides over it and records its decisions."""
    ctx = ctx or Context()
    if ctx.body == Holder.COMMITTEE:
        chairs = Holder.CHIEF in holders_of(actor, procuratorate, day, replace(ctx, body=""))
        return frozenset({Holder.COMMITTEE}) if chairs else frozenset()
    if actor.staff is None:
        return frozenset()
    profile = _profile(actor, day)
    key = (procuratorate.pk, ctx.handlers, ctx.lead, ctx.department_id)
    known = profile.held.get(key)
    if known is not None:
        return known
    held: set[str] = set()
    for kind, procuratorate_id, department_id in profile.positions:
        if procuratorate_id != procuratorate.pk:
            continue
        if kind in ("chief", "acting_chief"):
            held.add(Holder.CHIEF)
        elif kind == "deputy_chief":
            held.add(Holder.DEPUTY_CHIEF)
        elif kind == "department_head" and (
            ctx.department_id is None or ctx.department_id == department_id
        ):
            held.add(Holder.DEPARTMENT_HEAD)
    if profile.prosecutor and actor.staff.procuratorate_id == procuratorate.pk:
        staff_id = actor.staff.pk
        if ctx.handlers is None or staff_id in ctx.handlers:
            held.add(Holder.PROSECUTOR)
        if procuratorate.pk in profile.leads and (ctx.lead is None or ctx.lead == staff_id):
            held.add(Holder.LEAD_PROSECUTOR)
    known = profile.held[key] = frozenset(held)
    return known


@dataclass(frozen=True, slots=True)
class Profile:
    positions: tuple[tuple[str, int, int | None], ...]
    prosecutor: bool  # a quota prosecutor that day (组织法 Arts 41–44: only they hold powers)
    leads: frozenset[int]  # procuratorates where they lead a team that day
    held: dict[tuple, frozenset[str]] = field(default_factory=dict)  # worked out so far


# Who each person is for the lists, by (staff, day): kept across requests like the compiled
# lists, and dropped with them when anything they are read from changes — in this process at
# once (the spine tells `forget_people` when an act writes a post, a quota record or a
# membership), in others within RECHECK seconds (`_stamp` counts those rows too).
_profiles: dict[tuple[int, datetime.date], Profile] = {}
PEOPLE_MODELS = frozenset({"people.position", "people.quotarecord", "caseorgs.membership"})


def _profile(actor: Actor, day: datetime.date) -> Profile:
    """Read once per person and day, until a post, quota record or membership changes."""
    cache: dict = actor.__dict__.setdefault("_powers_profiles", {})
    profile = cache.get(day)
    if profile is None:
        staff = actor.staff
        assert staff is not None  # holders_of asks only for a person
        key = (staff.pk, day)
        profile = _profiles.get(key)
        if profile is None:
            profile = _read_profile(staff, day)
            with _lock:
                if len(_profiles) > 65536:
                    _profiles.clear()
                _profiles[key] = profile
        cache[day] = profile
    return profile


def forget_people(labels) -> None:
    """An act wrote rows of these models (`app.model` labels): drop the profiles if any is a
    post, a quota record or a membership."""
    if PEOPLE_MODELS.intersection(labels):
        with _lock:
            _profiles.clear()


def _read_profile(staff, day: datetime.date) -> Profile:
    from procuracy.caseorgs.models import Membership, Role
    from procuracy.people.models import Category, Position, QuotaRecord

    positions = tuple(
        Position.objects.on(day)
        .filter(staff=staff)
        .values_list("kind", "procuratorate_id", "department_id")
        .order_by("id")
    )
    prosecutor = (
        staff.category == Category.PROSECUTOR
        and QuotaRecord.objects.on(day).filter(staff=staff).exists()
    )
    leads = frozenset(
        Membership.objects.on(day)
        .filter(staff=staff, role=Role.LEAD)
        .values_list("org__procuratorate_id", flat=True)
        .order_by()
    )
    return Profile(positions, prosecutor, leads)


# ---- the lists in force, compiled ---------------------------------------------------------


@dataclass
class Index:
    rules: dict[tuple[str, str], tuple[Rule, ...]]
    grants: dict[tuple[int, str, str], tuple[Grant, ...]]
    matter_names: dict[str, str]
    versions: tuple[int, ...]  # the versions in force, for display
    memo: dict[tuple, tuple[tuple[tuple[str, Decision], ...], Decision | None]] = field(
        default_factory=dict
    )


_lock = threading.Lock()
# Per procuratorate, the compiled lists with the days they hold for: [first, until), until
# None for open-ended. The lists change only on a version's effective date or a delegation's
# first or last day, so one compiled index serves every day between two such dates.
_indexes: dict[int, list[tuple[datetime.date, datetime.date | None, Index]]] = {}
_checked = [0.0]  # when the database was last looked at
_stamp_seen: list[tuple] = [()]


def forget_memos() -> None:
    """Empty each compiled list's memo of the items that apply to a combination of facts (the
    lists stay compiled): the next decision on any case is worked out as on a new one."""
    with _lock:
        for spans in _indexes.values():
            for _first, _until, index in spans:
                index.memo.clear()


def forget() -> None:
    """Drop the compiled lists (and who each person is for them): called when a list or a
    delegation changes."""
    with _lock:
        _indexes.clear()
        _profiles.clear()
        _checked[0] = 0.0


def _index(procuratorate, day: datetime.date) -> Index:
    now = time.monotonic()
    if now - _checked[0] > RECHECK:
        stamp = _stamp()
        with _lock:
            if stamp != _stamp_seen[0]:
                _indexes.clear()
                _profiles.clear()
                _stamp_seen[0] = stamp
            _checked[0] = now
    for first, until, index in _indexes.get(procuratorate.pk, ()):
        if first <= day and (until is None or day < until):
            return index
    first, until = _span(procuratorate, day)
    index = compile_index(procuratorate, day)
    with _lock:
        spans = _indexes.setdefault(procuratorate.pk, [])
        if len(spans) > 64:
            spans.clear()
        spans.append((first, until, index))
    return index


def _span(procuratorate, day: datetime.date) -> tuple[datetime.date, datetime.date | None]:
    """The days around `day` over which the lists in force at the procuratorate stay as they
    are: between the nearest effective dates of its lists' versions and its delegations' first
    and last days."""
    province_code = procuratorate.path.split("/", 1)[0]
    lists = Q(
        power_list__procuratorate__code=province_code,
        power_list__level=ListLevel.of(procuratorate.level),
        power_list__kind=ListKind.LEVEL,
    ) | Q(power_list__procuratorate=procuratorate, power_list__kind=ListKind.ADDITIONS)
    dates = set(
        ListVersion.objects.filter(lists, effective_from__isnull=False).values_list(
            "effective_from", flat=True
        )
    )
    for valid_from, valid_to in Delegation.objects.filter(procuratorate=procuratorate).values_list(
        "valid_from", "valid_to"
    ):
        dates.add(valid_from)
        if valid_to is not None:
            dates.add(valid_to)
    first = max((d for d in dates if d <= day), default=datetime.date.min)
    until = min((d for d in dates if d > day), default=None)
    return first, until


def _stamp() -> tuple:
    """Changes whenever a version, a delegation, a post, a quota record or a membership is
    written anywhere."""
    from django.db.models import Count, Max

    from procuracy.caseorgs.models import Membership
    from procuracy.people.models import Position, QuotaRecord

    found: list = []
    for model in (ListVersion, Delegation, Position, QuotaRecord, Membership):
        rows = model.objects.order_by().aggregate(n=Count("id"), seq=Max("ledger_seq"))
        found += [rows["n"], rows["seq"]]
    return tuple(found)


def versions_in_force(procuratorate, day: datetime.date) -> list[ListVersion]:
    """The province's list for the procuratorate's level, then its own additions if the
    province's version allows them."""
    province_code = procuratorate.path.split("/", 1)[0]
    level = ListLevel.of(procuratorate.level)
    found = []
    main = (
        ListVersion.objects.effective_on(day)
        .filter(
            power_list__procuratorate__code=province_code,
            power_list__level=level,
            power_list__kind=ListKind.LEVEL,
        )
        .select_related("power_list")
        .first()
    )
    if main is not None:
        found.append(main)
        if main.allows_additions:
            extra = (
                ListVersion.objects.effective_on(day)
                .filter(
                    power_list__procuratorate=procuratorate, power_list__kind=ListKind.ADDITIONS
                )
                .select_related("power_list")
                .first()
            )
            if extra is not None:
                found.append(extra)
    return found


def compile_index(procuratorate, day: datetime.date) -> Index:
    versions = versions_in_force(procuratorate, day)
    rules: dict[tuple[str, str], list[Rule]] = {}
    for version in versions:
        label = (
            str(ListLevel(version.power_list.level).label)
            if version.power_list.kind == ListKind.LEVEL
            else _("本院补充清单")
        )
        items = Item.objects.filter(version=version).select_related("matter", "business_line")
        for item in items.order_by("number"):
            rule = compile_item(item, label)
            rules.setdefault((rule.matter, rule.power), []).append(rule)
    grants: dict[tuple[int, str, str], list[Grant]] = {}
    delegations = (
        Delegation.objects.on(day)
        .filter(procuratorate=procuratorate)
        .select_related("matter", "business_line")
        .order_by("valid_from", "id")
    )
    for d in delegations:
        grant = Grant(
            d.pk,
            d.delegate_id,
            d.matter.code,
            d.power,
            d.business_line.code if d.business_line else None,
            d.document_no,
            d.valid_to,
        )
        grants.setdefault((d.delegate_id, grant.matter, grant.power), []).append(grant)
    names = dict(Matter.objects.values_list("code", "name"))
    return Index(
        {k: tuple(v) for k, v in rules.items()},
        {k: tuple(v) for k, v in grants.items()},
        names,
        tuple(v.pk for v in versions),
    )


def mask_of(flags) -> int:
    mask = 0
    for flag in flags:
        mask |= FLAG_BIT[flag]
    return mask


def compile_item(item: Item, list_label: str) -> Rule:
    return Rule(
        item_id=item.pk,
        number=item.number,
        code=item.code,
        list_label=list_label,
        matter=item.matter.code,
        matter_name=item.matter.name,
        holder=item.holder,
        power=item.power,
        line=item.business_line.code if item.business_line else None,
        case_types=frozenset(item.case_types) or None,
        when_any=mask_of(item.when_any),
        unless=mask_of(item.unless),
        min_amount=item.min_amount,
        max_amount=item.max_amount,
    )


def may(actor: Actor, act: str, procuratorate=None, power: str = Power.DECIDE) -> bool:
    """For a page deciding whether to offer an action: `authorize(...).allowed`."""
    return authorize(actor, act, Context(procuratorate=procuratorate), power).allowed
