"""Concurrency benchmark: N desk processes doing the counter's work on one database at once.

Usage:  .venv/bin/python bench/concurrency.py [--db URL] [-n 4|16|50] [--actions 5] [--same-applicant]

Each process is one loket (its own staff account, signed in at its own loket, fpdf2 and the
holiday calendar loaded as a desk does after its login screen shows). All processes start
together (a barrier), then each does the counter action ``--actions`` times:

    take a ticket (REK-PUB), call next (serve whatever ticket is called, maybe another loket's
    one), open the case with that ticket, tick the 6 required berkas, decide (lengkap: register
    number), print the letter (letter number + PDF)

= 11 domain calls per action; 50 processes x 5 actions = 2,750 calls. Prints the throughput,
p50/p95/max per call kind, the errors (any exception, e.g. "database is locked"), and then
checks the database: ticket numbers per (office, day, prefix), register numbers per (office,
year) and letter numbers per (office, year) are each 1..n with no duplicate and no gap, each
number's sequence counter matches, and every numbered letter has its PDF on disk.

The database: a fresh SQLite file in a temp folder by default; ``--db sqlite:////path`` uses that
file as it is; ``--db postgresql://...`` gets a fresh schema ``bench_<random>`` (dropped at the
end). Applicants differ per action (distinct NIKs); ``--same-applicant`` makes every action
serve the same organisation (one applicant row written by every process).

Targets (issue 6): 0 errors and 0 duplicate/missing numbers at 50 processes, on SQLite and on
PostgreSQL. Prints PASS/FAIL per target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import re
import statistics
import string
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database, percentile, walk_to_issue  # noqa: E402

from desk.config import Config  # noqa: E402
from desk.wiring import make_service  # noqa: E402
from models.demo import prepare_demo  # noqa: E402
from models.dto import ApplicantInput  # noqa: E402
from models.settings import OfficeSettings  # noqa: E402

SERVICE = "REK-PUB"
CALLS = ("issue_ticket", "call_next", "open_case", "set_item", "decide", "finish_step", "print_product")
PASSWORD = "bench12345"


# -- the database -----------------------------------------------------------------------------


def applicant(index: int, same: bool) -> ApplicantInput:
    """The applicant of action ``index``: a distinct valid NIK (or always the same one)."""
    if same:
        nik, org = "6403051507800003", "Yayasan X"
    else:
        serial, day = index % 9999 + 1, (index // 9999) % 28 + 1
        nik, org = f"640305{day:02d}0780{serial:04d}", f"Yayasan Bench {index}"
    return ApplicantInput(kind="organisasi", nik=nik, name="Budi Santoso", address="Jl. A", desa="Timbau",
                          kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", org_name=org)


# -- one desk process ---------------------------------------------------------------------------


def _count_letter_renders() -> list[int]:
    """Count letter renderings in this process (a letter is rendered again when another desk
    took the number it was rendered with). Returns a one-item list updated in place."""
    from models import lettertext

    count = [0]
    render = lettertext.render

    def counted(*args, **kwargs):
        count[0] += 1
        return render(*args, **kwargs)

    lettertext.render = counted
    return count


def worker(no: int, config: Config, actions: int, same: bool, barrier, results) -> None:
    """One loket: prepare like a desk that has just signed in, wait for the common start, then
    do ``actions`` counter actions, timing every call. Puts a dict on ``results``."""
    report: dict = {"no": no, "samples": defaultdict(list), "errors": [], "empty_calls": 0,
                    "actions_done": 0, "issued": 0, "letters": 0}
    try:
        service = make_service(config)
        service.open()
        username = f"bench{no:03d}"
        service.add_staff(service.principal("sistem"), username, f"Petugas Bench {no}", PASSWORD, "petugas")
        session = service.login(username, PASSWORD, no)
        service.warm_up()
        statements0, opened0 = service.ctx.statements, service.db.opened
        renders = _count_letter_renders()
    except Exception:  # noqa: BLE001 - report, and release the others
        report["setup_error"] = traceback.format_exc()
        barrier.abort()
        results.put(report)
        return
    try:
        barrier.wait(timeout=600)
    except Exception:  # noqa: BLE001
        report["setup_error"] = "barrier broken (another process failed to start)"
        results.put(report)
        return
    report["start"] = time.time()

    def call(kind: str, fn, *args):
        begin = time.perf_counter()
        try:
            return True, fn(*args)
        except Exception as exc:  # noqa: BLE001 - every failure a user would see counts
            first = (str(exc).strip().splitlines() or [""])[0]
            report["errors"].append((kind, f"{type(exc).__name__}: {first}"[:200]))
            return False, None
        finally:
            report["samples"][kind].append((time.perf_counter() - begin) * 1000)

    for k in range(actions):
        ok, _ticket = call("issue_ticket", service.issue_ticket, session, SERVICE)
        if not ok:
            continue
        report["issued"] += 1
        ok, called = call("call_next", service.call_next, session)
        if not ok:
            continue
        if called is None:  # a ticket of ours is waiting at least: "nobody waiting" is wrong
            report["empty_calls"] += 1
            report["errors"].append(("call_next", "call_next returned None with tickets waiting"))
        ok, case = call("open_case", service.open_case, session, SERVICE, applicant(no * actions + k, same),
                        called.id if called else None)
        if not ok:
            continue
        ticked = True
        for line in case.checklist:
            if line.required:
                ticked &= call("set_item", service.set_item, session, case.id, line.item_id, True)[0]
        if not ticked:
            continue
        ok, decided = call("decide", service.decide, session, case.id)
        if not ok:
            continue
        if not decided.lengkap:
            report["errors"].append(("decide", "decided tidak lengkap with every required item ticked"))
            continue
        try:  # the back office's step 3, after which the letter is issued
            walk_to_issue(service, session, case.id,
                          lambda *a, **kw: call("finish_step", service.finish_step, *a, **kw)[1])
        except Exception as exc:  # noqa: BLE001 - a failed step is counted by call() already
            report["errors"].append(("finish_step", str(exc)))
            continue
        ok, letter = call("print_product", service.print_product, session, case.id)
        if not ok:
            continue
        if not letter.number:
            report["errors"].append(("print_product", "a letter without a number"))
            continue
        report["letters"] += 1
        report["actions_done"] += 1
    report["end"] = time.time()
    report["statements"] = service.ctx.statements - statements0
    report["opened"] = service.db.opened - opened0
    report["renders"] = renders[0]
    report["samples"] = dict(report["samples"])
    service.close()
    results.put(report)


# -- checking the numbers -----------------------------------------------------------------------


def pattern_regex(pattern: str) -> re.Pattern:
    """A regex matching numbers made by a format pattern, capturing ``nomor`` and ``tahun``."""
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field in ("nomor", "tahun"):
            parts.append(rf"(?P<{field}>\d+)")
        elif field is not None:
            parts.append(".+?")
    return re.compile("^" + "".join(parts) + "$")


def gaps_and_dupes(numbers: list[int]) -> tuple[list[int], list[int]]:
    """The numbers 1..max missing from ``numbers``, and those present more than once."""
    counts = Counter(numbers)
    top = max(counts) if counts else 0
    missing = [n for n in range(1, top + 1) if n not in counts]
    dupes = sorted(n for n, c in counts.items() if c > 1)
    return missing, dupes


def check_numbers(service, settings: OfficeSettings) -> tuple[list[str], list[str], dict]:
    """Check ticket, register and letter numbers in the database.

    Returns:
        (problems with numbers, problems with letter files, counts found)
    """
    problems: list[str] = []
    files: list[str] = []
    counts = {"tickets": 0, "registers": 0, "letters": 0, "pdfs_ok": 0}
    db = service.db
    with service.ctx.connection():
        tickets = db.execute_sql("SELECT office_id, day, code, number FROM ticket").fetchall()
        cases = db.execute_sql("SELECT office_id, register_no, register_seq FROM service_case "
                               "WHERE register_no IS NOT NULL").fetchall()
        letters = db.execute_sql("SELECT office_id, number, path FROM document "
                                 "WHERE number IS NOT NULL").fetchall()
        sequences = {(scope, period): value for scope, period, value in
                     db.execute_sql("SELECT scope, period, value FROM sequence").fetchall()}

    groups: dict[tuple, list[int]] = defaultdict(list)
    for office, day, code, number in tickets:
        prefix, _, digits = code.rpartition("-")
        if not digits.isdigit() or int(digits) != number:
            problems.append(f"ticket {code} carries number {number}")
        groups[("tiket", f"tiket:{office}:{prefix}", str(day)[:10])].append(number)
    counts["tickets"] = len(tickets)

    register_re = pattern_regex(settings.register_pattern)
    seen: Counter = Counter()
    for office, register_no, seq in cases:
        seen[(office, register_no)] += 1
        m = register_re.match(register_no)
        if m is None or int(m.group("nomor")) != seq:
            problems.append(f"register {register_no} does not match its number {seq}")
            continue
        groups[("register", f"register:{office}", m.groupdict().get("tahun") or "?")].append(seq)
    problems += [f"register number {r} given to {c} cases" for (_, r), c in seen.items() if c > 1]
    counts["registers"] = len(cases)

    letter_re = pattern_regex(settings.letter_number_pattern)
    seen = Counter()
    for office, number, path in letters:
        seen[(office, number)] += 1
        m = letter_re.match(number)
        if m is None:
            problems.append(f"letter number {number!r} does not match {settings.letter_number_pattern!r}")
            continue
        groups[("surat", f"surat:{office}", m.groupdict().get("tahun") or "?")].append(int(m.group("nomor")))
        pdf = Path(path) if path else None
        if pdf is None or not pdf.is_file():
            files.append(f"letter {number}: no PDF at {path}")
            continue
        data = pdf.read_bytes()
        if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
            files.append(f"letter {number}: {path} is not a whole PDF ({len(data)} bytes)")
            continue
        counts["pdfs_ok"] += 1
    problems += [f"letter number {n} given {c} times" for (_, n), c in seen.items() if c > 1]
    counts["letters"] = len(letters)

    for (what, scope, period), numbers in sorted(groups.items()):
        missing, dupes = gaps_and_dupes(numbers)
        if missing:
            problems.append(f"{scope} {period}: missing {missing[:10]}{' ...' if len(missing) > 10 else ''}")
        if dupes:
            problems.append(f"{scope} {period}: duplicates {dupes[:10]}{' ...' if len(dupes) > 10 else ''}")
        counter = sequences.get((scope, period))
        if counter is not None and counter != max(numbers):
            problems.append(f"{scope} {period}: the counter stands at {counter} but the highest number "
                            f"used is {max(numbers)} (numbers handed out without a row)")
    return problems, files, counts


# -- the run ------------------------------------------------------------------------------------


def main() -> int:
    """Run N processes, print the figures, check the numbers; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("-n", "--processes", type=int, default=4, help="desk processes (4, 16, 50)")
    parser.add_argument("--actions", type=int, default=5, help="counter actions per process")
    parser.add_argument("--same-applicant", action="store_true", help="every action serves the same applicant")
    args = parser.parse_args()
    n = args.processes
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmpdir, fresh_database(args.db, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        settings = dataclasses.replace(OfficeSettings(), counters=max(n, 3))
        config = Config(data_dir=tmp, db_url=url, office=settings, output_dir=tmp / "dokumen")
        service = make_service(config)
        service.open()
        prepare_demo(service, with_samples=False)
        backend = "PostgreSQL" if service.ctx.postgres else "SQLite"
        print(f"{n} processes x {args.actions} counter actions ({SERVICE}) on {backend} ({url.split('?')[0]})",
              flush=True)

        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(n + 1)
        results = ctx.Queue()
        procs = [ctx.Process(target=worker, args=(no, config, args.actions, args.same_applicant, barrier, results))
                 for no in range(1, n + 1)]
        t_spawn = time.time()
        for p in procs:
            p.start()
        try:
            barrier.wait(timeout=600)
            start = time.time()
            print(f"all {n} processes ready after {start - t_spawn:.1f} s; started together", flush=True)
        except Exception:  # noqa: BLE001 - a process could not start: its report says why
            start = time.time()
        reports = []
        for _ in procs:
            try:
                reports.append(results.get(timeout=1800))
            except Exception:  # noqa: BLE001
                break
        for p in procs:
            p.join(timeout=60)
        crashed = [p.pid for p in procs if p.exitcode not in (0, None)]
        for p in procs:
            if p.is_alive():
                p.kill()

        setup_errors = [r for r in reports if "setup_error" in r]
        for r in setup_errors[:3]:
            print(f"process {r['no']} could not start:\n{r['setup_error']}")
        done = [r for r in reports if "end" in r]
        missing_reports = n - len(reports)
        wall = (max(r["end"] for r in done) - start) if done else float("nan")
        samples: dict[str, list[float]] = defaultdict(list)
        for r in done:
            for kind, values in r["samples"].items():
                samples[kind] += values
        errors = [e for r in reports for e in r["errors"]]
        actions = sum(r["actions_done"] for r in done)
        calls = sum(len(v) for v in samples.values())

        print(f"wall {wall:.1f} s from the common start to the last process done; "
              f"{actions} of {n * args.actions} actions completed, {calls} calls")
        print(f"throughput {actions / wall:.1f} actions/s, {calls / wall:.1f} calls/s")
        print(f"{'call':<14} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind in CALLS:
            values = samples.get(kind, [])
            if values:
                print(f"{kind:<14} {len(values):>6} {statistics.median(values):>8.1f} "
                      f"{percentile(values, 95):>8.1f} {max(values):>8.1f}")
        if done:
            per_action = sum(r["statements"] for r in done) / max(1, actions)
            renders = sum(r["renders"] for r in done)
            print(f"SQL statements per counter action (mean, retries included): {per_action:.1f}; "
                  f"connections opened per process during the run: max {max(r['opened'] for r in done)}")
            print(f"letter PDFs rendered: {renders} for {sum(r['letters'] for r in done)} letters "
                  f"(a letter is rendered again when another desk took its number)")
        print(f"errors: {len(errors) + len(setup_errors) + missing_reports}"
              + (f" (processes without a report: {missing_reports}, crashed: {crashed})" if missing_reports else ""))
        for (kind, message), count in Counter(errors).most_common(10):
            print(f"  {count:>4} x {kind}: {message}")

        problems, files, counts = check_numbers(service, settings)
        letter_dir = tmp / "dokumen"
        strays = len([p for p in letter_dir.rglob("*.pdf") if "/surat/" in str(p)]) - counts["pdfs_ok"]
        service.close()

    print(f"numbers checked: {counts['tickets']} tickets, {counts['registers']} register numbers, "
          f"{counts['letters']} letter numbers; {counts['pdfs_ok']} letter PDFs whole on disk"
          f"{f', {strays} letter PDFs without a row' if strays else ''}")
    for problem in (problems + files)[:20]:
        print(f"  {problem}")
    expected = sum(r["letters"] for r in done)
    if counts["letters"] != expected:
        problems.append(f"{counts['letters']} letters in the database, {expected} printed")
        print(f"  {problems[-1]}")

    n_errors = len(errors) + len(setup_errors) + missing_reports
    n_numbers = len(problems) + len(files)
    rows = [(f"errors ({n} processes)", n_errors), (f"duplicate/missing numbers ({n} processes)", n_numbers)]
    failed = False
    for name, value in rows:
        ok = value == 0
        failed |= not ok
        print(f"{name:<42} {value:>5}  target 0  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
