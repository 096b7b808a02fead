"""How long `procuracy demo` takes, and how much memory, next to a baseline measured in the
same run: bulk-inserting the very rows the demo wrote (Staff, memberships, acts …) with
`bulk_create`, i.e. what the build would cost without the service spine.

    .venv/bin/python bench/demo_build.py                       # SQLite only
    .venv/bin/python bench/demo_build.py --postgres URL        # and PostgreSQL (emptied!)

Each build runs in its own subprocess with a fresh PROCURACY_DATA_DIR under /tmp; wall time
and the child's peak RSS come from wait4 (the per-child form of getrusage(RUSAGE_CHILDREN)).
The goal is under 60 s for the province on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCURACY = Path(sys.executable).with_name("procuracy")
GOAL_SECONDS = 60

# The tables the demo writes, parents first; BusinessLine rows come with the migrations.
TABLES = [
    "organisation.Procuratorate",
    "organisation.Department",
    "organisation.Department_business_lines",
    "auth.User",
    "people.Staff",
    "people.Posting",
    "people.Position",
    "people.Absence",
    "people.GradeRecord",
    "people.RankRecord",
    "people.QuotaRecord",
    "caseorgs.CaseHandlingOrg",
    "caseorgs.Membership",
    "core.Act",
]


def _env(data_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PROCURACY_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _measure(argv: list[str], env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MiB and stdout of one child process."""
    started = time.monotonic()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if child.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{output}")
    return wall, usage.ru_maxrss // 1024, output


def build(data_dir: Path, database_url: str | None) -> dict:
    wall, rss, output = _measure(
        [str(PROCURACY), "demo", "--seed", "7", "--reset"], _env(data_dir, database_url)
    )
    calls = next((line for line in output.splitlines() if "次业务操作" in line), "")
    return {"seconds": wall, "rss_mib": rss, "summary": calls.strip()}


def baseline(source: Path, data_dir: Path, database_url: str | None) -> dict:
    """Bulk-insert the rows of the SQLite demo database at `source` into a fresh database."""
    argv = [sys.executable, __file__, "--insert-rows-from", str(source)]
    wall, rss, output = _measure(argv, _env(data_dir, database_url))
    result = json.loads(output.strip().splitlines()[-1])
    return {"seconds": result["seconds"], "rows": result["rows"], "rss_mib": rss, "wall": wall}


# --- the baseline's child process ---------------------------------------------------------


def _rows(source: Path, table: str) -> list[dict]:
    with sqlite3.connect(source) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f'SELECT * FROM "{table}" ORDER BY 1')]


def _instances(model, rows: list[dict]) -> list:
    """Model instances from SQLite rows: JSON decoded, times made aware (SQLite keeps UTC)."""
    from django.db.models import DateTimeField, JSONField

    fields = {f.column: f for f in model._meta.concrete_fields}
    made = []
    for row in rows:
        values = {}
        for column, value in row.items():
            field = fields[column]
            if isinstance(field, JSONField) and isinstance(value, str):
                value = json.loads(value)
            elif isinstance(field, DateTimeField) and isinstance(value, str):
                value = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
            values[field.attname] = value
        made.append(model(**values))
    return made


def insert_rows_from(source: Path) -> None:
    """Runs in the child: migrate, empty, then time one bulk_create per table."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procuracy.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import transaction

    from procuracy.demo import province

    call_command("migrate", verbosity=0)
    province.reset()
    loaded = {}
    for label in TABLES:
        app, name = label.split(".")
        if name == "Department_business_lines":
            model = apps.get_model("organisation", "Department").business_lines.through
        else:
            model = apps.get_model(app, name)
        loaded[model] = _instances(model, _rows(source, model._meta.db_table))
    started = time.monotonic()
    with transaction.atomic():
        for model, objects in loaded.items():
            model.objects.bulk_create(objects, batch_size=500)
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "rows": sum(len(o) for o in loaded.values())}))


# --- the report ---------------------------------------------------------------------------


def run(engine: str, database_url: str | None, work: Path, sqlite_source: Path | None) -> dict:
    demo_dir = work / f"{engine}-demo"
    demo_dir.mkdir()
    result = build(demo_dir, database_url)
    source = sqlite_source or demo_dir / "procuracy.sqlite3"
    base_dir = work / f"{engine}-baseline"
    base_dir.mkdir()
    result["baseline"] = baseline(source, base_dir, database_url)
    result["source"] = source
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also build on this PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the data folders under /tmp")
    parser.add_argument("--insert-rows-from", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.insert_rows_from:
        insert_rows_from(args.insert_rows_from)
        return
    work = Path(tempfile.mkdtemp(prefix="procuracy-bench-"))
    results = {"SQLite": run("sqlite", None, work, None)}
    if args.postgres:
        results["PostgreSQL"] = run("postgres", args.postgres, work, results["SQLite"]["source"])
    print(
        f"{'database':<11} {'demo s':>7} {'peak MiB':>8} {'bulk rows':>9} {'bulk s':>7} "
        f"{'ratio':>6}  goal"
    )
    for engine, r in results.items():
        b = r["baseline"]
        verdict = "met" if r["seconds"] < GOAL_SECONDS else "MISSED"
        print(
            f"{engine:<11} {r['seconds']:7.1f} {r['rss_mib']:8d} {b['rows']:9,d} "
            f"{b['seconds']:7.2f} {r['seconds'] / b['seconds']:5.0f}×  <{GOAL_SECONDS}s {verdict}"
        )
        print(f"{'':<11} {r['summary']}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
