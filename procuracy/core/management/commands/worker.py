"""`procuracy worker`: the one process that runs scheduled work (jobs.py), tick after tick,
until SIGTERM or Ctrl-C; `--once` runs what is due and exits (for tests and cron)."""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from procuracy.core import jobs


class Command(BaseCommand):
    help = _("运行定时任务(清理过期会话等);--once 只运行一次到期任务后退出。")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("只运行一次到期的任务,然后退出"))
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help=_("两次检查之间的秒数(默认 PROCURACY_WORKER_TICK)"),
        )

    def handle(self, *args, once, tick, verbosity, **options):
        if verbosity >= 1:
            # Each run is logged at INFO; the project's root logger passes it to the console.
            jobs.log.setLevel(logging.INFO)
        jobs.autodiscover()
        if once:
            jobs.run_due()
            return
        self.serve(tick or settings.PROCURACY_WORKER_TICK, self._stop_on_signals())

    def _stop_on_signals(self) -> threading.Event:
        stop = threading.Event()

        def request_stop(signum, frame):
            jobs.log.info(
                "received %s, stopping after the current job", signal.Signals(signum).name
            )
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        return stop

    def serve(self, tick: float, stop: threading.Event) -> None:
        names = ", ".join(sorted(jobs.JOBS))
        jobs.log.info("worker started: %s job(s) (%s), tick %ss", len(jobs.JOBS), names, tick)
        while not stop.is_set():
            jobs.run_due()
            stop.wait(tick)
        jobs.log.info("worker stopped")
