"""Letters benchmark: 500 letters in one batch against fpdf2 rendering the same pages with its core
font, and the first letter of a fresh desk process.

Usage:  .venv/bin/python bench/letters.py [--db URL] [--letters 500] [--runs 3]

- the batch: ``--letters`` lengkap cases (REK-PUB and REK-LKS, organisations with varied names,
  some with diacritics: "Śrī", "Ñgurah", "Nguyễn") are printed one after another through the
  desk's real path, ``DeskService.print_product`` (read the case, number the letter, render the
  PDF, record it; no printer: ``print_command`` is empty), after the warm-up a desk runs after
  its login screen shows. Interleaved with each, fpdf2 renders the same page with its core font
  "helvetica" (the floor): the very arguments the desk passed to ``render_letter``, with the
  same layout calls (``DeskPDF`` drawing in helvetica, nothing embedded; text outside Latin-1
  printed as "?") and written the same way (``write_pdf``). Prints ms per letter for both
  (mean, p50, p95), the ratio of the totals, and how many letters found the font subset of
  their glyphs made before (``output.fontcache``; bold never does: it prints the letter's random
  verification code).
- the first letter of a session: a fresh interpreter does what a desk does from its start: imports
  the application, opens the database, signs in, runs the warm-up in a thread (the desk's worker,
  started after the login screen shows; its duration is printed: it ends before anybody has typed
  a password), then times ``print_product`` of a lengkap case: the work behind the print key,
  until the PDF is on disk. ``--runs`` fresh processes; also printed: the same without the
  warm-up (what the first letter cost before it).

The database: a fresh SQLite file in a temp folder by default; ``--db postgresql://...`` gets a
fresh schema ``bench_<random>`` (dropped at the end).

Targets (issue 9): the batch at most 2x the core font; the first letter of a session < 0.3 s.
Prints PASS/FAIL per target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database, percentile, walk_to_issue

from desk.config import Config
from desk.wiring import make_service
from models.demo import prepare_demo
from models.dto import ApplicantInput
from models.settings import OfficeSettings

SERVICES = ("REK-PUB", "REK-LKS")
PASSWORD = "bench12345"
RATIO_TARGET = 2.0
FIRST_TARGET_MS = 300.0

FIRST = ["Budi", "Siti", "Ahmad", "Dewi", "Rizky", "Putri", "Agus", "Wayan", "Yohanes", "Fitri",
         "Muhammad", "Ni Luh Putu", "Hendra", "Zulkifli", "Quraisy", "Xaverius"]
LAST = ["Santoso", "Aminah", "Hidayat", "Lestari", "Pratama", "Wijaya", "Saputra", "Kurniawan",
        "Nasution", "Simanjuntak", "Manurung", "Gunawan", "Setiawan", "Harahap", "Yulianti"]
SPECIAL = ["Śrī Ñgurah", "Ñoman Śāstra", "Nguyễn Văn Ánh", "Ærlin Øster"]


def applicant(index: int) -> ApplicantInput:
    """Applicant ``index``: an organisation with a distinct NIK and a varied name; every tenth
    name has diacritics."""
    serial, day = index % 9999 + 1, (index // 9999) % 28 + 1
    name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]}"
    if index % 10 == 9:
        name = SPECIAL[(index // 10) % len(SPECIAL)]
    return ApplicantInput(kind="organisasi", nik=f"640305{day:02d}0780{serial:04d}", name=name,
                          address=f"Jl. Mulawarman No. {index % 97 + 1}", desa="Timbau",
                          kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                          phone="081234567890", org_name=f"Yayasan {name} {index}")


def complete_cases(service, session, count: int) -> list[int]:
    """Open ``count`` cases, tick their required berkas and decide them lengkap."""
    cases = []
    for i in range(count):
        case = service.open_case(session, SERVICES[i % len(SERVICES)], applicant(i))
        for line in case.checklist:
            if line.required:
                service.set_item(session, case.id, line.item_id, True)
        decided = service.decide(session, case.id, reason="pengurus tercatat pada berkas")
        if not decided.lengkap:
            raise SystemExit(f"case {case.id} was not decided lengkap")
        walk_to_issue(service, session, case.id)  # the letter is issued after step 3
        cases.append(case.id)
    return cases


# -- the floor: fpdf2 with its core font --------------------------------------------------------


def core_font_class():
    """DeskPDF drawing with fpdf2's core font helvetica (nothing embedded): the same layout calls."""
    from output.pdf import FONT, DeskPDF

    class CorePDF(DeskPDF):
        def _add_shared_font(self, style: str, file_name: str) -> None:
            pass  # no DejaVu: the core font needs nothing added

        def set_font(self, family=None, style="", size=0):  # type: ignore[no-untyped-def]
            if family and family.lower() == FONT.lower():
                family = "helvetica"
            super().set_font(family, style, size)

        def normalize_text(self, text: str) -> str:
            # the core font holds Latin-1 only
            return super().normalize_text(text.encode("latin-1", "replace").decode("latin-1"))

    return CorePDF


