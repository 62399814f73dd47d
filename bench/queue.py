"""Queue benchmark: latency of the counter's queue calls, the board's propagation, throughput
with many loket, and the error of the estimated wait on a simulated day.

Usage:  .venv/bin/python bench/queue.py [--db URL] [--processes 16] [--seconds 5] [--tickets 120]

- issue / call latency: a fresh process opens the desk and times ``issue_ticket`` and
  ``call_next`` (p50/p95, ms);
- board propagation: another process calls tickets; this process's ``event_feed()`` receives
  ``ticket.called`` and reads ``board_state`` (the waiting-room board's real path); the delay
  from the caller's commit to the board state read (p50/p95, ms);
- throughput: ``--processes`` processes, each its own loket, issue, call and finish for
  ``--seconds`` seconds: tickets finished per second;
- the estimate: :func:`simulate_day` runs a day of Poisson arrivals over three lines and three
  loket with lognormal service times through the real domain calls on a fake clock, records
  the estimate printed on each ticket (``models.queue.waiting_ahead``, the ticket printer's
  path) and the wait it really had; prints the mean absolute error (minutes) and the median
  relative error (error / max(actual wait, 5 minutes)).

The database: a fresh SQLite file in a temp folder by default; ``--db postgresql://...`` gets a
fresh schema ``bench_<random>`` (dropped at the end).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import heapq
import math
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# this file is named like the standard library's queue (which multiprocessing imports): keep
# bench/ behind the standard library on the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))

from benchdb import fresh_database, percentile

from desk.config import Config
from desk.wiring import make_service
from models.settings import OfficeSettings

#: The simulated day's lines: service code -> mean service minutes at the loket.
SIM_LINES = {"REK-PUB": 6.0, "REK-LKS": 9.0, "VETERAN": 12.0}
PASSWORD = "bench12345"


# -- the simulated day ---------------------------------------------------------------------------


class FakeClock:
    """A clock the simulation moves (aware datetimes)."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current


@dataclasses.dataclass
class DayResult:
    """What a simulated day measured: per ticket (estimated minutes, actual minutes)."""

    pairs: list[tuple[float, float]]
    unserved: int

    @property
    def mean_abs_error(self) -> float:
        return statistics.fmean(abs(e - a) for e, a in self.pairs) if self.pairs else 0.0

    @property
    def median_rel_error(self) -> float:
        return statistics.median(abs(e - a) / max(a, 5.0) for e, a in self.pairs) if self.pairs else 0.0

    @property
    def mean_actual(self) -> float:
        return statistics.fmean(a for _, a in self.pairs) if self.pairs else 0.0


def _sessions(desk, loket: int) -> list:
    system = desk.principal("sistem")
    sessions = []
    for no in range(1, loket + 1):
        username = f"sim{no:02d}"
        desk.add_staff(system, username, f"Petugas Simulasi {no}", PASSWORD, "petugas")
        sessions.append(desk.login(username, PASSWORD, no))
    return sessions


