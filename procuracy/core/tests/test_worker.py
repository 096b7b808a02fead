"""The worker runs each scheduled job once per interval, remembers when in the data folder,
never runs a job twice at once, survives a failing job, and stops cleanly on SIGTERM."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from procuracy.core import jobs

NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def registry(db, settings, tmp_path, monkeypatch):
    """An empty job registry and a data folder of the test's own."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(jobs, "JOBS", {})
    return jobs.JOBS


def _counting(name: str, every: datetime.timedelta, runs: list):
    @jobs.job(name, every=every)
    def count():
        runs.append(name)

    return count


def test_a_job_runs_once_per_interval(registry):
    runs = []
    _counting("tally", datetime.timedelta(hours=1), runs)
    jobs.run_due(NOW)
    jobs.run_due(NOW + datetime.timedelta(minutes=59))
    assert runs == ["tally"]
    jobs.run_due(NOW + datetime.timedelta(hours=1))
    assert runs == ["tally", "tally"]


def test_when_a_job_last_ran_is_kept_in_the_data_folder(registry, tmp_path):
    _counting("tally", datetime.timedelta(days=1), [])
    jobs.run_due(NOW)
    state = jobs.load_state()
    assert state["tally"]["last_run"] == NOW.isoformat()
    assert state["tally"]["ok"] is True
    assert (tmp_path / "worker-state.json").exists()


def test_a_second_worker_skips_while_the_first_holds_the_lock(registry):
    runs = []
    _counting("tally", datetime.timedelta(hours=1), runs)
    with jobs.exclusive() as mine:
        assert mine
        assert jobs.run_due(NOW) == []
    assert runs == []
    assert [o.name for o in jobs.run_due(NOW)] == ["tally"]


def test_a_failing_job_is_recorded_and_the_others_still_run(registry, caplog):
    runs = []

    @jobs.job("broken", every=datetime.timedelta(hours=1))
    def broken():
        raise RuntimeError("disk full")

    _counting("tally", datetime.timedelta(hours=1), runs)
    outcomes = {o.name: o for o in jobs.run_due(NOW)}
    assert outcomes["broken"].ok is False
    assert "disk full" in outcomes["broken"].error
    assert runs == ["tally"]
    assert "job broken failed" in caplog.text
    # Tried again after its interval, not on every tick.
    assert jobs.run_due(NOW + datetime.timedelta(minutes=5)) == []


def test_two_jobs_cannot_share_a_name(registry):
    _counting("tally", datetime.timedelta(hours=1), [])
    with pytest.raises(ValueError):
        _counting("tally", datetime.timedelta(hours=2), [])


def test_worker_once_clears_expired_sessions(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    expired = SessionStore()
    expired.set_expiry(timezone.now() - datetime.timedelta(days=1))
    expired.create()
    alive = SessionStore()
    alive.create()
    call_command("worker", "--once", verbosity=0)
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert alive.session_key in keys
    assert expired.session_key not in keys
    assert jobs.load_state()["clear_sessions"]["ok"] is True


def test_the_worker_stops_cleanly_on_sigterm(tmp_path):
    procuracy = Path(sys.executable).with_name("procuracy")
    env = {**os.environ, "PROCURACY_DATA_DIR": str(tmp_path), "LOG_LEVEL": "INFO"}
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen(
        [str(procuracy), "worker", "--tick", "0.2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "worker-state.json").exists():
            assert worker.poll() is None, worker.stderr.read()
            assert time.monotonic() < deadline, "the worker never ran its jobs"
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert "worker stopped" in stderr
