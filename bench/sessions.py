"""Capacity benchmark: N real desk sessions at once, each a person at a loket.

Usage:  .venv/bin/python bench/sessions.py [--db URL] [--sessions 50] [--rounds 3] [--think 10]
                                          [--watchers 0] [--timeout 60] [--screens DIR]

Prepares the database (the migrated schema, an office with one loket per session, petugas
accounts ``bench001`` ...), then starts the real ``desk`` command once per session, each in its
own 80x24 pseudo-terminal (TERM=xterm-256color, as over SSH). The bench is their terminal: it
reads everything each desk writes, drops the escape sequences (cursor moves become line breaks)
and looks for what a person would look for on the screen.

Each session signs in at its own loket (username, Tab, password, Tab, Enter on the loket
choice, the loket's number typed, Enter, F10; each key once the screen shows the one before).
When all are signed in they start together and each repeats ``--rounds`` times, pausing
``--think`` seconds (0.5x-1.5x, at random) before each step:

    t             the service picker opens            (picker)
    H             "Tiket H-012 diambil"               (issue: the ticket issued)
    n             "Memanggil H-007 — Loket 3"         (call: the next ticket called here)
    l             "Berkas baru: ... Tiket H-007"      (serve: serving starts, the intake opens)
    Escape        the queue screen again              (back)
    s             "Selesaikan layanan tiket H-007?"   (confirm)
    y             "H-007 selesai dilayani."           (finish)

An action's latency runs from the key written to the terminal to the chunk of output showing
its result. An error is: a traceback, "Terjadi kesalahan", "Tidak berhasil", "tidak terduga",
"tidak dapat dibuka", an exception's name, "terputus" or "Tidak ada antrean" on a screen; a
desk that exits; a result not shown within ``--timeout`` seconds; a session at the wrong loket.

``--watchers K`` starts K more desks that sign in and stay on the queue screen without a key:
what one more desk following the queue costs while the others work.

Reported: errors; p50 / p95 / max latency per action kind; RSS and PSS of the sessions' processes
(sum of /proc/PID/smaps_rollup) signed in before the rounds and after them; their CPU seconds
(utime + stime of /proc/PID/stat, all threads) to start and sign in and in the rounds, per
session per minute and per round; bytes written to the terminals; the bench's own CPU (it
parses every terminal); on PostgreSQL the connections the desks hold. Then the database is
checked: ticket numbers per line 1..n with none twice, every ticket called once (its events)
by the loket whose screen showed the call and served by that session's account, every ticket
finished, counts equal to what the screens showed.

The database: a fresh SQLite file in a temp folder by default; ``--db postgresql://...`` gets a
fresh schema ``bench_<random>`` (dropped at the end). Exit 1 on any error or domain problem;
``--screens DIR`` keeps the last output (plain text) of each session with an error, and for a
result that never showed what the desk's threads were doing (``py-spy dump``, when installed).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database, percentile
from ptydesk import DESK, ScreenError, Session

PASSWORD = "bench12345"
SERVICE = "REK-PUB"
KINDS = ("sign-in", "issue", "call", "serve", "finish", "picker", "back", "confirm")
F10 = "\x1b[21~"

CODE = r"([A-Z]{1,4}-\d{3,})"


# -- what a person at the loket does --------------------------------------------------------------


async def sign_in(s: Session, timeout: float) -> None:
    """Wait for the login screen, then sign in as bench<no> at loket <no>."""
    s.doing = "start"
    await s.expect(r"Kata sandi", timeout)
    await s.expect(r"Loket 1\b", timeout)  # the loket choice (it may come after the form)
    s.samples["start"].append((time.perf_counter() - s.started) * 1000)
    await s.quiet(0.3, timeout)  # the form has focus once it is drawn; a person looks first
    s.doing = "sign-in"
    # each key waits for the screen to show the one before, as a person's eyes do: a key
    # typed while the focus is still moving would land in the field before
    await s.step("typing", f"bench{s.no:03d}", f"bench{s.no:03d}", timeout)
    s.type("\t")
    await s.quiet(0.2, timeout)  # the focus moved: the fields are drawn again
    await s.step("typing", PASSWORD, "•" * len(PASSWORD), timeout)
    s.type("\t")
    await s.quiet(0.2, timeout)
    await s.step("loket", "\r", r"Loket 2\b", timeout)  # the loket list opens
    s.type(str(s.no))  # the list jumps to the loket typed
    await s.quiet(0.2, timeout)
    await s.step("loket", "\r", rf"Loket {s.no}\b", timeout)
    await s.quiet(0.2, timeout)
    m = await s.step("sign-in", F10, r"·  Loket (\d+)  ·", timeout)
    if int(m.group(1)) != s.no:
        raise ScreenError(f"signed in at loket {m.group(1)}, not {s.no}")


async def serve_rounds(s: Session, rounds: int, think: float, letter: str, timeout: float,
                       rng: random.Random) -> None:
    """Issue, call, serve and finish ``rounds`` times."""

    async def pause() -> None:
        if think > 0:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    for r in range(1, rounds + 1):
        s.round = r
        await pause()
        await s.step("picker", "t", r"Ambil tiket: pilih layanan", timeout)
        await pause()
        try:
            m = await s.step("issue", letter, rf"Tiket {CODE} diambil", timeout, set(s.issued))
            s.issued.append(m.group(1))
        except ScreenError as exc:  # counted; the ticket may be there all the same: go on calling
            messages = s.errors.setdefault((s.round, s.doing), [])
            if str(exc) not in messages:
                messages.append(str(exc))
            s.issue_unseen += 1
        await pause()
        m = await s.step("call", "n", rf"Memanggil {CODE} — Loket (\d+)", timeout, set(s.called))
        code = m.group(1)
        if int(m.group(2)) != s.no:
            raise ScreenError(f"{code} shown as called to loket {m.group(2)}")
        s.called.append(code)
        await pause()
        await s.step("serve", "l", rf"Berkas baru: (?:.|\n){{0,300}}?Tiket {re.escape(code)}", timeout)
        await pause()
        await s.step("back", "\x1b", r"Ambil tiket", timeout)
        await pause()
        await s.step("confirm", "s", rf"Selesaikan layanan tiket {re.escape(code)}\?", timeout)
        await s.step("finish", "y", rf"{re.escape(code)} selesai dilayani", timeout)
        s.finished.append(code)
        s.rounds_done += 1


# -- the database --------------------------------------------------------------------------------


def prepare(url: str, tmp: Path, n: int) -> tuple[Path, str]:
    """The office with ``n`` loket and ``n`` petugas accounts; returns (config file, the prefix
    letter of the service the sessions take tickets for)."""
    from desk.config import load_config
    from desk.wiring import make_service

    toml = tmp / "desk.toml"
    toml.write_text(f'[kantor]\ncounters = {max(n, 3)}\n\n[suara]\nmesin = "mati"\n', encoding="utf-8")
    service = make_service(load_config(db=url, config_file=toml, data_dir=tmp))
    service.open()
    system = service.principal("sistem")
    for no in range(1, n + 1):
        service.add_staff(system, f"bench{no:03d}", f"Petugas Bench {no}", PASSWORD, "petugas")
    prefix = next(s.prefix for s in service.office_info().services if s.code == SERVICE)
    service.close()
    return toml, prefix


def _commit_latency(audits: list[tuple], sessions: list[Session]) -> dict[str, list[float]]:
    """Milliseconds from a key written to its audit row committed (the database's part of an
    action, known even when the screen never showed the result), for issue and call."""
    committed: dict[tuple[str, str], list[float]] = defaultdict(list)
    for action, username, at in audits:
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        committed[(action, username)].append(at.timestamp())
    out: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        for kind, action in (("issue", "ambil_tiket"), ("call", "panggil")):
            for sent, at in zip(s.sent.get(kind, []), committed.get((action, f"bench{s.no:03d}"), [])):
                out[kind].append((at - sent) * 1000)
    return out


def check_domain(url: str, toml: Path, tmp: Path, sessions: list[Session]) -> tuple[list[str], dict]:
    """Tickets in the database against what the sessions saw. Returns (problems, counts)."""
    from desk.config import load_config
    from desk.wiring import make_service

    service = make_service(load_config(db=url, config_file=toml, data_dir=tmp))
    service.open()
    db = service.db
    with service.ctx.connection():
        tickets = db.execute_sql(
            "SELECT t.id, t.day, t.line, t.number, t.code, t.status, c.number, s.username FROM ticket t "
            "LEFT JOIN counter c ON c.id = t.counter_id LEFT JOIN staff s ON s.id = t.staff_id").fetchall()
        events = db.execute_sql(f"SELECT kind, entity_id, payload FROM event WHERE kind LIKE {db.param}",
                                ("ticket.%",)).fetchall()
        audits = db.execute_sql(
            "SELECT a.action, s.username, a.at FROM audit_log a JOIN staff s ON s.id = a.staff_id "
            f"WHERE a.action IN ({db.param}, {db.param}) ORDER BY a.id", ("ambil_tiket", "panggil")).fetchall()
    service.close()
    problems: list[str] = []
    numbers: dict[tuple, list[int]] = defaultdict(list)
    by_code = {}
    for tid, day, line, number, code, status, loket, username in tickets:
        numbers[(str(day)[:10], line)].append(number)
        if code in by_code:
            problems.append(f"ticket code {code} given twice")
        by_code[code] = (tid, status, loket, username)
    for (day, line), got in sorted(numbers.items()):
        counts = Counter(got)
        twice = sorted(k for k, c in counts.items() if c > 1)
        missing = [k for k in range(1, max(got) + 1) if k not in counts]
        if twice:
            problems.append(f"line {line} {day}: numbers given twice {twice[:10]}")
        if missing:
            problems.append(f"line {line} {day}: numbers missing {missing[:10]}")
    calls: dict[int, list[int]] = defaultdict(list)
    kinds = Counter()
    for kind, entity_id, payload in events:
        kinds[kind] += 1
        if kind == "ticket.called":
            calls[entity_id].append(json.loads(payload or "{}").get("loket"))
    for tid, lokets in calls.items():
        if len(lokets) > 1:
            problems.append(f"ticket {tid} called {len(lokets)} times, by loket {lokets}")
    for s in sessions:
        for code in s.called:
            tid, status, loket, username = by_code.get(code, (None, None, None, None))
            if tid is None:
                problems.append(f"session {s.no} called {code}, which is not in the database")
                continue
            if calls.get(tid) != [s.no] or loket != s.no or username != f"bench{s.no:03d}":
                problems.append(f"{code}: seen called at loket {s.no}, the database says loket {loket} "
                                f"({username}), call events {calls.get(tid)}")
        for code in s.finished:
            if by_code.get(code, (0, ""))[1] != "selesai":
                problems.append(f"{code} finished at loket {s.no} is '{by_code.get(code, (0, None))[1]}'")
    issued = sum(len(s.issued) for s in sessions)
    pressed = sum(len(s.sent.get("issue", [])) for s in sessions)
    called = sum(len(s.called) for s in sessions)
    finished = sum(len(s.finished) for s in sessions)
    statuses = Counter(t[5] for t in tickets)
    commits = _commit_latency(audits, sessions)
    counts = {"commits": commits, "tickets": len(tickets), "pressed": pressed, "issued": issued,
              "called": called, "finished": finished,
              "selesai": statuses.get("selesai", 0), "menunggu": statuses.get("menunggu", 0),
              "call events": kinds.get("ticket.called", 0)}
    if len(tickets) != pressed:
        problems.append(f"{len(tickets)} tickets in the database, {pressed} issued at the desks")
    if kinds.get("ticket.called", 0) != called:
        problems.append(f"{kinds.get('ticket.called', 0)} call events, {called} calls on the screens")
    if statuses.get("selesai", 0) != finished:
        problems.append(f"{statuses.get('selesai', 0)} tickets selesai, {finished} finished on the screens")
    if len(tickets) - finished != statuses.get("menunggu", 0) + (called - finished):
        problems.append(f"statuses {dict(statuses)} do not add up to {issued} issued, {finished} finished")
    return problems, counts


class PgConnections:
    """Counts the connections to the PostgreSQL database of a URL through a connection opened
    before the desks start (they may take every one the server has). Nothing on SQLite."""

    def __init__(self, url: str) -> None:
        self.conn = None
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg2

            self.conn = psycopg2.connect(url.split("?")[0])
            self.conn.autocommit = True

    def count(self) -> int | None:
        """Connections to the database now, besides this one (None on SQLite)."""
        if self.conn is None:
            return None
        with self.conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cur.fetchone()[0] - 1

    def limit(self) -> str:
        """The server's max_connections (and the slots kept for superusers)."""
        if self.conn is None:
            return ""
        with self.conn.cursor() as cur:
            cur.execute("SELECT current_setting('max_connections'), current_setting('superuser_reserved_connections')")
            total, reserved = cur.fetchone()
        return f"max_connections {total}, {reserved} kept for superusers"

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# -- the run --------------------------------------------------------------------------------------


