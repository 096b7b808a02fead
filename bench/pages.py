"""Latency of the organisation tree and the staff list under 16 concurrent clients, next to
the minimal Django view (/healthz) on the same server in the same run.

    .venv/bin/python bench/pages.py                      # builds a demo database under /tmp
    .venv/bin/python bench/pages.py --data-dir DIR       # reuses (or builds) one there

It starts gunicorn (2 workers × 4 threads) on 127.0.0.1, signs in as the provincial chief
through the login form, sends a fixed number of requests to each page from 16 threads with
keep-alive connections, prints median and p99 per page and their ratio to /healthz (goal:
within 3×), and stops the server. Only 127.0.0.1 traffic.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

BIN = Path(sys.executable).parent
CLIENTS = 16
GOAL_RATIO = 3.0
LOGIN, PASSWORD = "province_chief", "demo-2026-procuracy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PROCURACY_DATA_DIR"] = str(data_dir)
    return env


def ensure_demo(data_dir: Path) -> None:
    env = env_for(data_dir)
    loaded = subprocess.run([str(BIN / "procuracy"), "demo", "--loaded"], env=env)
    if loaded.returncode != 0:
        print(f"building the demo province in {data_dir} …", flush=True)
        subprocess.run([str(BIN / "procuracy"), "demo", "--seed", "7"], env=env, check=True)


def urls(data_dir: Path) -> dict[str, str]:
    """The targets, by URL name (the project's URLconf decides the paths)."""
    os.environ.update(env_for(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procuracy.settings")
    import django

    django.setup()
    from django.urls import reverse

    return {
        "healthz": reverse("healthz"),
        "tree": reverse("organisation:tree"),
        "staff list": reverse("people:list"),
    }


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    argv = [str(BIN / "gunicorn"), "procuracy.wsgi", "-w", "2", "--threads", "4"]
    argv += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(argv, env=env_for(data_dir))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/healthz", "")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 30 s")


def get(port: int, path: str, cookie: str, conn=None) -> tuple[int, bytes]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read()


def sign_in(port: int, login_path: str) -> str:
    """The session cookie of the provincial chief, through the real form with its CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", login_path)
    page = conn.getresponse()
    body = page.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urlencode({"username": LOGIN, "password": PASSWORD, "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        login_path,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        },
    )
    answer = conn.getresponse()
    answer.read()
    session = re.search(r"sessionid=([^;]+)", answer.getheader("Set-Cookie", "") or "")
    if answer.status != 302 or session is None:
        sys.exit(f"sign-in as {LOGIN} failed ({answer.status})")
    return f"csrftoken={csrf_cookie}; sessionid={session.group(1)}"


def hammer(port: int, path: str, cookie: str, requests: int) -> list[float]:
    """`requests` GETs from CLIENTS threads, each on its own keep-alive connection."""
    latencies: list[float] = []
    lock = threading.Lock()
    share = [requests // CLIENTS + (i < requests % CLIENTS) for i in range(CLIENTS)]
    failures = []

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(n):
            started = time.perf_counter()
            status, _ = get(port, path, cookie, conn)
            mine.append(time.perf_counter() - started)
            if status != 200:
                failures.append(status)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(f"{path}: {len(failures)} answers were not 200 (e.g. {failures[0]})")
    return latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a data folder to reuse (or build in)")
    parser.add_argument("--requests", type=int, default=400, help="requests per page (400)")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="procuracy-pages-"))
    ensure_demo(data_dir)
    targets = urls(data_dir)
    port = free_port()
    server = start_server(data_dir, port)
    try:
        cookie = sign_in(port, "/login/")
        results = {}
        for name, path in targets.items():
            hammer(port, path, cookie, CLIENTS)  # warm up every worker thread
            results[name] = hammer(port, path, cookie, args.requests)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    base = statistics.median(results["healthz"])
    base99 = p99(results["healthz"])
    print(f"{CLIENTS} clients, {args.requests} requests per page, gunicorn -w 2 --threads 4")
    print(f"{'page':<11} {'path':<10} {'median ms':>9} {'p99 ms':>8} {'× healthz':>9} {'p99 ×':>6}")
    for name, path in targets.items():
        median, tail = statistics.median(results[name]), p99(results[name])
        print(
            f"{name:<11} {path:<10} {median * 1000:9.1f} {tail * 1000:8.1f} "
            f"{median / base:9.1f} {tail / base99:6.1f}"
        )
    worst = max(statistics.median(results[n]) / base for n in targets)
    verdict = "met" if worst <= GOAL_RATIO else "MISSED"
    print(f"goal: pages within {GOAL_RATIO:.0f}× healthz (median): {verdict}")


if __name__ == "__main__":
    main()