class LetterSpy:
    """Wraps ``output.documents.render_letter``: keeps the arguments of the last letter the desk
    rendered, and renders them again with the core font."""

    def __init__(self) -> None:
        from output import documents

        self.documents = documents
        self.real = documents.render_letter
        self.core_class = core_font_class()
        self.last: dict | None = None
        documents.render_letter = self.spy

    def spy(self, path, **kwargs):  # type: ignore[no-untyped-def]
        self.last = kwargs
        return self.real(path, **kwargs)

    def core(self, path: Path) -> Path:
        """Render the last letter's page with the core font to ``path``."""
        if self.last is None:
            raise SystemExit("the desk did not render a letter through output.documents.render_letter")
        desk_pdf = self.documents.DeskPDF
        self.documents.DeskPDF = self.core_class
        try:
            return self.real(path, **self.last)
        finally:
            self.documents.DeskPDF = desk_pdf


def batch(service, session, cases: list[int], folder: Path) -> tuple[list[float], list[float]]:
    """Print every case's letter, each followed by the same page in the core font; the times
    (ms) of both."""
    spy = LetterSpy()
    folder.mkdir(parents=True, exist_ok=True)
    desk_ms, core_ms = [], []
    for i, case_id in enumerate(cases):
        spy.last = None
        start = time.perf_counter()
        info = service.print_product(session, case_id)
        desk_ms.append((time.perf_counter() - start) * 1000)
        if not info.number or not Path(info.path).is_file():
            raise SystemExit(f"case {case_id}: no letter written")
        start = time.perf_counter()
        spy.core(folder / f"inti-{i:04d}.pdf")
        core_ms.append((time.perf_counter() - start) * 1000)
    return desk_ms, core_ms


# -- the first letter of a session --------------------------------------------------------------

CHILD = """
import json, sys, threading, time
import desk.app  # what the desk imports at its start (Textual, the screens)
from pathlib import Path
from desk.config import Config
from desk.wiring import make_service
from models.settings import OfficeSettings

db, data, case_id, warm = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
config = Config(data_dir=data, db_url=db, office=OfficeSettings(), output_dir=data / "dokumen")
service = make_service(config)
service.open()
session = service.login("bench", "bench12345", 1)
warm_ms = 0.0
if warm:  # the desk's worker after the login screen shows
    begin = time.perf_counter()
    worker = threading.Thread(target=service.warm_up)
    worker.start()
    worker.join()
    warm_ms = (time.perf_counter() - begin) * 1000
begin = time.perf_counter()
info = service.print_product(session, case_id)
first_ms = (time.perf_counter() - begin) * 1000
assert info.number and Path(info.path).is_file()
print(json.dumps({"first_ms": first_ms, "warm_ms": warm_ms}))
"""