def totals(sessions: list[Session]) -> tuple[float, int, int]:
    """(CPU seconds, RSS KiB, PSS KiB) of the sessions' processes now."""
    cpu = sum(s.cpu_seconds() for s in sessions)
    mem = [s.memory_kib() for s in sessions]
    return cpu, sum(m[0] for m in mem), sum(m[1] for m in mem)


async def run(args: argparse.Namespace, env: dict[str, str], letter: str, url: str) -> dict:
    """Start the sessions, sign them in, run the rounds together; returns the figures."""
    loop = asyncio.get_running_loop()
    n = args.sessions
    figures: dict = {"pg": []}
    pg = PgConnections(url)
    figures["pg_limit"] = pg.limit()
    sessions: list[Session] = []
    bench0 = os.times()
    t_launch = time.perf_counter()
    for no in range(1, n + args.watchers + 1):
        transcript = None
        if args.transcripts:
            Path(args.transcripts).mkdir(parents=True, exist_ok=True)
            transcript = Path(args.transcripts) / f"session{no:03d}.txt"
        sessions.append(Session(no, env, loop, transcript))
        if args.launch_gap:
            await asyncio.sleep(args.launch_gap)
    figures["sessions"] = sessions

    async def guarded(s: Session, coro) -> bool:
        try:
            await coro
            return True
        except ScreenError as exc:
            messages = s.errors.setdefault((s.round, s.doing), [])
            if str(exc) not in messages:  # else _fail has it
                messages.append(str(exc))
        except OSError as exc:  # the terminal is gone
            s.errors.setdefault((s.round, s.doing), []).append(f"{type(exc).__name__}: {exc}")
        return False

    signed = await asyncio.gather(*(guarded(s, sign_in(s, args.timeout * 3)) for s in sessions))
    figures["signed_in"] = sum(signed)
    figures["sign_in_wall"] = time.perf_counter() - t_launch
    # the warm-up each desk runs after its login screen (calendar, fpdf2) ends: wait until
    # the desks are idle (the sum of their CPU below 3% of a core each over a second)
    deadline = time.perf_counter() + args.settle
    while time.perf_counter() < deadline:
        before = sum(s.cpu_seconds() for s in sessions)
        await asyncio.sleep(1.0)
        if sum(s.cpu_seconds() for s in sessions) - before < 0.03 * len(sessions):
            break
    figures["settled"] = time.perf_counter() - deadline + args.settle
    acting, watching = sessions[:n], sessions[n:]
    figures["cpu_start"], figures["rss_idle"], figures["pss_idle"] = totals(acting)
    watch0 = sum(s.cpu_seconds() for s in watching)
    bytes0 = [s.bytes_in for s in sessions]
    figures["pg"].append(pg.count())
    ready = [s for s, ok in zip(acting, signed[:n], strict=True) if ok]
    figures["load"] = [os.getloadavg()[0]]
    t0 = time.perf_counter()
    await asyncio.gather(*(guarded(s, serve_rounds(s, args.rounds, args.think, letter, args.timeout,
                                                   random.Random(s.no)))
                           for s in ready))
    figures["rounds_wall"] = time.perf_counter() - t0
    figures["load"].append(os.getloadavg()[0])
    cpu_end, figures["rss_end"], figures["pss_end"] = totals(acting)
    figures["cpu_rounds"] = cpu_end - figures["cpu_start"]
    figures["cpu_watchers"] = sum(s.cpu_seconds() for s in watching) - watch0
    written = [s.bytes_in - b for s, b in zip(sessions, bytes0, strict=True)]
    figures["bytes_acting"], figures["bytes_watching"] = sum(written[:n]), sum(written[n:])
    figures["pg"].append(pg.count())
    figures["bench_cpu"] = sum(os.times()[:2]) - sum(bench0[:2])
    await asyncio.sleep(0.5)  # a late error message still counts
    for s in sessions:
        s.close()
    pg.close()
    return figures