def simulate_day(desk, clock, seed: int, *, tickets: int = 120, hours: float = 7.5, loket: int = 3,
                 lines: dict[str, float] | None = None, start: dt.time = dt.time(8, 0),
                 sigma: float = 0.4, skip_history: bool = False) -> DayResult:
    """Run one office day through the real domain calls on a fake clock.

    Arrivals are a Poisson process (``tickets`` expected over ``hours``), each for one of
    ``lines`` (service code -> mean service minutes) at random; ``loket`` loket call the next
    ticket as soon as they are free (or when a ticket arrives while they are idle), start
    serving at once and finish after a lognormal service time around the line's mean.

    Args:
        desk: An opened DeskService with at least ``loket`` loket, whose clock is ``clock``.
        clock: The desk's clock; an object with a settable ``current`` (aware datetime).
        seed: Random seed (the same seed gives the same day).

    Returns:
        The estimate printed on each ticket and the wait it had, in minutes.
    """
    from models.queue import waiting_ahead

    rng = random.Random(seed)
    lines = lines or SIM_LINES
    codes = list(lines)
    tz = clock.current.tzinfo
    day0 = dt.datetime.combine(clock.current.date(), start, tzinfo=tz)
    if day0 < clock.current:
        day0 += dt.timedelta(days=1)
    rate = tickets / (hours * 60.0)
    arrivals, t = [], rng.expovariate(rate)
    while t < hours * 60.0:
        arrivals.append(t)
        t += rng.expovariate(rate)
    sessions = _sessions(desk, loket)
    kiosk = desk.principal("kiosk")
    # events: (minute, order, kind, data); kind 0 = a loket finishes, 1 = an arrival
    heap: list = [(a, i, 1, rng.choice(codes)) for i, a in enumerate(arrivals)]
    heapq.heapify(heap)
    order = len(heap)
    idle = list(range(loket))
    estimate: dict[int, float] = {}
    issued: dict[int, float] = {}
    actual: dict[int, float] = {}

    def at(minute: float) -> None:
        clock.current = day0 + dt.timedelta(minutes=minute)

    def call(k: int, minute: float) -> bool:
        nonlocal order
        ticket = desk.call_next(sessions[k])
        if ticket is None:
            return False
        actual[ticket.id] = minute - issued[ticket.id]
        desk.start_serving(sessions[k], ticket.id)
        mean = lines[ticket.service_code]
        minutes = rng.lognormvariate(math.log(mean) - sigma ** 2 / 2, sigma)
        order += 1
        heapq.heappush(heap, (minute + minutes, order, 0, (k, ticket.id)))
        return True

    while heap:
        minute, _, kind, data = heapq.heappop(heap)
        at(minute)
        if kind == 1:
            ticket = desk.issue_ticket(kiosk, data)
            issued[ticket.id] = minute
            with desk.ctx.connection():
                _, _, wait = waiting_ahead(desk.ctx, ticket.id)
            estimate[ticket.id] = float(wait or 0)
            for k in sorted(idle):
                if call(k, minute):
                    idle.remove(k)
                    break
        else:
            k, ticket_id = data
            desk.finish_ticket(sessions[k], ticket_id)
            if not call(k, minute):
                idle.append(k)
    pairs = [(estimate[i], actual[i]) for i in estimate if i in actual]
    at(hours * 60.0 + 120)
    return DayResult(pairs=pairs, unserved=len(estimate) - len(pairs))


# -- processes ---------------------------------------------------------------------------------------


def _latency(config: Config, runs: int, results) -> None:
    """A fresh process: time issue_ticket and call_next."""
    service = make_service(config)
    service.open()
    session = service.login("sim01", PASSWORD, 1)
    kiosk = service.principal("kiosk")
    issue, call = [], []
    for _ in range(runs):
        begin = time.perf_counter()
        service.issue_ticket(kiosk, "REK-PUB")
        issue.append((time.perf_counter() - begin) * 1000)
    for _ in range(runs):
        begin = time.perf_counter()
        service.call_next(session)
        call.append((time.perf_counter() - begin) * 1000)
    service.close()
    results.put({"issue": issue, "call": call})


def _caller(config: Config, count: int, ready, results) -> None:
    """Another desk: call ``count`` tickets, 30-80 ms apart; note each commit time."""
    service = make_service(config)
    service.open()
    session = service.login("sim02", PASSWORD, 2)
    ready.wait(60)
    rng = random.Random(2)
    committed: dict[str, float] = {}
    for _ in range(count):
        time.sleep(rng.uniform(0.03, 0.08))
        ticket = service.call_next(session)
        committed[ticket.code] = time.time()
    service.close()
    results.put(committed)


def _worker(config: Config, no: int, seconds: float, barrier, results) -> None:
    """One loket for ``seconds``: take a ticket, call, serve, finish."""
    service = make_service(config)
    service.open()
    session = service.login(f"sim{no:02d}", PASSWORD, no)
    kiosk = service.principal("kiosk")
    codes = list(SIM_LINES)
    done = errors = 0
    barrier.wait(120)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            service.issue_ticket(kiosk, codes[done % len(codes)])
            ticket = service.call_next(session)
            if ticket is not None:
                service.start_serving(session, ticket.id)
                service.finish_ticket(session, ticket.id)
                done += 1
        except Exception:  # noqa: BLE001 - counted, the bench goes on
            errors += 1
    service.close()
    results.put((done, errors))


