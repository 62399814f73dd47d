"""Sixteen desks printing at once draw unique, gap-free numbers from the one office letter
sequence: every kind (rekomendasi, surat keterangan, surat pengantar, berita acara) takes the next
number, a document printed at two desks at the same moment is numbered once (the second gets the
same number), and every number has its PDF.

The sixteen desks are forked by one python process that imported the desk and parsed its fonts
first (sixteen cold interpreters would spend most of the test importing on two cores); each desk
still opens its own service, with its own database connection, from the pickled config."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from casesteps import until_issuable

from models.dto import ApplicantInput
from models.tables import Document

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 16

# One python process imports the desk and parses its fonts once, then forks the sixteen desks:
# each opens its own service (its own database connection) from the pickled config and signs in,
# says "ready" and waits; one byte each on a common pipe starts them all at once.
_DESKS = r"""
import json, os, pickle, sys, traceback
from desk.wiring import make_service
from models import documents
config, shares = pickle.loads(bytes.fromhex(sys.argv[1]))
documents.warm()
go_r, go_w = os.pipe()
pids = []
for jobs in shares:
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        status, ready = 1, False
        try:
            service = make_service(config)
            service.open()
            session = service.login("petugas", "petugas123", 1)
            os.write(1, b"ready\n")
            ready = True
            if os.read(go_r, 1) != b".":  # the test gave up before the start
                os._exit(2)
            out = []
            for case_id, kind in jobs:
                doc = service.print_product(session, case_id, kind)
                out.append([case_id, kind, doc.number, doc.path])
            os.write(1, ("printed " + json.dumps(out) + "\n").encode())
            status = 0
        except BaseException:
            traceback.print_exc()
            if not ready:
                os.write(1, b"failed\n")
        finally:
            sys.stderr.flush()
            os._exit(status)
    pids.append(pid)
os.close(go_r)
sys.stdin.readline()
os.write(go_w, b"." * len(pids))
failed = [no for no, pid in enumerate(pids) if os.waitpid(pid, 0)[1] != 0]
os.write(1, ("failed " + json.dumps(failed) + "\n").encode())
sys.exit(1 if failed else 0)
"""

PERSON = {"nik": "6403055507900002", "name": "Siti Aminah", "address": "Jl. Mawar 3", "desa": "Timbau",
          "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara", "phone": "081234567890"}


def _lengkap(desk, session, code: str, n: int) -> int:
    """A case of ``code`` past its lengkap decision (every required item received)."""
    kind = desk.catalog.get(code).applicant_kind
    extra: dict = {}
    if kind == "organisasi":
        extra["org_name"] = f"Yayasan Nomor {n}"
    if kind == "kelompok":
        extra.update(org_name=f"KUBE Nomor {n}", member_count=10)
    case = desk.open_case(session, code, ApplicantInput(kind=kind, **PERSON, **extra))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    assert desk.decide(session, case.id, reason="diperiksa dalam uji").lengkap
    return case.id


def _ready_jobs(desk, session) -> list[tuple[int, str]]:
    """24 (case, kind) ready to issue, of five numbered kinds over four services."""
    jobs: list[tuple[int, str]] = []
    for n in range(4):
        for code in ("REK-PUB", "REK-LKS"):
            case_id = _lengkap(desk, session, code, n)
            until_issuable(desk, session, case_id)
            jobs.append((case_id, "rekomendasi"))
        case_id = _lengkap(desk, session, "JAMKESDA", n)
        desk.finish_step(session, case_id, outcome=None, step_no=4, reason="uji")  # berkas diterima
        desk.finish_step(session, case_id, outcome=False, step_no=5, reason="uji")  # "terdapat kendala":
        until_issuable(desk, session, case_id, "surat_pengantar")  # step 7, the letter to BPJS, runs
        jobs.append((case_id, "surat_pengantar"))
        case_id = _lengkap(desk, session, "KUBE", n)  # at step 11 all three of its numbered kinds issue
        until_issuable(desk, session, case_id, "ba_serah_terima")
        jobs += [(case_id, "ba_serah_terima"), (case_id, "ba_verifikasi"), (case_id, "surat_keterangan")]
    for case_id, kind in jobs:  # each is ready (not a KONSEP) and not yet issued
        choice = {c.kind: c for c in desk.case_documents(session, case_id)}[kind]
        assert choice.state == "siap", (case_id, kind, choice)
    return jobs


def _shares(jobs: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Three prints per desk: desks 2k and 2k+1 both start with job k (a race on one document);
    then desk p prints its own job 8+p, and last the job desk 15-p printed second (a race or a
    reprint, whichever comes)."""
    first, own = jobs[:8], jobs[8:]
    assert len(own) == PROCESSES
    return [[first[p // 2], own[p], own[PROCESSES - 1 - p]] for p in range(PROCESSES)]


def test_sixteen_desks_printing_at_once_get_unique_gap_free_numbers(config, desk_service, session):
    jobs = _ready_jobs(desk_service, session)
    assert len(jobs) == len(set(jobs)) == 24
    assert Counter(kind for _, kind in jobs) == {"rekomendasi": 8, "surat_pengantar": 4, "ba_serah_terima": 4,
                                                 "ba_verifikasi": 4, "surat_keterangan": 4}
    shares = _shares(jobs)
    assert {job for share in shares for job in share} == set(jobs)

    with desk_service.db.connection_context():
        assert not Document.select().where(Document.number.is_null(False)).exists()

    desks = subprocess.Popen([sys.executable, "-c", _DESKS, pickle.dumps((config, shares)).hex()], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)  # (its own process group: the forked desks die with it)
    try:
        for _ in shares:
            line = desks.stdout.readline().strip()
            if line != "ready":
                os.killpg(desks.pid, signal.SIGKILL)
                raise AssertionError(f"a desk did not start ({line!r}): {desks.communicate()[1][-3000:]}")
        out, err = desks.communicate("go\n", timeout=90)  # every desk starts together
    finally:
        if desks.poll() is None:
            os.killpg(desks.pid, signal.SIGKILL)
            desks.wait()
    assert desks.returncode == 0, (out, err[-3000:])
    printed = [tuple(row) for line in out.splitlines() if line.startswith("printed ")
               for row in json.loads(line.removeprefix("printed "))]
    assert len(printed) == 3 * PROCESSES, out
    by_job: dict[tuple[int, str], set[str]] = {}
    for case_id, kind, number, path in printed:
        by_job.setdefault((case_id, kind), set()).add(number)
        assert Path(path).exists(), path  # the issued PDF, or a SALINAN beside it
    assert all(len(numbers) == 1 and "" not in numbers for numbers in by_job.values()), by_job  # a racing
    # second print got the same number as the first, not a new one

    with desk_service.db.connection_context():
        numbered = list(Document.select().where(Document.number.is_null(False)).order_by(Document.id))
    numbers = [d.number for d in numbered]
    assert len(numbers) == len(set(numbers)), Counter(n for n in numbers if numbers.count(n) > 1)
    assert len({n.rsplit("/", 1)[1] for n in numbers}) == 1, numbers  # one year's sequence
    assert sorted(int(n.split("/")[1]) for n in numbers) == list(range(1, len(jobs) + 1)), sorted(numbers)
    for doc in numbered:
        assert doc.path and Path(doc.path).exists(), doc.number
    current = Counter((d.case_id, d.kind) for d in numbered if d.voided_at is None)
    assert current == Counter(jobs)  # one current numbered document per case and kind
    assert {(d.case_id, d.kind): d.number for d in numbered} == {job: min(n) for job, n in by_job.items()}
