"""One decision of the power-list engine, in process, next to casbin and Cedar loaded with the
same rules, in the same run: at the shipped template's size and at ten times it.

    .venv/bin/python bench/powers_decision.py                    # a temporary SQLite file
    .venv/bin/python bench/powers_decision.py --postgres         # a throwaway PostgreSQL database
    .venv/bin/python bench/powers_decision.py --seconds 6 --requests 4000

In a throwaway database it builds the tests' small world, issues the base-level list through
`procuracy.powers.services` (draft, then approve), and times
`engine.authorize(actor, matter, Context(...), power)` one call at a time (perf_counter_ns
around each call, which adds its own ~0.05 µs; no `on`, so today, as a case's page asks). After
a warm-up the compiled index and each actor's profile are warm, as they are for the second
decision of a request, and so is the engine's memo of the items that apply to each
combination of facts; "engine, new facts" empties that memo (untimed) before each call, which
is the first decision on a case whose facts the procuratorate has not seen since the list
was compiled. The same items, translated, go to

- pycasbin 2.8.0: RBAC (a `g` link from each person to the holders they are) with ABAC
  conditions in a custom matcher function, and the priority effect for the default rule
  (an item's holder is allowed; anyone else is refused when an item applies; the chief is
  allowed when none does); the enforcer is built once and `enforce()` is timed;
- cedarpy 4.12.2: one `permit` per item with `when` conditions on the context, a `permit` for
  the chief `unless` an item of that matter applies, and one per power for unlisted matters;
  the PolicySet and Entities are parsed once and `is_authorized()` is timed, and also
  `is_authorized_batch()` over 100 requests, divided by 100.

Three lists, issued one after the other (each supersedes the last): the template (the shipped
`procuracy/powers/data/base.csv` if it is there, else a synthetic list of the same shape); ten
times it across ten times the matters (each matter copied ten times, so the items a decision
looks at stay the same); and ten times it within the same matters (each item split into ten
case-type variants, so the items a decision looks at grow tenfold). Every request is first
answered by all three and the answers compared: the script exits 1 if any disagree.
Goal: median under 5 µs, flat in the list's size, at least 10× ahead of both libraries.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger_verify import SERVER, Database, run_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "procuracy" / "powers" / "data" / "base.csv"
GOAL_US = 5.0
GOAL_AHEAD = 10.0
TIMES = 10
BATCH = 100
ROUNDS = 3  # each contender's time is split into rounds, taken in turn
MIN_CALLS = 200
MAX_CALLS = 200_000


# --- the lists ----------------------------------------------------------------------------

MAJOR = ["major", "difficult", "complex"]
UP = ["social_impact", "npc_deputy"]
MILLION = Decimal(1_000_000)

# holder, power, when_any, unless, min_amount, max_amount
PATTERNS: dict[str, list[tuple]] = {
    # the prosecutor decides; what is major the department head reviews and the chief decides;
    # what touches a deputy or the public goes to the committee
    "ordinary": [
        ("prosecutor", "decide", [], MAJOR + UP, None, None),
        ("department_head", "review", MAJOR, [], None, None),
        ("chief", "decide", MAJOR, UP, None, None),
        ("committee", "decide", UP, [], None, None),
    ],
    "reserved": [
        ("department_head", "review", [], [], None, None),
        ("chief", "decide", [], UP, None, None),
        ("committee", "decide", UP, [], None, None),
    ],
    "committee": [
        ("department_head", "review", [], [], None, None),
        ("committee", "decide", [], [], None, None),
    ],
    "simple": [
        ("prosecutor", "decide", [], ["major"], None, None),
        ("chief", "decide", ["major"], [], None, None),
    ],
    "prosecutor": [("prosecutor", "decide", [], [], None, None)],
    "amount": [
        ("prosecutor", "decide", [], [], None, MILLION),
        ("department_head", "review", [], [], MILLION, None),
        ("chief", "decide", [], [], MILLION, None),
    ],
    "sign": [
        ("prosecutor", "sign", [], MAJOR, None, None),
        ("chief", "sign", MAJOR, [], None, None),
    ],
}

# matter: pattern and the business lines it is written for (None: every line). Matters not
# here are left to the default rule (bail, residential surveillance, transfer, recusal).
SHAPE: dict[str, tuple[str, list]] = {
    "approve_arrest": ("ordinary", [None]),
    "refuse_arrest": ("ordinary", [None]),
    "decide_arrest": ("reserved", [None]),
    "decline_arrest": ("ordinary", [None]),
    "change_measure": ("simple", [None]),
    "custody_necessity": ("simple", ["criminal_enforcement"]),
    "prosecute": ("ordinary", [None]),
    "statutory_non_prosecution": ("reserved", [None]),
    "discretionary_non_prosecution": ("reserved", [None]),
    "evidentiary_non_prosecution": ("reserved", [None]),
    "conditional_non_prosecution": ("simple", ["minors"]),
    "return_investigation": ("simple", [None]),
    "extend_review": ("reserved", [None]),
    "sentencing_recommendation": ("ordinary", [None]),
    "change_prosecution": ("simple", [None]),
    "withdraw_prosecution": ("reserved", [None]),
    "protest": ("committee", [None]),
    "request_protest": ("committee", [None]),
    "filing_supervision": ("simple", [None]),
    "correction_notice": ("simple", [None]),
    "procuratorial_suggestion": ("simple", [None]),
    "retrial_suggestion": ("committee", [None]),
    "reject_supervision": ("simple", ["civil", "administrative"]),
    "public_interest_filing": ("prosecutor", ["public_interest"]),
    "pre_litigation_suggestion": ("simple", ["public_interest"]),
    "public_interest_suit": ("reserved", ["public_interest"]),
    "close_public_interest": ("prosecutor", ["public_interest"]),
    "accept_appeal": ("simple", ["complaints"]),
    "state_compensation": ("reserved", ["complaints"]),
    "judicial_relief": ("amount", ["complaints"]),
    "seal_record": ("prosecutor", ["minors"]),
    "hold_hearing": ("simple", [None]),
    "seize_property": ("amount", [None]),
    "sign_document": ("sign", [None]),
}


def synthetic() -> list:
    """A base list of the template's shape, from SHAPE and PATTERNS."""
    from procuracy.organisation.models import BusinessLine
    from procuracy.powers.checks import ItemFields
    from procuracy.powers.models import Matter

    matters = {m.code: m for m in Matter.objects.all()}
    lines = {line.code: line for line in BusinessLine.objects.all()}
    items = []
    for code, (pattern, for_lines) in SHAPE.items():
        for line in for_lines:
            for holder, power, when_any, unless, low, high in PATTERNS[pattern]:
                n = len(items) + 1
                items.append(
                    ItemFields(
                        number=n,
                        code=f"JC-{n:03d}",
                        matter=matters[code],
                        holder=holder,
                        power=power,
                        business_line=lines[line] if line else None,
                        when_any=list(when_any),
                        unless=list(unless),
                        min_amount=low,
                        max_amount=high,
                        note="合成模板(基准测试)",
                    )
                )
    return items


