"""Scale benchmark: the calls behind the screens on an office with five years of cases.

Usage:  .venv/bin/python bench/scale.py [--db URL] [--cases 250000] [--steps 10]

Generates, with bulk inserts into the desk's own tables, 250,000 cases over five years (about
200,000 applicants, 2.5 million step runs, 1.5 million checklist answers, a ticket per case and
300 tickets waiting today), then times the calls a counter and a supervisor make:

  search by NIK, by full name, by a part of a name, by a name typed without its diacritics,
  by register number and by the register's number part   target < 100 ms each
  call next (300 waiting)                                  target < 30 ms
  open a case                                              target < 30 ms
  queue refresh (300 waiting)                              target < 50 ms
  step timing per service and step over five years         printed (dashboard: issue 10)

Medians of repeated calls in this process (the time a thread worker spends on a keypress).
With --db postgresql://... the data goes into a fresh schema that is dropped afterwards;
the temporary SQLite file is removed too.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database, timed  # noqa: E402

from desk.config import Config  # noqa: E402
from desk.wiring import make_service  # noqa: E402
from forms.validators import name_key  # noqa: E402
from models.demo import prepare_demo  # noqa: E402
from models.settings import OfficeSettings  # noqa: E402
from models.tables import Applicant, Case, ChecklistAnswer, StepRun, Ticket  # noqa: E402

FIRST = ["Budi", "Siti", "Agus", "Sri", "Dewi", "Ahmad", "Rina", "Hendra", "Wahyu", "Nur", "Putu",
         "Made", "Ketut", "Yohanes", "Maria", "Andi", "Muhammad", "Fitri", "Joko", "Lestari",
         "Śrī", "Nguyễn", "Ni Luh", "I Gede", "Dian", "Rahmat", "Yusuf", "Ayu", "Bambang", "Eko"]
LAST = ["Santoso", "Wulandari", "Saputra", "Rahayu", "Hidayat", "Kusuma", "Pratama", "Wijaya",
        "Siregar", "Nasution", "Simanjuntak", "Lubis", "Harahap", "Tanjung", "Sitompul", "Purba",
        "Aminah", "Setiawan", "Gunawan", "Halim", "Sembiring", "Tarigan", "Ginting", "Wahyuni",
        "Nugroho", "Susanto", "Hartono", "Kurniawan", "Suryani", "Anggraini"]
ORGS = ["Yayasan Peduli Sesama", "Panti Asuhan Kasih Ibu", "KUBE Maju Bersama", "LKS Harapan Bangsa",
        "Yayasan Nurul Iman", "Kelompok Tani Sejahtera"]


def _chunks(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(db, model, rows: list[dict], *, postgres: bool) -> None:
    """Bulk insert in chunks (SQLite allows 32,766 parameters per statement)."""
    if not rows:
        return
    size = 5000 if postgres else max(1, 32000 // len(rows[0]))
    with db.atomic():
        for chunk in _chunks(rows, size):
            model.insert_many(chunk).execute()


def _nik(rng: random.Random, sex: str) -> str:
    day = rng.randint(1, 28) + (40 if sex == "P" else 0)
    return f"6403{rng.randint(1, 20):02d}{day:02d}{rng.randint(1, 12):02d}{rng.randint(40, 99):02d}{rng.randint(1, 9999):04d}"


def generate(service, cases: int, steps_per_case: int, seed: int = 6) -> dict:
    """Fill the office with five years of cases; returns sample values to search for."""
    rng = random.Random(seed)
    ctx = service.ctx
    db = ctx.db
    pg = ctx.postgres
    office = ctx.office_id
    now = ctx.utc()
    services = [s for s in ctx.offered()]
    staff_id = 1
    applicants: list[dict] = []
    seen: set[tuple[str, str]] = set()
    people = max(1, int(cases * 0.8))
    t0 = time.perf_counter()
    while len(applicants) < people:
        sex = rng.choice("LP")
        nik = _nik(rng, sex)
        org = rng.choice(ORGS) if rng.random() < 0.1 else ""
        if (nik, org) in seen:
            continue
        seen.add((nik, org))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.3:
            name += f" {rng.choice(LAST)}"
        applicants.append({"kind": "organisasi" if org else "perorangan", "nik": nik, "name": name, "sex": sex,
                           "address": "Jl. Uji", "desa": "Timbau", "kecamatan": "Tenggarong",
                           "kabupaten": "Kutai Kartanegara", "phone": "", "org_name": org,
                           "created_at": now, "updated_at": now, "name_key": name_key(name, org)})
    with ctx.connection():
        _insert(db, Applicant, applicants, postgres=pg)
        first_id = Applicant.select(Applicant.id).order_by(Applicant.id).first().id
        applicant_ids = list(range(first_id, first_id + len(applicants)))
        print(f"  {len(applicants):,} applicants in {time.perf_counter() - t0:.1f} s", flush=True)

        case_rows, ticket_rows = [], []
        start = now - dt.timedelta(days=5 * 365)
        register_no = 0
        for i in range(cases):
            svc = services[i % len(services)]
            created = start + dt.timedelta(seconds=rng.randint(0, 5 * 365 * 86400))
            status = rng.choices(["selesai", "diproses", "menunggu_berkas", "ditolak"], [85, 8, 5, 2])[0]
            register = None
            seq = None
            if status != "menunggu_berkas":
                register_no += 1
                seq = register_no
                register = f"{svc.code}/{created.year}/{register_no:06d}"
            ai = rng.randrange(len(applicants))
            a = applicants[ai]
            snapshot = {k: a[k] for k in ("kind", "nik", "name", "sex", "address", "desa", "kecamatan",
                                          "kabupaten", "phone", "org_name")}
            snapshot["birth_date"] = None
            case_rows.append({
                "office": office, "service": ctx.service_ids[svc.code],
                "applicant": applicant_ids[ai],
                "register_no": register, "register_seq": seq, "status": status, "conditions": "{}",
                "created_by": staff_id, "created_at": created, "updated_at": created + dt.timedelta(hours=3),
                "complete_at": created if register else None, "verify_started_at": created,
                "outcome": "", "applicant_data": json.dumps(snapshot, ensure_ascii=False),
            })
            ticket_rows.append({"office": office, "service": ctx.service_ids[svc.code], "day": created.date(),
                                "number": i % 900 + 1, "code": f"{svc.queue_prefix}-{i:07d}", "priority": False,
                                "status": "selesai", "issued_at": created, "called_at": created,
                                "finished_at": created, "counter": None, "staff": staff_id})
        t0 = time.perf_counter()
        _insert(db, Ticket, ticket_rows, postgres=pg)
        _insert(db, Case, case_rows, postgres=pg)
        first_case = Case.select(Case.id).where(Case.office == office).order_by(Case.id).first().id
        print(f"  {cases:,} cases and tickets in {time.perf_counter() - t0:.1f} s", flush=True)

        t0 = time.perf_counter()
        batch_answers: list[dict] = []
        batch_steps: list[dict] = []
        done = 0
        for index, row in enumerate(case_rows):
            case_id = first_case + index
            svc = services[index % len(services)]
            for item in svc.persyaratan[:6]:
                batch_answers.append({"case": case_id, "item_id": item.id, "received": True, "note": "",
                                      "updated_at": row["created_at"]})
            moment = row["created_at"]
            for no in range(1, steps_per_case + 1):
                length = dt.timedelta(minutes=rng.randint(5, 60 * 24 * 3))
                due = moment + dt.timedelta(minutes=rng.choice([15, 60, 60 * 24, 60 * 24 * 3]))
                ended = moment + length if (row["status"] == "selesai" or no < steps_per_case) else None
                batch_steps.append({"case": case_id, "step_no": no, "started_at": moment, "due_at": due,
                                    "ended_at": ended, "started_by": staff_id, "ended_by": staff_id if ended else None,
                                    "office_id": office, "service_id": row["service"]})
                moment = ended or moment
            if len(batch_steps) >= 200_000:
                _insert(db, StepRun, batch_steps, postgres=pg)
                _insert(db, ChecklistAnswer, batch_answers, postgres=pg)
                done += len(batch_steps)
                batch_steps, batch_answers = [], []
                print(f"    {done:,} step runs ...", flush=True)
        _insert(db, StepRun, batch_steps, postgres=pg)
        _insert(db, ChecklistAnswer, batch_answers, postgres=pg)
        print(f"  step runs and checklist answers in {time.perf_counter() - t0:.1f} s", flush=True)
        db.execute_sql("ANALYZE")
    sample = case_rows[len(case_rows) // 2]
    person = next(a for a in applicants if "Santoso" in a["name"] and not a["org_name"])
    return {"nik": person["nik"], "name": person["name"], "register": sample["register_no"] or "",
            "tail": f"{sample['register_seq']:06d}" if sample["register_seq"] else "000001",
            "case_id": first_case + len(case_rows) // 2}


def main() -> int:
    """Generate, measure, print; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="")
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-scale-") as tmp, fresh_database(args.db, Path(tmp)) as url:
        return _run(url, Path(tmp), args)  # (the SQLite file of 250,000 cases is ~1.5 GB)


