"""Event delivery benchmark: from a commit in one desk process to its delivery in another.

Usage:  .venv/bin/python bench/events.py [--db URL] [--events 200] [--writers 1] [--gap 20-80]

Two processes on one database, as two desks (or a desk and the waiting-room board) run:

- a listener opens the desk's event feed (``service.event_feed()``) and loops
  ``feed.wait(1.0)``, as the desk's listener worker does, noting ``time.time()`` when each
  ``ticket.issued`` event arrives (its payload's ``kode`` names the ticket);
- a writer (the ticket kiosk) takes ``--events`` tickets at irregular intervals (20-80 ms
  apart, random; ``--gap MIN-MAX``) and notes ``time.time()`` just after each ``issue_ticket``
  returns (it has committed by then). ``--writers N`` runs N such kiosks at once (each takes
  ``--events`` tickets, for REK-PUB, REK-LKS, VETERAN in turn: different services number their
  tickets apart, so their transactions overlap), as several desks of one office commit at once.

The delay per ticket is delivery time minus commit time. Prints p50/p95/max, the events
missing (committed, never delivered), delivered twice or out of commit order, and the CPU the
listener used while waiting (a busy loop would show here).

The database: a fresh SQLite file in a temp folder by default; ``--db sqlite:////path`` uses that
file as it is; ``--db postgresql://...`` gets a fresh schema ``bench_<random>`` (dropped at the
end).

Targets (issue 6): delivery p95 <= 250 ms, 0 events missing. Prints PASS/FAIL per target; exits
1 when one is missed.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database, percentile  # noqa: E402

from desk.config import Config  # noqa: E402
from desk.wiring import make_service  # noqa: E402
from models.demo import prepare_demo  # noqa: E402
from models.settings import OfficeSettings  # noqa: E402

#: Services the writers take tickets for (writer i: SERVICES[i % 3]); each has its own ticket
#: number sequence, so several writers' transactions really overlap.
SERVICES = ("REK-PUB", "REK-LKS", "VETERAN")
P95_TARGET_MS = 250.0


def listener(config: Config, ready, stop, results) -> None:
    """Wait for events as a desk does; put {kode: [delivery times]}, the order of ids and the
    CPU seconds used on ``results``."""
    try:
        service = make_service(config)
        service.open()
        feed = service.event_feed()
        feed.wait(0.05)  # connected, positioned after what is already there
        if not feed.connected:
            raise RuntimeError(f"the feed did not connect: {feed.error}")
        delivered: dict[str, list[float]] = {}
        ids: list[int] = []
        errors: list[str] = []
        ready.set()
        cpu0, wall0 = os.times(), time.monotonic()
        while not stop.is_set():
            got = feed.wait(1.0)
            now = time.time()
            if feed.error:
                errors.append(feed.error)
            for event in got:
                ids.append(event.id)
                if event.kind == "ticket.issued":
                    delivered.setdefault(event.payload.get("kode", "?"), []).append(now)
        cpu1, wall1 = os.times(), time.monotonic()
        feed.close()
        service.close()
        results.put({"delivered": delivered, "ids": ids, "errors": errors,
                     "cpu": (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system), "wall": wall1 - wall0})
    except Exception:  # noqa: BLE001
        ready.set()
        results.put({"error": traceback.format_exc()})


def writer(config: Config, count: int, seed: int, gap: tuple[float, float], service_code: str, results) -> None:
    """Take ``count`` tickets at the kiosk, ``gap`` ms apart (random); put {kode: (time before the
    call, time after it returned)} on ``results``."""
    try:
        rng = random.Random(seed)
        service = make_service(config)
        service.open()
        kiosk = service.principal("kiosk")
        service.issue_ticket(kiosk, service_code)  # first-call costs out of the way (not measured)
        committed: dict[str, float] = {}
        failures: list[str] = []
        time.sleep(0.5)
        for _ in range(count):
            time.sleep(rng.uniform(*gap) / 1000)
            before = time.time()
            try:
                ticket = service.issue_ticket(kiosk, service_code)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            committed[ticket.code] = (before, time.time())
        service.close()
        results.put({"committed": committed, "failures": failures})
    except Exception:  # noqa: BLE001
        results.put({"error": traceback.format_exc()})


def main() -> int:
    """Run a listener and a writer process; print the delays; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--events", type=int, default=200, help="tickets taken by the writer")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random intervals")
    parser.add_argument("--writers", type=int, default=1, help="writer processes (each takes --events tickets)")
    parser.add_argument("--gap", default="20-80", help="milliseconds between two tickets, MIN-MAX")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for late events")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    gap = tuple(float(x) for x in args.gap.split("-", 1))
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmpdir, fresh_database(args.db, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        config = Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen")
        service = make_service(config)
        service.open()
        prepare_demo(service, with_samples=False)
        backend = "PostgreSQL" if service.ctx.postgres else "SQLite"
        service.close()
        print(f"{args.writers} writer(s) x {args.events} tickets, {args.gap} ms apart (seed {seed}), "
              f"and a listener process on {backend} "
              f"({url.split('?')[0]})", flush=True)

        ctx = mp.get_context("spawn")
        ready, stop = ctx.Event(), ctx.Event()
        from_listener, from_writer = ctx.Queue(), ctx.Queue()
        listen = ctx.Process(target=listener, args=(config, ready, stop, from_listener))
        listen.start()
        if not ready.wait(120):
            print("the listener did not start")
            listen.kill()
            return 1
        writers = [ctx.Process(target=writer, args=(config, args.events, seed + i, gap,
                                                        SERVICES[i % len(SERVICES)], from_writer))
                   for i in range(args.writers)]
        for p in writers:
            p.start()
        reports = [from_writer.get(timeout=1800) for _ in writers]
        for p in writers:
            p.join(60)
        time.sleep(args.grace)  # let the last events arrive
        stop.set()
        heard = from_listener.get(timeout=60)
        listen.join(60)
        for p in (listen, *writers):
            if p.is_alive():
                p.kill()

    for who, report in [("writer", r) for r in reports] + [("listener", heard)]:
        if "error" in report:
            print(f"the {who} failed:\n{report['error']}")
            return 1
    wrote = {"committed": {code: at for r in reports for code, at in r["committed"].items()},
             "failures": [f for r in reports for f in r["failures"]]}
    committed, delivered = wrote["committed"], heard["delivered"]
    # the warm-up ticket (taken before the measured ones) is not counted
    delays = [(delivered[code][0] - after) * 1000 for code, (_, after) in committed.items() if code in delivered]
    bounds = [(delivered[code][0] - before) * 1000 for code, (before, _) in committed.items() if code in delivered]
    missing = sorted(code for code in committed if code not in delivered)
    twice = sorted(code for code, times in delivered.items() if len(times) > 1)
    ids = heard["ids"]
    out_of_order = sum(1 for a, b in zip(ids, ids[1:]) if b <= a)
    print(f"committed {len(committed)}, delivered {len(delays)}, missing {len(missing)}"
          f"{' ' + ', '.join(missing[:10]) if missing else ''}, delivered twice {len(twice)}, "
          f"out of order {out_of_order}, writer failures {len(wrote['failures'])}")
    for failure in wrote["failures"][:5]:
        print(f"  writer: {failure}")
    for error in sorted(set(heard["errors"]))[:5]:
        print(f"  feed: {error}")
    if delays:
        print(f"delay commit -> delivery: p50 {statistics.median(delays):.1f} ms, "
              f"p95 {percentile(delays, 95):.1f} ms, max {max(delays):.1f} ms, min {min(delays):.1f} ms "
              f"(from the writer's call returning; negative: delivered before it returned)")
        print(f"upper bound, from the writer's call starting: p50 {statistics.median(bounds):.1f} ms, "
              f"p95 {percentile(bounds, 95):.1f} ms, max {max(bounds):.1f} ms")
    print(f"listener CPU while waiting: {100 * heard['cpu'] / heard['wall']:.1f}% of a core "
          f"over {heard['wall']:.1f} s")
    p95 = percentile(delays, 95) if delays else float("inf")
    rows = [("delivery p95", p95 <= P95_TARGET_MS, f"{p95:.1f} ms", f"<= {P95_TARGET_MS:.0f} ms"),
            ("events missing", not missing, str(len(missing)), "0")]
    if wrote["failures"]:
        rows.append(("writer errors", False, str(len(wrote["failures"])), "0"))
    failed = False
    for name, ok, value, target in rows:
        failed |= not ok
        print(f"{name:<16} {value:>10}  target {target:<10} {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