def template() -> tuple[list, str]:
    """The shipped base template if it is there, else the synthetic one."""
    try:
        from procuracy.powers import tabular
    except ImportError:
        tabular = None
    if tabular is not None and TEMPLATE.exists():
        return list(tabular.read(TEMPLATE, "csv")), "procuracy/powers/data/base.csv"
    return synthetic(), "synthetic (the shape of a base list)"


def wider(items: list, times: int) -> list:
    """`times` × the items over `times` × the matters: every matter copied (a province may add
    matters), every item repeated for each copy. The items per matter stay the same."""
    from dataclasses import replace

    from procuracy.powers.models import Matter

    originals = list(Matter.objects.filter(number__lt=1000))
    copies = {}
    for k in range(2, times + 1):
        made = Matter.objects.bulk_create(
            Matter(
                code=f"{m.code}-{k}", number=1000 * k + m.number, name=f"{m.name}{k}", group=m.group
            )
            for m in originals
        )
        copies.update({(m.code.rsplit("-", 1)[0], k): m for m in made})
    out = list(items)
    for k in range(2, times + 1):
        for it in items:
            n = len(out) + 1
            out.append(
                replace(it, number=n, code=f"{it.code}-{k}", matter=copies[(it.matter.code, k)])
            )
    return out


def deeper(items: list, times: int) -> list:
    """`times` × the items within the same matters: each item split into case-type variants
    (C1 … C10), so a decision has `times` × the items to look at."""
    from dataclasses import replace

    out = []
    for it in items:
        for k in range(1, times + 1):
            types = [f"{t}-C{k}" for t in it.case_types] or [f"C{k}"]
            n = len(out) + 1
            out.append(replace(it, number=n, code=f"{it.code}-C{k}", case_types=types))
    return out


