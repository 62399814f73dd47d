"""Domain latency benchmark: the calls a counter makes all day, on a busy day's data.

Usage:  .venv/bin/python bench/domain.py [--db URL] [--tickets 300] [--cases 1000]

Builds a temp SQLite database (or uses --db, e.g. a PostgreSQL test database: its tables are
written to), fills it with a busy day (tickets waiting, cases in every state), then times the
calls behind the screens. Targets (each call, median): queue refresh < 50 ms with 300 waiting,
open case < 30 ms, search < 100 ms over 1000 cases, call next < 30 ms. Prints PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import timed  # noqa: E402

from desk.config import Config  # noqa: E402
from desk.wiring import make_service  # noqa: E402
from models.demo import prepare_demo  # noqa: E402
from models.dto import ApplicantInput  # noqa: E402
from models.settings import OfficeSettings  # noqa: E402


def main() -> int:
    """Fill a database, time the calls, print the results; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="")
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    url = args.db or f"sqlite:///{tmp / 'desk.db'}"
    config = Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen")
    service = make_service(config)
    service.open()
    prepare_demo(service, with_samples=False)
    session = service.login("petugas", "petugas123", 1)
    codes = [s.code for s in service.office.services if s.applicant_kind == "perorangan"]
    kiosk = service.principal("kiosk")
    t0 = time.perf_counter()
    for i in range(args.tickets):
        service.issue_ticket(kiosk, codes[i % len(codes)], priority=(i % 17 == 0))
    for i in range(args.cases):
        case = service.open_case(session, codes[i % len(codes)], ApplicantInput(
            nik=f"640305{(i % 28) + 1:02d}{(i % 12) + 1:02d}80{i % 9999 + 1:04d}",
            name=f"Pemohon Uji {i}", address="Jl. Uji", desa="Timbau", kecamatan="Tenggarong"))
        if i % 10 == 0:  # a slip PDF each: keep the fill short
            service.decide(session, case.id)
    fill = time.perf_counter() - t0
    last = case.id
    results = {
        "queue refresh": (timed(lambda: service.queue(session)), 50),
        "open case": (timed(lambda: service.case(session, last)), 30),
        "search by name": (timed(lambda: service.search(session, "Pemohon Uji 77")), 100),
        "search by NIK": (timed(lambda: service.search(session, "6403050101800001")), 100),
        "call next": (timed(lambda: service.call_next(session), runs=10), 30),
    }
    service.close()
    print(f"filled {args.tickets} tickets and {args.cases} cases in {fill:.1f} s ({url.split('?')[0]})")
    failed = False
    for name, (ms, target) in results.items():
        ok = ms < target
        failed |= not ok
        print(f"{name:<16} median {ms:7.1f} ms  target < {target} ms  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