def _run(url: str, tmp: Path, args) -> int:
    config = Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen")
    service = make_service(config)
    service.open()
    prepare_demo(service, with_samples=False)
    service.warm_up()
    print(f"generating {args.cases:,} cases with {args.steps} step runs each ({url.split('?')[0]}) ...", flush=True)
    t0 = time.perf_counter()
    sample = generate(service, args.cases, args.steps)
    print(f"generated in {time.perf_counter() - t0:.0f} s", flush=True)
    session = service.login("petugas", "petugas123", 1)
    system = service.principal("sistem")
    kiosk = service.principal("kiosk")
    for i in range(300):
        service.issue_ticket(kiosk, ("REK-PUB", "VETERAN", "ALAT-BANTU")[i % 3], priority=(i % 17 == 0))
    today = service.now().date()
    part = sample["name"].split()[-1][:5].lower()
    results = {
        "search NIK": (timed(lambda: service.search(session, sample["nik"])), 100),
        "search full name": (timed(lambda: service.search(session, sample["name"])), 100),
        f"search part '{part}'": (timed(lambda: service.search(session, part)), 100),
        "search 'sri' (Śrī)": (timed(lambda: service.search(session, "sri")), 100),
        "search register": (timed(lambda: service.search(session, sample["register"])), 100),
        "search number part": (timed(lambda: service.search(session, sample["tail"])), 100),
        "call next": (timed(lambda: service.call_next(session), runs=20), 30),
        "open case": (timed(lambda: service.case(session, sample["case_id"])), 30),
        "queue refresh": (timed(lambda: service.queue(session)), 50),
    }
    start = time.perf_counter()
    figures = service.step_figures(system, today - dt.timedelta(days=5 * 365 + 2), today)
    aggregate = (time.perf_counter() - start) * 1000
    service.close()
    print(f"step timing per service and step over 5 years: {aggregate:,.0f} ms "
          f"({len(figures)} rows, {sum(f.started for f in figures):,} step runs)")
    failed = False
    for name, (ms, target) in results.items():
        ok = ms < target
        failed |= not ok
        print(f"{name:<26} median {ms:7.1f} ms  target < {target} ms  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