def issue(world, items: list, note: str):
    """A new version of the base list with `items`, approved and in force today."""
    from django.utils import timezone

    from procuracy.core.actors import Actor
    from procuracy.powers import services
    from procuracy.powers.models import PowerList

    system = Actor.system()
    power_list = PowerList.objects.filter(procuratorate=world.province, level="base").first()
    if power_list is None:
        power_list = services.create_list(
            actor=system, procuratorate=world.province, level="base", title="基层院权力清单"
        )
    version = services.draft_version(actor=system, power_list=power_list, items=items, note=note)
    return services.approve_version(
        actor=world.actor(world.province_chief),
        version=version,
        effective_from=timezone.localdate(),
        body="committee",
        reference="检委会〔2026〕第1次会议",
    )


# --- requests -----------------------------------------------------------------------------

POWERS = ["decide"] * 14 + ["review"] * 3 + ["sign"] * 2 + ["handle"]
AMOUNTS = [None, None, None, Decimal(5_000), Decimal(80_000), Decimal(990_000), Decimal(3_000_000)]


@dataclass(frozen=True)
class Facts:
    """The context as casbin's matcher function reads it."""

    line: str
    case_type: str
    flags: frozenset[str]
    amount: int  # fen


@dataclass
class Request:
    login: str  # "committee" when the committee decides
    actor: object
    matter: str
    power: str
    ctx: object  # engine Context
    facts: Facts


def fen(amount) -> int:
    return int(amount * 100) if amount is not None else 0


def requests(world, items: list, count: int, seed: int) -> list[Request]:
    """A fixed mix: people who hold powers and people who hold none, listed and unlisted
    matters, flags, business lines, case types and amounts."""
    from procuracy.organisation.models import BusinessLine
    from procuracy.powers.engine import Context
    from procuracy.powers.models import Flag, Matter

    rng = random.Random(seed)
    actors = [(a.login, a) for a in map(world.actor, people(world))]
    listed = sorted({it.matter.code for it in items})
    unlisted = sorted(set(Matter.objects.values_list("code", flat=True)) - set(listed))
    lines = list(BusinessLine.objects.values_list("code", flat=True))
    types = sorted({t for it in items for t in it.case_types}) or [f"C{k}" for k in range(1, 4)]
    out = []
    for _ in range(count):
        committee = rng.random() < 0.05
        login, actor = ("committee", actors[0][1]) if committee else rng.choice(actors)
        matter = rng.choice(unlisted if unlisted and rng.random() < 0.15 else listed)
        flags = frozenset(rng.sample(Flag.values, rng.choice([0, 0, 0, 1, 1, 2])))
        line = rng.choice(lines) if rng.random() < 0.5 else ""
        case_type = rng.choice(types) if rng.random() < 0.6 else ""
        amount = rng.choice(AMOUNTS)
        ctx = Context(
            procuratorate=world.base,
            business_line=line,
            case_type=case_type,
            flags=flags,
            amount=amount,
            body="committee" if committee else "",
        )
        facts = Facts(line, case_type, flags, fen(amount))
        out.append(Request(login, actor, matter, rng.choice(POWERS), ctx, facts))
    return out


def people(world) -> list:
    """Those who hold powers at the base, and some who hold none there (an assistant, a
    personnel officer, a prosecutor of another base)."""
    w = world
    return [w.chief, w.head, w.alice, w.bob, w.carol, w.dave, w.erin, w.grace, w.olga]


def roles(world) -> dict[str, frozenset[str]]:
    """Who holds what at the base, for the libraries' role data (the engine reads it itself)."""
    from procuracy.core.models import today
    from procuracy.powers.engine import Context, holders_of

    held = {}
    for s in people(world):
        actor = world.actor(s)
        held[actor.login] = holders_of(
            actor, world.base, today(), Context(procuratorate=world.base)
        )
    held["committee"] = frozenset({"committee"})
    return held


# --- casbin -------------------------------------------------------------------------------

