"""Benchmark: commissioners saving action statuses at the same time, through gunicorn on loopback.

    .venv/bin/python benchmarks/bench_concurrent_edits.py --sessions 20 50
    .venv/bin/python benchmarks/bench_concurrent_edits.py --db sqlite:////tmp/bench_edits.sqlite3 --sessions 20

1. A throwaway database (--db, dropped at the end) is migrated and the core and priorities seeds loaded;
   static files are collected into a temporary folder so gunicorn runs with DEBUG off, as in production.
2. gunicorn serves the portal on 127.0.0.1 on a free port (--workers x --threads; 2 x 2 by default, the
   Procfile's for two CPUs; the issue's figures were taken with --workers 4 --threads 4).
3. For each --sessions count, that many commissioners log in through the login page (django-axes is on:
   failed logins must stay at zero). Each session then repeatedly opens an action's status form, waits
   (--think, a person reading and typing) and saves a status change with a comment, then lands on the
   page the save redirects to: --requests saves each, all within --max-seconds. --hot sessions edit
   the SAME action and the others share an action --per-action, so saves race and the optimistic lock
   turns some into conflicts (shown to the user, nothing saved: expected and fine).
4. Prints p50/p95/max of the status POSTs, of the landing page and of both together, the saves,
   conflicts and errors, and the LOST UPDATES: a save the server accepted (302) must have its status
   update (found by its comment) and its own history record (one new version per accepted save, no
   version skipped or repeated, each change starting from the status the previous one left). A save
   recorded but not acknowledged to the user is counted too. Also the CPU used meanwhile: by gunicorn's
   workers (per request answered), by the simulated users, by PostgreSQL for the benchmark's database and
   by every other process: a busy machine (another job running) slows the server, so compare figures taken
   with "other processes" near zero.

Loopback only; stops gunicorn and drops the database however it ends.
"""

from __future__ import annotations

import argparse
import html
import http.client
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import ROOT, prepare  # noqa: E402

