"""Latency of inclusion and consistency proofs read from the stored subtrees, next to a
single-row primary-key SELECT on the same database in the same run.

    .venv/bin/python bench/ledger_proofs.py                     # PostgreSQL, 1,000,000 entries
    .venv/bin/python bench/ledger_proofs.py --sqlite --entries 100000

It fills a throwaway database (made here, dropped at the end) with synthetic entries through
the real appender (as bench/ledger_verify.py does), then, for a few hundred random leaves and
sizes, times `store.inclusion_proof(i, n)` and `store.consistency_proof(m, n)` at the full size
n, an inclusion proof against a random earlier size, and the baseline (`Act` by primary key
through the ORM), interleaved so that all four see the same machine. It prints median and
p95 in ms, the ratio of medians to the baseline, and whether each is under the 5 ms goal.
Every proof timed is then checked with the RFC 9162 verifiers; the script exits 1 if one
fails.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from ledger_verify import arguments, fill, open_database, run_in

GOAL_MS = 5.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def _met(ms: float) -> str:
    return "met" if ms < GOAL_MS else "MISSED"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def measure(entries: int, samples: int) -> int:
    from django.db import connection

    from procuracy.core.models import Act
    from procuracy.ledger import store
    from procuracy.ledger.merkle import ProofError, verify_consistency, verify_inclusion

    print(f"filling the log with {entries:,} synthetic entries …", flush=True)
    seconds = fill(entries)
    n = store.size()
    print(f"filled in {seconds:.0f} s", flush=True)
    rng = random.Random(7)
    first_pk = Act.objects.order_by("pk").values_list("pk", flat=True).first()

    def pk_select() -> object:
        pk = first_pk + rng.randrange(n)
        return Act.objects.filter(pk=pk).values_list("seq", flat=True).first()

    def raw_select() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM core_act WHERE id = %s", [first_pk + rng.randrange(n)])
            return cursor.fetchone()

    cases: dict[str, list[float]] = {
        "PK SELECT, ORM (baseline)": [],
        "PK SELECT, raw cursor": [],
        "inclusion_proof(i, n)": [],
        "consistency_proof(m, n)": [],
        "inclusion_proof(i, random size)": [],
    }
    checks: list[tuple[str, int, int, list[bytes]]] = []
    for k in range(samples + 20):  # the first 20 warm up the caches and are not kept
        i, m = rng.randrange(n), rng.randrange(1, n)
        earlier = rng.randrange(i + 1, n + 1)
        runs = [
            ("PK SELECT, ORM (baseline)", pk_select, None),
            ("PK SELECT, raw cursor", raw_select, None),
            ("inclusion_proof(i, n)", partial(store.inclusion_proof, i, n), ("i", i, n)),
            ("consistency_proof(m, n)", partial(store.consistency_proof, m, n), ("c", m, n)),
            (
                "inclusion_proof(i, random size)",
                partial(store.inclusion_proof, i, earlier),
                ("i", i, earlier),
            ),
        ]
        for label, fn, check in runs:
            ms, result = timed(fn)
            if k >= 20:
                cases[label].append(ms)
                if check is not None:
                    checks.append((*check, result))

    failures = 0
    roots: dict[int, bytes] = {}
    for what, a, size, proof in checks:
        root_n = roots.setdefault(size, store.root(size))
        try:
            if what == "i":
                verify_inclusion(a, size, store.leaf_hash(a), proof, root_n)
            else:
                verify_consistency(a, size, roots.setdefault(a, store.root(a)), root_n, proof)
        except ProofError as failure:
            failures += 1
            print(f"a proof failed to verify ({what}, {a}, {size}): {failure}")

    base = statistics.median(cases["PK SELECT, ORM (baseline)"])
    print()
    print(f"{n:,} entries, {samples} samples each, interleaved ({connection.vendor})")
    print(f"{'':<32} {'median ms':>9} {'p95 ms':>7} {'× PK':>5}  goal < {GOAL_MS:g} ms")
    for label, values in cases.items():
        median, tail = statistics.median(values), p95(values)
        verdict = ""
        if label.startswith(("inclusion", "consistency")):
            verdict = f"median {_met(median)}, p95 {_met(tail)}"
        print(f"{label:<32} {median:9.2f} {tail:7.2f} {median / base:5.1f}  {verdict}")
    print(f"{len(checks)} proofs checked with the RFC 9162 verifiers: {failures} failed")
    return 1 if failures else 0


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--samples", type=int, default=400, help="timed calls of each (400)")
    args = parser.parse_args()
    run_in(open_database("bench_proofs", args), lambda: measure(args.entries, args.samples))


if __name__ == "__main__":
    main()