CASBIN_MODEL = """
[request_definition]
r = sub, matter, power, ctx

[policy_definition]
p = priority, sub, matter, power, line, types, when_any, unless, low, high, eft

[role_definition]
g = _, _

[policy_effect]
e = priority(p.eft) || deny

[matchers]
m = (r.matter == p.matter && r.power == p.power || p.matter == "*") \
&& (p.sub == "*" || g(r.sub, p.sub)) \
&& applies(r.ctx, p.line, p.types, p.when_any, p.unless, p.low, p.high)
"""


@functools.cache
def _parsed(types: str, when_any: str, unless: str, low: str, high: str) -> tuple:
    return (
        frozenset(types.split()),
        frozenset(when_any.split()),
        frozenset(unless.split()),
        int(low) if low else None,
        int(high) if high else None,
    )


def casbin_applies(ctx: Facts, line, types, when_any, unless, low, high) -> bool:
    """An item's conditions against the request's facts (policy fields are strings)."""
    if line and ctx.line and line != ctx.line:
        return False
    types_, any_, unless_, low_, high_ = _parsed(types, when_any, unless, low, high)
    if types_ and ctx.case_type and ctx.case_type not in types_:
        return False
    if any_ and any_.isdisjoint(ctx.flags):
        return False
    if not unless_.isdisjoint(ctx.flags):
        return False
    if low_ is not None and ctx.amount < low_:
        return False
    return high_ is None or ctx.amount < high_


def casbin_enforcer(items: list, held: dict[str, frozenset[str]]):
    """Priority 1: an item's holder is allowed; 2: anyone else is refused when the item
    applies; 3: the chief is allowed (the default rule)."""
    import casbin

    def fields(it) -> list[str]:
        return [
            it.matter.code,
            it.power,
            it.business_line.code if it.business_line else "",
            " ".join(it.case_types),
            " ".join(it.when_any),
            " ".join(it.unless),
            str(fen(it.min_amount)) if it.min_amount is not None else "",
            str(fen(it.max_amount)) if it.max_amount is not None else "",
        ]

    enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=CASBIN_MODEL))
    enforcer.add_function("applies", casbin_applies)
    rules = [["1", it.holder, *fields(it), "allow"] for it in items]
    rules += [["2", "*", *fields(it), "deny"] for it in items]
    rules.append(["3", "chief", "*", "*", "", "", "", "", "", "", "allow"])
    enforcer.add_policies(rules)
    enforcer.get_model().sort_policies_by_priority()
    links = [[f"user:{login}", h] for login, hs in held.items() for h in sorted(hs)]
    if links:
        enforcer.add_grouping_policies(links)
    return enforcer


# --- Cedar --------------------------------------------------------------------------------


def cedar_condition(it) -> str:
    def strings(values) -> str:
        return json.dumps(sorted(values), ensure_ascii=False)

    parts = []
    if it.business_line:
        parts.append(f'(context.line == "" || context.line == "{it.business_line.code}")')
    if it.case_types:
        parts.append(
            f'(context.case_type == "" || {strings(it.case_types)}.contains(context.case_type))'
        )
    if it.when_any:
        parts.append(f"{strings(it.when_any)}.containsAny(context.flags)")
    if it.unless:
        parts.append(f"!({strings(it.unless)}.containsAny(context.flags))")
    if it.min_amount is not None:
        parts.append(f"context.amount >= {fen(it.min_amount)}")
    if it.max_amount is not None:
        parts.append(f"context.amount < {fen(it.max_amount)}")
    return " && ".join(parts)


def cedar_policies(items: list) -> str:
    out = []
    groups: dict[tuple[str, str], list[str]] = {}
    for it in items:
        when = cedar_condition(it)
        head = (
            f'@id("{it.code}")\npermit (principal in Role::"{it.holder}", '
            f'action == Action::"{it.power}", resource == Matter::"{it.matter.code}")'
        )
        out.append(f"{head}\nwhen {{ {when} }};" if when else f"{head};")
        groups.setdefault((it.matter.code, it.power), []).append(when)
    for (matter, power), conditions in groups.items():
        if "" in conditions:
            continue  # an item always applies: the default rule never does
        any_applies = " || ".join(f"({c})" for c in conditions)
        out.append(
            f'permit (principal in Role::"chief", action == Action::"{power}", '
            f'resource == Matter::"{matter}")\nunless {{ {any_applies} }};'
        )
    for power in ("decide", "review", "handle", "sign"):
        out.append(
            f'permit (principal in Role::"chief", action == Action::"{power}", resource)\n'
            f'unless {{ resource.listed.contains("{power}") }};'
        )
    return "\n\n".join(out)


