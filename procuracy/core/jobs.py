"""Scheduled work: a registry of jobs, each with an interval, and `run_due(now)`, which runs
every job whose interval has passed since its last run. Only `procuracy worker` calls it;
web requests never run jobs.

Apps declare their jobs in a `jobs.py` module with `@job(name, every=timedelta(...))`; the
worker imports them all (`autodiscover`). When each job last ran is kept in a small JSON file
in the data folder, beside a lock file, so that two workers never run the same job at once.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger("procuracy.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    run: Callable[[], object]


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""


JOBS: dict[str, Job] = {}


def job(name: str, *, every: datetime.timedelta):
    """Register the decorated function as a job that runs once per `every`."""
    if every <= datetime.timedelta(0):
        raise ValueError("a job's interval must be positive")

    def register(fn: Callable[[], object]) -> Callable[[], object]:
        if name in JOBS and JOBS[name].run is not fn:
            raise ValueError(f"two jobs are named {name!r}")
        JOBS[name] = Job(name, every, fn)
        return fn

    return register


def autodiscover() -> None:
    """Import every installed app's `jobs` module, so that its jobs register."""
    autodiscover_modules("jobs")


# --- when each job last ran ---------------------------------------------------------------


def state_path() -> Path:
    return Path(settings.DATA_DIR) / "worker-state.json"


def load_state() -> dict[str, dict]:
    try:
        return json.loads(state_path().read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        log.warning("ignoring an unreadable %s", state_path())
        return {}


def _save_state(state: dict[str, dict]) -> None:
    """Write-then-rename, so a crash never leaves half a file."""
    path = state_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, path)


@contextlib.contextmanager
def exclusive():
    """Yields True while this process holds the worker lock, False if another one does."""
    path = Path(settings.DATA_DIR) / "worker.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_due(job: Job, state: dict[str, dict], now: datetime.datetime) -> bool:
    last = state.get(job.name, {}).get("last_run")
    return last is None or now - datetime.datetime.fromisoformat(last) >= job.every


def _fresh_connections() -> None:
    """Between jobs a long-running worker drops broken or expired connections, as Django does
    between requests; never inside a transaction (a caller's, or a test's), which it would end."""
    if not connection.in_atomic_block:
        close_old_connections()


def _run(job: Job) -> Outcome:
    started = time.monotonic()
    _fresh_connections()
    try:
        job.run()
    except Exception as failure:
        log.exception("job %s failed", job.name)
        return Outcome(job.name, False, time.monotonic() - started, repr(failure))
    finally:
        _fresh_connections()
    seconds = time.monotonic() - started
    log.info("job %s done in %.2fs", job.name, seconds)
    return Outcome(job.name, True, seconds)


def run_due(now: datetime.datetime | None = None) -> list[Outcome]:
    """Run the jobs that are due at `now`, in name order; a failed job counts as run (it is
    tried again after its interval, not on every tick). Returns what ran: nothing if another
    worker holds the lock."""
    now = now or timezone.now()
    with exclusive() as mine:
        if not mine:
            log.info("another worker is running jobs; skipping this tick")
            return []
        state = load_state()
        outcomes = []
        for job in sorted(JOBS.values(), key=lambda j: j.name):
            if not is_due(job, state, now):
                continue
            outcome = _run(job)
            state[job.name] = {
                "last_run": now.isoformat(),
                "ok": outcome.ok,
                "seconds": round(outcome.seconds, 3),
                "error": outcome.error,
            }
            _save_state(state)
            outcomes.append(outcome)
        return outcomes


# --- the core's own jobs ------------------------------------------------------------------


@job("clear_sessions", every=datetime.timedelta(days=1))
def clear_sessions() -> None:
    """Delete expired sign-in sessions (Django's clearsessions)."""
    call_command("clearsessions")