def _spawn(target, *args):
    process = mp.get_context("spawn").Process(target=target, args=args)
    process.start()
    return process


def run(url: str, processes: int, seconds: float, tickets: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(url, Path(tmp)) as db_url:
        office = dataclasses.replace(OfficeSettings(), counters=max(3, processes))
        config = Config(data_dir=Path(tmp), db_url=db_url, office=office, output_dir=Path(tmp) / "dokumen")
        service = make_service(config)
        service.open()
        system = service.principal("sistem")
        for no in range(1, max(3, processes) + 1):
            service.add_staff(system, f"sim{no:02d}", f"Petugas Simulasi {no}", PASSWORD, "petugas")
        ctx = mp.get_context("spawn")
        print(f"database: {'PostgreSQL' if 'postgres' in db_url else 'SQLite'}")

        results = ctx.Queue()
        p = _spawn(_latency, config, 200, results)
        lat = results.get(timeout=300)
        p.join()
        for kind in ("issue", "call"):
            s = lat[kind]
            print(f"{kind:<6} latency: p50 {percentile(s, 50):6.2f} ms  p95 {percentile(s, 95):6.2f} ms")

        count = 100
        kiosk = service.principal("kiosk")
        for _ in range(count):
            service.issue_ticket(kiosk, "REK-LKS")
        ready = ctx.Event()
        p = _spawn(_caller, config, count, ready, results)
        feed = service.event_feed()
        feed.wait(0.05)
        ready.set()
        board = service.principal("papan")
        seen: dict[str, float] = {}
        deadline = time.monotonic() + 120
        while len(seen) < count and time.monotonic() < deadline:
            got = [e for e in feed.wait(0.5) if e.kind == "ticket.called"]
            if got:
                service.board_state(board)
                now = time.time()
                for event in got:
                    seen.setdefault(event.payload["kode"], now)
        committed = results.get(timeout=120)
        p.join()
        feed.close()
        delays = [(seen[c] - t) * 1000 for c, t in committed.items() if c in seen]
        print(f"board  propagation (commit -> board state read): p50 {percentile(delays, 50):6.2f} ms  "
              f"p95 {percentile(delays, 95):6.2f} ms  missing {count - len(delays)}")

        barrier = ctx.Barrier(processes)
        workers = [_spawn(_worker, config, no, seconds, barrier, results) for no in range(1, processes + 1)]
        outcome = [results.get(timeout=seconds + 300) for _ in workers]
        for w in workers:
            w.join()
        done, errors = sum(o[0] for o in outcome), sum(o[1] for o in outcome)
        print(f"throughput: {processes} loket, {seconds:.0f} s: {done / seconds:.1f} tickets/s "
              f"(issue, call, serve, finish), {errors} errors")
        service.close()

    with tempfile.TemporaryDirectory() as tmp, fresh_database(url, Path(tmp)) as db_url:
        config = Config(data_dir=Path(tmp), db_url=db_url, office=OfficeSettings(), output_dir=Path(tmp) / "dokumen")
        clock = FakeClock(dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        service = make_service(config, clock=clock)
        service.open()
        begin = time.perf_counter()
        for day in range(2):
            result = simulate_day(service, clock, seed=day + 1, tickets=tickets)
            print(f"simulated day {day + 1} ({'no history' if day == 0 else 'with history'}): "
                  f"{len(result.pairs)} tickets, mean wait {result.mean_actual:.1f} min, estimate: "
                  f"mean absolute error {result.mean_abs_error:.1f} min, median relative error "
                  f"{result.median_rel_error:.2f}")
        print(f"(two simulated days took {time.perf_counter() - begin:.1f} s)")
        service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--tickets", type=int, default=120, help="tickets of the simulated day")
    args = parser.parse_args()
    run(args.db, args.processes, args.seconds, args.tickets)


if __name__ == "__main__":
    main()