def cedar_entities(items: list, held: dict[str, frozenset[str]]) -> list[dict]:
    from procuracy.powers.models import Holder, Matter

    listed: dict[str, set[str]] = {}
    for it in items:
        listed.setdefault(it.matter.code, set()).add(it.power)
    out = [{"uid": {"type": "Role", "id": h}, "attrs": {}, "parents": []} for h in Holder.values]
    for login, hs in held.items():
        parents = [{"type": "Role", "id": h} for h in sorted(hs)]
        out.append({"uid": {"type": "User", "id": login}, "attrs": {}, "parents": parents})
    for code in Matter.objects.values_list("code", flat=True):
        attrs = {"listed": sorted(listed.get(code, ()))}
        out.append({"uid": {"type": "Matter", "id": code}, "attrs": attrs, "parents": []})
    return out


def cedar_request(r: Request) -> dict:
    return {
        "principal": {"type": "User", "id": r.login},
        "action": {"type": "Action", "id": r.power},
        "resource": {"type": "Matter", "id": r.matter},
        "context": {
            "line": r.facts.line,
            "case_type": r.facts.case_type,
            "flags": sorted(r.facts.flags),
            "amount": r.facts.amount,
        },
    }


# --- timing -------------------------------------------------------------------------------


@dataclass
class Contender:
    name: str
    call: Callable
    args: list[tuple]
    per: int = 1  # requests answered by one call (a batch)
    before: Callable[[], object] | None = None  # untimed, before each call
    samples: list[int] | None = None

    def run(self, seconds: float) -> None:
        """Time calls one at a time, cycling through the arguments, for `seconds`."""
        samples = self.samples = self.samples if self.samples is not None else []
        call, args, n, before = self.call, self.args, len(self.args), self.before
        clock = time.perf_counter_ns
        gc.collect()
        deadline = time.monotonic() + seconds
        i = len(samples)
        start = i
        while i < MAX_CALLS and (i - start < MIN_CALLS // ROUNDS or time.monotonic() < deadline):
            a = args[i % n]
            if before is not None:
                before()
            t0 = clock()
            call(*a)
            samples.append(clock() - t0)
            i += 1

    def warm(self, calls: int) -> None:
        for i in range(calls):
            self.call(*self.args[i % len(self.args)])

    @property
    def median_us(self) -> float:
        return statistics.median(self.samples) / 1000 / self.per

    @property
    def p99_us(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000 / self.per


@dataclass
class Row:
    label: str
    items: int
    keys: int
    per_key: float
    most: int
    agreed: int
    asked: int
    allowed: int
    contenders: list[Contender]


def forget_facts() -> None:
    """Empty the engine's memo of the items that apply to a combination of facts, so that the
    next decision works them out from the candidates: the first decision on a new case."""
    from procuracy.powers import engine

    engine.forget_memos()


def measure_list(world, label: str, items: list, args) -> Row:
    import cedarpy

    from procuracy.powers.engine import authorize

    asked = requests(world, items, args.requests, args.seed)
    held = roles(world)
    enforcer = casbin_enforcer(items, held)
    policies = cedarpy.PolicySet.from_str(cedar_policies(items))
    entities = cedarpy.Entities.from_json_str(json.dumps(cedar_entities(items, held)))
    cedar_asked = [cedar_request(r) for r in asked]

    # The same answers from all three, or the timings mean nothing.
    mine = [authorize(r.actor, r.matter, r.ctx, r.power).allowed for r in asked]
    theirs = [enforcer.enforce(f"user:{r.login}", r.matter, r.power, r.facts) for r in asked]
    cedar = [cedarpy.is_authorized(q, policies, entities).allowed for q in cedar_asked]
    agreed = sum(a == b == c for a, b, c in zip(mine, theirs, cedar, strict=True))
    for r, a, b, c in zip(asked, mine, theirs, cedar, strict=True):
        if not a == b == c:
            print(f"  disagree: {r.login} {r.power} {r.matter} {r.facts}: {a} {b} {c}")
            break

    batches = [(cedar_asked[i : i + BATCH],) for i in range(0, len(cedar_asked), BATCH)]
    batches = [b for b in batches if len(b[0]) == BATCH]
    mine_args = [(r.actor, r.matter, r.ctx, r.power) for r in asked]
    contenders = [
        Contender("engine", authorize, mine_args),
        Contender("engine, new facts", authorize, mine_args, before=forget_facts),
        Contender(
            "casbin",
            enforcer.enforce,
            [(f"user:{r.login}", r.matter, r.power, r.facts) for r in asked],
        ),
        Contender(
            "cedar",
            cedarpy.is_authorized,
            [(q, policies, entities) for q in cedar_asked],
        ),
        Contender(
            "cedar batch",
            lambda qs: cedarpy.is_authorized_batch(qs, policies, entities),
            batches,
            per=BATCH,
        ),
    ]
    for c in contenders:
        c.warm(min(len(c.args), 1000))
    for _ in range(ROUNDS):
        for c in contenders:
            c.run(args.seconds / ROUNDS)
    per_key = Counter((it.matter.code, it.power) for it in items)
    return Row(
        label,
        len(items),
        len(per_key),
        len(items) / len(per_key),
        max(per_key.values()),
        agreed,
        len(asked),
        sum(mine),
        contenders,
    )


def report(rows: list[Row], source: str) -> int:
    print()
    print(f"template: {source}")
    print(f"{'list':<22} {'items':>6} {'items/key':>9} {'agree':>11} {'allowed':>7}")
    for row in rows:
        agree = f"{row.agreed}/{row.asked}"
        share = f"{row.allowed / row.asked:.0%}"
        print(
            f"{row.label:<22} {row.items:>6} {row.per_key:>5.1f} (≤{row.most:>2}) "
            f"{agree:>11} {share:>7}"
        )
    print()
    print(
        f"{'list':<22} {'contender':<18} {'calls':>8} {'median µs':>10} {'p99 µs':>9} "
        f"{'÷ engine':>9}"
    )
    for row in rows:
        engine = row.contenders[0].median_us
        for c in row.contenders:
            ratio = "" if c.name.startswith("engine") else f"{c.median_us / engine:8.1f}×"
            print(
                f"{row.label:<22} {c.name:<18} {len(c.samples):>8,} {c.median_us:>10.2f} "
                f"{c.p99_us:>9.2f} {ratio:>9}"
            )
    medians = [row.contenders[0].median_us for row in rows]
    ahead = min(
        c.median_us / row.contenders[0].median_us for row in rows for c in row.contenders[2:]
    )
    print()
    print(
        f"goal: median < {GOAL_US:g} µs: {'met' if max(medians) < GOAL_US else 'missed'} "
        f"(largest {max(medians):.2f} µs)"
    )
    for k, name in enumerate(("engine", "engine, new facts")):
        first = rows[0].contenders[k].median_us
        flat = ", ".join(
            f"{row.label} {row.contenders[k].median_us / first:.2f}×" for row in rows[1:]
        )
        print(f"goal: flat in the list's size ({name}, median ÷ the template's): {flat}")
    print(
        f"goal: ≥ {GOAL_AHEAD:g}× ahead of both libraries: "
        f"{'met' if ahead >= GOAL_AHEAD else 'missed'} (closest {ahead:.1f}×)"
    )
    return 0 if all(row.agreed == row.asked for row in rows) else 1


def measure(args) -> int:
    from django.conf import settings

    from procuracy.powers import engine

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from conftest import build_world

    world = build_world()
    items, source = template()
    shapes = [
        ("template", items),
        (f"{TIMES}× (more matters)", lambda: wider(items, TIMES)),
        (f"{TIMES}× (same matters)", lambda: deeper(items, TIMES)),
    ]
    rows = []
    for label, made in shapes:
        listed = made() if callable(made) else made
        issue(world, listed, f"bench: {label}")
        engine.forget()
        print(f"{label}: {len(listed)} items", flush=True)
        rows.append(measure_list(world, label, listed, args))
    return report(rows, source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per contender and list (3)")
    parser.add_argument("--requests", type=int, default=2000, help="distinct requests (2,000)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=SERVER,
        default=None,
        metavar="SERVER",
        help=f"a throwaway database on this PostgreSQL server ({SERVER}) instead of SQLite",
    )
    args = parser.parse_args()
    database = Database("bench_powers", args.postgres is None, args.postgres or SERVER)
    print(f"{database.engine}: {database.url}")
    run_in(database, lambda: measure(args))


if __name__ == "__main__":
    main()