def main() -> int:
    """Run the sessions, print the figures, check the database; exit 1 on any error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--sessions", type=int, default=50, help="desk sessions at once")
    parser.add_argument("--rounds", type=int, default=3, help="issue-call-serve-finish rounds per session")
    parser.add_argument("--think", type=float, default=10.0,
                        help="seconds a person pauses before each step (0.5x-1.5x at random; 0 = none)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds an action may take")
    parser.add_argument("--launch-gap", type=float, default=0.0, help="seconds between starting two desks")
    parser.add_argument("--screens", default="", help="folder for the last output of sessions with errors")
    parser.add_argument("--watchers", type=int, default=0,
                        help="more desks, signed in on the queue screen, that only watch the others")
    parser.add_argument("--transcripts", default="",
                        help="folder for everything each desk wrote (plain text, with times and the keys)")
    parser.add_argument("--settle", type=float, default=120.0,
                        help="at most this many seconds for the desks to become idle after signing in")
    args = parser.parse_args()
    if DESK is None:
        print("the desk command is not installed in this environment (pip install -e .)")
        return 1
    n = args.sessions
    with tempfile.TemporaryDirectory(prefix="desk-sessions-") as tmpdir, \
            fresh_database(args.db, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        toml, letter = prepare(url, tmp, n + args.watchers)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24", DESK_DB=url,
                   DESK_DATA_DIR=str(tmp), DESK_CONFIG=str(toml), HOME=str(tmp),
                   XDG_CONFIG_HOME=str(tmp / "cfg"), XDG_DATA_HOME=str(tmp / "data"))
        for name in ("TEXTUAL", "NO_COLOR", "TMUX"):
            env.pop(name, None)
        backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"{n} desk sessions (80x24 pty) x {args.rounds} rounds (ticket {letter} = {SERVICE}, call, "
              f"serve, finish), think {args.think:g} s, on {backend} ({url.split('?')[0]}), "
              f"{os.cpu_count()} cores", flush=True)
        figures = asyncio.run(run(args, env, letter, url))
        sessions: list[Session] = figures["sessions"]
        problems, counts = check_domain(url, toml, tmp, sessions)

    errors = [(s.no, step, messages) for s in sessions for (_, step), messages in s.errors.items()]
    samples: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        for kind, values in s.samples.items():
            samples[kind] += values
    rounds = sum(s.rounds_done for s in sessions)
    wall = figures["rounds_wall"]
    minutes = wall / 60 if wall else float("nan")
    start = samples["start"] or [0.0]
    w = args.watchers
    print(f"signed in: {figures['signed_in']} of {n + w}, {figures['sign_in_wall']:.1f} s from the first launch "
          f"to the last sign-in; login form with its loket choice shown after p50 "
          f"{statistics.median(start) / 1000:.1f} s, max {max(start) / 1000:.1f} s; idle "
          f"{figures['settled']:.0f} s later")
    print(f"rounds: {rounds} of {n * args.rounds} in {wall:.1f} s ({rounds * 4 / minutes:.0f} counter actions "
          f"a minute); load average {figures['load'][0]:.1f} at the start, {figures['load'][1]:.1f} at the end")
    print(f"{'action':<10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in KINDS:
        values = samples.get(kind, [])
        if values:
            print(f"{kind:<10} {len(values):>6} {statistics.median(values):>8.0f} "
                  f"{percentile(values, 95):>8.0f} {max(values):>8.0f}")
    mib = 1024
    print(f"memory of the {n}: signed in, before the rounds RSS {figures['rss_idle'] / mib:.0f} MiB, "
          f"PSS {figures['pss_idle'] / mib:.0f} MiB; after RSS {figures['rss_end'] / mib:.0f} MiB, "
          f"PSS {figures['pss_end'] / mib:.0f} MiB ({figures['pss_end'] / mib / n:.1f} MiB PSS a session)")
    per_min = figures["cpu_rounds"] / n / minutes
    print(f"CPU of the {n}: {figures['cpu_start']:.1f} s to start and sign in; {figures['cpu_rounds']:.1f} s in "
          f"the rounds = {per_min:.2f} CPU s per session per minute ({100 * per_min / 60:.1f}% of a core each), "
          f"{figures['cpu_rounds'] / max(1, rounds):.2f} CPU s per round (its own desk and the others "
          f"following the queue)")
    print(f"terminal output: {figures['bytes_acting'] / n / minutes / 1024:.0f} KiB per session per minute")
    if w:
        print(f"{w} watching desks (signed in, queue screen, no keys): {figures['cpu_watchers'] / w / minutes:.2f} "
              f"CPU s and {figures['bytes_watching'] / w / minutes / 1024:.0f} KiB of terminal output each per "
              f"minute, {1000 * figures['cpu_watchers'] / w / max(1, rounds):.0f} CPU ms each per round of the others")
    print(f"the bench's own CPU (reading {n + w} terminals): {figures['bench_cpu']:.1f} s")
    if any(c is not None for c in figures["pg"]):
        print(f"PostgreSQL connections held by the desks (signed in / after the rounds): "
              f"{' / '.join(str(c) for c in figures['pg'])} ({figures['pg_limit']})")
    print(f"database: {counts['tickets']} tickets ({counts['pressed']} issued at the desks, {counts['issued']} "
          f"shown as issued, {counts['called']} called, {counts['finished']} finished on the screens; "
          f"{counts['selesai']} selesai, {counts['menunggu']} "
          f"menunggu, {counts['call events']} call events)")
    for kind, values in counts["commits"].items():
        print(f"{kind} committed (audit row) after the key: p50 {statistics.median(values):.0f} ms, "
              f"p95 {percentile(values, 95):.0f} ms, max {max(values):.0f} ms ({len(values)})")
    for problem in problems[:20]:
        print(f"  {problem}")
    print(f"errors: {len(errors)} (at most one per session, round and step) in "
          f"{len({no for no, _, _ in errors})} sessions")
    kinds: dict[tuple[str, str], list[int]] = defaultdict(list)
    for no, step, messages in errors:
        what = re.split(r"; screen:| on the screen:", messages[0])[0]
        kinds[(step, re.sub(r"[A-Z]\\-\d+|\d+", "#", what)[:160])].append(no)
    for (step, _), numbers in sorted(kinds.items(), key=lambda item: -len(item[1]))[:12]:
        first = next(m for no, st, m in errors if no == numbers[0] and st == step)
        numbers = sorted(set(numbers))
        print(f"  {len(numbers)} sessions, {step} (session {', '.join(map(str, numbers[:5]))}"
              f"{' ...' if len(numbers) > 5 else ''}), e.g.: {' | '.join(first)[:500]}")
    if errors and args.screens:
        folder = Path(args.screens)
        folder.mkdir(parents=True, exist_ok=True)
        for s in sessions:
            if s.errors:
                (folder / f"session{s.no:03d}.txt").write_text(s.tail, encoding="utf-8")
                if s.stacks:
                    (folder / f"session{s.no:03d}.stacks.txt").write_text(s.stacks, encoding="utf-8")
        print(f"  what the sessions with errors wrote last (plain text): {folder}/session*.txt"
              f"{'; a timed-out desk threads (py-spy dump): session*.stacks.txt' if any(s.stacks for s in sessions) else ''}")
    failed = bool(errors or problems or rounds != n * args.rounds)
    print(f"{'errors':<28} {len(errors):>5}  target 0  {'PASS' if not errors else 'FAIL'}")
    print(f"{'domain problems':<28} {len(problems):>5}  target 0  {'PASS' if not problems else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