PASSWORD = "bench-password-Edits-2024"
STATUSES = ["Not started", "In progress", "Launched", "On hold", "Complete", "Cancelled"]
CONFLICT_TEXT = "Someone else changed this action"
TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu_seconds(arbiter_pid: int) -> float:
    """CPU time (user + system) used so far by gunicorn's workers, from /proc (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == arbiter_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(db_name: str) -> dict[int, float]:
    """CPU time used so far by each PostgreSQL backend serving `db_name` (by pid), from /proc (Linux)."""
    used = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f" {db_name} ".encode() not in cmdline.read_bytes() + b" ":
                continue
            fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[int(cmdline.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def machine_busy_seconds() -> float:
    """CPU time (all CPUs, every process) spent busy since boot, from /proc/stat (Linux)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class Browser:
    """One user's cookies over plain HTTP/1.1 to 127.0.0.1 (a new connection per request)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str, float]:
        """Send one request; returns status, headers, body and the time to the last byte (ms)."""
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # gunicorn stands in for the TLS proxy: the portal's production settings expect https.
            "X-Forwarded-Proto": "https",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = (time.perf_counter() - start) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, dict(response.headers), text, elapsed

    @staticmethod
    def hidden(page: str, name: str) -> str:
        match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
        if value is None:
            raise ValueError(f"no {name} field on the page")
        return html.unescape(value.group(1))

    def login(self, username: str) -> None:
        status, _, page, _ = self.request("GET", "/login/")
        assert status == 200, status
        token = self.hidden(page, "csrfmiddlewaretoken")
        status, headers, _, _ = self.request(
            "POST", "/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")


@dataclass
class Results:
    post_ms: list[float] = field(default_factory=list)
    landing_ms: list[float] = field(default_factory=list)
    post_and_landing_ms: list[float] = field(default_factory=list)
    form_ms: list[float] = field(default_factory=list)
    saved: list[tuple[int, str]] = field(default_factory=list)  # (action pk, comment) of accepted saves
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def edit_session(
    browser: Browser,
    *,
    action_pk: int,
    tag: str,
    args,
    deadline: float,
    start: threading.Barrier,
    results: Results,
    seed: int,
) -> None:
    """Open the status form, think, save a change, land on the redirect target; --requests times."""
    rng = random.Random(seed)
    form_path = f"/priorities/actions/{action_pk}/status/"
    start.wait(timeout=TIMEOUT)
    time.sleep(rng.uniform(0, args.think))  # people do not all press save in the same millisecond
    for i in range(args.requests):
        if time.monotonic() >= deadline:
            break
        try:
            status, _, page, ms = browser.request("GET", form_path)
            if status != 200:
                raise RuntimeError(f"form GET: HTTP {status}")
            form = {
                "csrfmiddlewaretoken": browser.hidden(page, "csrfmiddlewaretoken"),
                "version": browser.hidden(page, "version"),
                "status": rng.choice(STATUSES),
                "comment": f"{tag}-{seed}-{i}",
                "evidence_url": "",
                "progress_note": "",
            }
            with results.lock:
                results.form_ms.append(ms)
            time.sleep(rng.uniform(0.5, 1.5) * args.think)
            status, headers, page, post_ms = browser.request("POST", form_path, form)
            if status == 302:
                with results.lock:
                    results.saved.append((action_pk, form["comment"]))
                status, _, _, landing_ms = browser.request("GET", headers["Location"])
                if status != 200:
                    raise RuntimeError(f"landing page GET: HTTP {status}")
                with results.lock:
                    results.post_ms.append(post_ms)
                    results.landing_ms.append(landing_ms)
                    results.post_and_landing_ms.append(post_ms + landing_ms)
            elif status == 200 and CONFLICT_TEXT in page:
                with results.lock:
                    results.conflicts += 1
                    results.post_ms.append(post_ms)
                    results.post_and_landing_ms.append(post_ms)
            else:
                raise RuntimeError(f"status POST: HTTP {status}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown, none stops the run
            with results.lock:
                results.errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(rng.uniform(0.5, 1.5) * args.think / 2)


def make_commissioners(n: int, tag: str, teams) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from sufficiency.roles import COMMISSIONER

    User = get_user_model()
    hashed = make_password(PASSWORD)  # hashed once: the same password for every user
    group = Group.objects.get(name=COMMISSIONER)
    names = []
    for i in range(n):
        user = User.objects.create(username=f"{tag}-commissioner-{i}", password=hashed)
        user.groups.add(group)
        user.teams.add(*teams)
        names.append(user.username)
    return names


def check_lost_updates(results: Results, tag: str, start_versions: dict[int, int]) -> dict[str, int]:
    """Compare what the server acknowledged with what the database recorded."""
    from priorities.models import Action, StatusUpdate

    acknowledged = {comment for _, comment in results.saved}
    recorded = set(
        StatusUpdate.objects.filter(comment__startswith=f"{tag}-").values_list("comment", flat=True)
    )
    saved_per_action: dict[int, int] = {}
    for pk, _ in results.saved:
        saved_per_action[pk] = saved_per_action.get(pk, 0) + 1
    missing_history = overwrites = 0
    for pk, start_version in start_versions.items():
        records = list(
            Action.history.filter(id=pk, version__gt=start_version).order_by("version", "history_id")
        )
        versions = [r.version for r in records]
        expected = saved_per_action.get(pk, 0)
        missing_history += max(0, expected - len(records))
        # Each accepted save is one new version: none repeated, none skipped, the row ends on the last.
        if versions != list(range(start_version + 1, start_version + 1 + len(records))):
            overwrites += 1
        previous = Action.history.filter(id=pk, version=start_version).order_by("-history_id").first()
        for record in records:
            match = re.match(r"Status: (.*) → (.*)$", record.history_change_reason or "")
            if previous is not None and match and match.group(1) != previous.status:
                overwrites += 1  # this save started from a status that was not the latest
            previous = record
        if Action.objects.get(pk=pk).version != start_version + len(records):
            overwrites += 1
    return {
        "lost": len(acknowledged - recorded) + missing_history,
        "overwrites": overwrites,
        "unacknowledged": len(recorded - acknowledged),
    }


def run(port: int, arbiter_pid: int, sessions: int, args, gunicorn_label: str) -> None:
    from axes.models import AccessAttempt

    from priorities.models import Action

    tag = f"s{sessions}-{int(time.time())}"

    def action_of(session: int) -> int:
        return 0 if session < args.hot else 1 + (session - args.hot) // args.per_action

    n_actions = action_of(sessions - 1) + 1
    actions = list(Action.objects.active().order_by("pk")[:n_actions])
    if len(actions) < n_actions:
        raise SystemExit(f"only {len(actions)} active actions: lower --sessions or raise --per-action")
    teams = {a.owner_team for a in actions}
    names = make_commissioners(sessions, tag, teams)
    start_versions = {a.pk: a.version for a in actions}

    browsers = [Browser(port) for _ in names]
    t = time.perf_counter()
    login_errors = []

    def login(i: int) -> None:
        try:
            browsers[i].login(names[i])
        except Exception as exc:  # noqa: BLE001
            login_errors.append(str(exc))

    for chunk in range(0, sessions, 4):  # four at a time: password hashing is slow on purpose
        threads = [threading.Thread(target=login, args=(i,)) for i in range(chunk, min(chunk + 4, sessions))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    login_s = time.perf_counter() - t
    failures = AccessAttempt.objects.count()
    for i, browser in enumerate(browsers):  # warm-up, not timed: every worker has served these pages
        action_path = f"/priorities/actions/{actions[action_of(i)].pk}/"
        for path in (action_path + "status/", action_path):
            browser.request("GET", path)

    results = Results()
    barrier = threading.Barrier(sessions + 1)
    deadline = time.monotonic() + args.max_seconds
    threads = [
        threading.Thread(
            target=edit_session,
            kwargs={
                "browser": browsers[i],
                "action_pk": actions[action_of(i)].pk,
                "tag": tag,
                "args": args,
                "deadline": deadline,
                "start": barrier,
                "results": results,
                "seed": i,
            },
            daemon=True,
        )
        for i in range(sessions)
    ]
    for th in threads:
        th.start()
    barrier.wait(timeout=TIMEOUT)
    t = time.perf_counter()
    cpu = server_cpu_seconds(arbiter_pid)
    busy, client_cpu = machine_busy_seconds(), time.process_time()
    db_name = args.db.rsplit("/", 1)[1] if args.db.startswith("postgres") else None
    db_cpu = database_cpu_seconds(db_name) if db_name else {}
    for th in threads:
        th.join(timeout=max(1.0, deadline - time.monotonic() + TIMEOUT))
    run_s = time.perf_counter() - t
    cpu = server_cpu_seconds(arbiter_pid) - cpu
    busy, client_cpu = machine_busy_seconds() - busy, time.process_time() - client_cpu
    # Backends that started meanwhile count from zero; one that ended meanwhile is missed (they are kept open).
    db_cpu = sum(
        t - db_cpu.get(pid, 0.0) for pid, t in (database_cpu_seconds(db_name) if db_name else {}).items()
    )
    check = check_lost_updates(results, tag, start_versions)

    def line(label: str, values: list[float]) -> str:
        return (
            f"  {label:<28} p50 {pct(values, 50):7.1f} ms   p95 {pct(values, 95):7.1f} ms   "
            f"max {max(values, default=math.nan):7.1f} ms   (n={len(values)})"
        )

    posts = len(results.saved) + results.conflicts
    print(
        f"\n{sessions} sessions on {gunicorn_label}: {min(args.hot, sessions)} on one action, the others "
        f"{args.per_action} per action ({n_actions} actions); {args.requests} saves each, "
        f"think {args.think:g} s; {run_s:.1f} s"
    )
    print(
        f"  logins: {sessions - len(login_errors)} of {sessions} in {login_s:.1f} s; "
        f"failed logins recorded by axes: {failures}"
    )
    print(
        f"  status POSTs: {posts} answered, {len(results.saved)} saved, {results.conflicts} conflicts shown, "
        f"{len(results.errors)} errors ({posts / run_s:.1f} saves tried per second)"
    )
    answered = len(results.form_ms) + posts + len(results.landing_ms)
    print(
        f"  server CPU (gunicorn workers): {cpu:.1f} s for {answered} requests, "
        f"{cpu * 1000 / max(answered, 1):.1f} ms per request; {cpu / run_s:.2f} of {os.cpu_count()} CPUs busy"
    )
    # The rest of the machine: anything else running meanwhile slows the server down.
    print(
        f"  machine: {busy / run_s:.2f} of {os.cpu_count()} CPUs busy: the server {cpu / run_s:.2f}, "
        f"these simulated users {client_cpu / run_s:.2f}, PostgreSQL for this database {db_cpu / run_s:.2f}, "
        f"other processes {max(0.0, busy - cpu - client_cpu - db_cpu) / run_s:.2f}"
    )
    print(line("status POST", results.post_ms))
    print(line("landing page after a save", results.landing_ms))
    print(line("POST + landing page", results.post_and_landing_ms))
    print(line("status form GET", results.form_ms))
    print(
        f"  lost updates: {check['lost']}   overwrites: {check['overwrites']}   "
        f"saved but not acknowledged: {check['unacknowledged']}"
    )
    for error in sorted(set(results.errors))[:5]:
        print(f"  error: {error} (x{results.errors.count(error)})")
    if login_errors:
        print(f"  login error: {login_errors[0]} (x{len(login_errors)})")


def production_env(static_root: str) -> dict[str, str]:
    """Settings as in production (DEBUG off), with throwaway secrets and no https redirect on loopback."""
    return {
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "PSEUDONYM_KEY": "benchmark-only-pseudonym-key-" + "y" * 40,
        "STATIC_ROOT": static_root,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def start_gunicorn(args, port: int, static_root: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, **production_env(static_root), "DATABASE_URL": args.db}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sufficiency.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--chdir",
        str(ROOT),
        "--graceful-timeout",
        "5",
        "--timeout",
        "60",
        "--error-logfile",
        str(log_path),
    ]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    probe = Browser(port)
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log_path}")
        try:
            if probe.request("GET", "/login/")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own process group: the arbiter and its workers only
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def drop_database(db_url: str) -> None:
    from django.db import connections

    connections.close_all()
    if db_url.startswith("postgres"):
        name = db_url.rsplit("/", 1)[1]
        base = db_url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", base, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)
    elif db_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/bench_concurrent_edits")
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--requests", type=int, default=20, help="saves per session (at most)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per --sessions run")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a person spends on the form, on average (0: saves back to back)",
    )
    parser.add_argument("--hot", type=int, default=5, help="sessions all editing the first action")
    parser.add_argument("--per-action", type=int, default=2, help="sessions sharing each other action")
    # The Procfile's default (WEB_CONCURRENCY=2, WEB_THREADS=2). On a 2-CPU machine 2 x 4 answered 50 sessions
    # faster than 4 x 4 (the set-up), and 2 x 2 faster again: status POST p95 about 110 ms against
    # 170-185 ms, landing page about 125 against 205 ms (fewer threads contending for each process's GIL).
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not all(0 < n <= 200 for n in args.sessions) or not 0 < args.requests <= 200:
        parser.error("--sessions and --requests must be between 1 and 200")
    args.max_seconds = min(args.max_seconds, 300.0)

    prepare(args.db)
    from priorities.seed import load_seed

    load_seed()
    tmp = tempfile.mkdtemp(prefix="bench_edits_")
    proc = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **production_env(tmp)},
        )
        port = free_port()
        proc = start_gunicorn(args, port, tmp, Path(tmp) / "gunicorn.log")
        label = f"gunicorn {args.workers} workers x {args.threads} threads ({os.cpu_count()} CPUs)"
        for sessions in args.sessions:
            run(port, proc.pid, sessions, args, label)
        log = (Path(tmp) / "gunicorn.log").read_text()
        problems = [ln for ln in log.splitlines() if "ERROR" in ln or "Traceback" in ln]
        print(
            f"\ngunicorn log: {len(problems)} error lines" + (f"; first: {problems[0]}" if problems else "")
        )
    finally:
        stop(proc)
        drop_database(args.db)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