def first_letter(url: str, tmp: Path, case_id: int, warm: bool) -> dict:
    """A fresh process prints the letter of ``case_id``; its timings."""
    out = subprocess.run([sys.executable, "-c", CHILD, url, str(tmp), str(case_id), "1" if warm else "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    if out.returncode != 0:
        raise SystemExit(f"the fresh process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Run the benchmark, print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--letters", type=int, default=500, help="letters in the batch")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes for the first letter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmpdir, fresh_database(args.db, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        settings = dataclasses.replace(OfficeSettings(), print_command="")
        config = Config(data_dir=tmp, db_url=url, office=settings, output_dir=tmp / "dokumen")
        service = make_service(config)
        service.open()
        prepare_demo(service, with_samples=False)
        service.add_staff(service.principal("sistem"), "bench", "Petugas Bench", PASSWORD, "petugas")
        session = service.login("bench", PASSWORD, 1)
        backend = "PostgreSQL" if service.ctx.postgres else "SQLite"
        begin = time.perf_counter()
        cases = complete_cases(service, session, args.letters + 2 * args.runs)
        print(f"{len(cases)} lengkap cases ({', '.join(SERVICES)}) on {backend} in "
              f"{time.perf_counter() - begin:.1f} s", flush=True)
        batch_cases, spare = cases[:args.letters], cases[args.letters:]

        # the fresh processes first (this process has not loaded fpdf2 yet, as a desk at start)
        warm_runs = [first_letter(url, tmp, spare.pop(), warm=True) for _ in range(args.runs)]
        cold_runs = [first_letter(url, tmp, spare.pop(), warm=False) for _ in range(args.runs)]

        service.warm_up()  # as a desk after its login screen shows
        desk_ms, core_ms = batch(service, session, batch_cases, tmp / "inti")
        service.close()
    from output import fontcache

    reuse = ", ".join(f"{'bold' if style else 'regular'} {f.hits} of {f.hits + f.misses}"
                      for (_, style, _), f in sorted(fontcache._SHARED.items(), key=lambda item: item[0][1]))

    total_desk, total_core = sum(desk_ms), sum(core_ms)
    ratio = total_desk / total_core
    first = statistics.median(r["first_ms"] for r in warm_runs)
    firsts = ", ".join(f"{r['first_ms']:.0f}" for r in warm_runs)
    warms = ", ".join(f"{r['warm_ms']:.0f}" for r in warm_runs)
    colds = ", ".join(f"{r['first_ms']:.0f}" for r in cold_runs)
    n = len(desk_ms)
    print(f"{n} letters, desk (print_product)   : {total_desk / 1000:6.2f} s, {total_desk / n:6.1f} ms a letter "
          f"(p50 {statistics.median(desk_ms):.1f}, p95 {percentile(desk_ms, 95):.1f})")
    print(f"{n} letters, fpdf2 core font       : {total_core / 1000:6.2f} s, {total_core / n:6.1f} ms a letter "
          f"(p50 {statistics.median(core_ms):.1f}, p95 {percentile(core_ms, 95):.1f})")
    print(f"ratio desk / core font              : {ratio:6.2f}  target <= {RATIO_TARGET:g}  "
          f"{'PASS' if ratio <= RATIO_TARGET else 'FAIL'}")
    print(f"font subsets reused (same glyphs)   : {reuse}")
    print(f"first letter of a session (median)  : {first:6.0f} ms  target < {FIRST_TARGET_MS:.0f} ms  "
          f"{'PASS' if first < FIRST_TARGET_MS else 'FAIL'}  ({firsts}; the warm-up before it took {warms} ms "
          f"in its worker)")
    print(f"first letter without the warm-up    : {statistics.median(r['first_ms'] for r in cold_runs):6.0f} ms  "
          f"({colds})")
    return 0 if ratio <= RATIO_TARGET and first < FIRST_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
