"""A letter number never stays without its PDF: a desk killed with SIGKILL at any moment while
printing leaves either no number, or a number whose PDF is on disk once a desk opens again (a
letter numbered but not yet rendered is rendered then, with the same number and code)."""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from models.dto import ApplicantInput
from models.tables import Document
from casesteps import until_issuable

ROOT = Path(__file__).resolve().parent.parent

_PRINTER = r"""
import pickle, sys
from desk.wiring import make_service
service = make_service(pickle.loads(bytes.fromhex(sys.argv[1])))
service.open()
service.warm_up()
session = service.login("petugas", "petugas123", 1)
print("ready", flush=True)
for case_id in map(int, sys.argv[2].split(",")):
    service.print_product(session, case_id)
    print("printed", case_id, flush=True)
"""


def _lengkap_cases(desk, session, count: int) -> list[int]:
    ids = []
    for n in range(count):
        case = desk.open_case(session, "REK-PUB", ApplicantInput(
            kind="organisasi", nik="6403051507800003", name="Budi Santoso", address="Jl. A",
            desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
            org_name=f"Yayasan Nomor {n}"))
        for line in case.checklist:
            if line.required:
                desk.set_item(session, case.id, line.item_id, True)
        assert desk.decide(session, case.id).lengkap
        until_issuable(desk, session, case.id)
        ids.append(case.id)
    return ids


def _printer(config, case_ids: list[int]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _PRINTER, pickle.dumps(config).hex(), ",".join(map(str, case_ids))],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_kill_9_while_printing_never_leaves_a_number_without_its_pdf(config, desk_service, session):
    rng = random.Random(6)
    case_ids = _lengkap_cases(desk_service, session, 10)
    for _round in range(6):  # kill a printing desk at random moments
        process = _printer(config, case_ids)
        time.sleep(rng.uniform(0.02, 0.6))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    from desk.wiring import make_service
    from models import issuing

    reopened = make_service(config)  # a desk opening (on the real clock) renders what was left
    reopened.open()
    issuing.recover_letters(reopened.ctx, older_than=0)  # (open() waits a minute for live desks)
    with desk_service.db.connection_context():
        numbered = list(Document.select().where(Document.number.is_null(False)))
    assert numbered, "no letter was numbered before a kill: the test proves nothing"
    for doc in numbered:  # every number has its PDF now
        assert doc.path and Path(doc.path).exists(), doc.number
    finisher = _printer(config, case_ids)  # then one prints (or reprints) every letter
    assert finisher.wait(timeout=120) == 0

    with desk_service.db.connection_context():
        letters = list(Document.select().where(Document.number.is_null(False)).order_by(Document.id))
    assert sorted(d.case_id for d in letters) == sorted(case_ids)  # one letter per case
    numbers = sorted(int(d.number.split("/")[1]) for d in letters)
    assert numbers == list(range(1, len(case_ids) + 1))  # none lost, none twice
    folders = {Path(d.path).parent for d in letters}
    on_disk = {p for folder in folders for p in folder.glob("*.pdf")}
    copies = {p for p in on_disk if p.stem.endswith("-salinan")}  # reprints, beside their letter
    assert on_disk - copies == {Path(d.path) for d in letters}  # no PDF of a number that was not issued
    assert {p.with_name(p.name.replace("-salinan", "")) for p in copies} <= {Path(d.path) for d in letters}
    for doc in letters:
        assert Path(doc.path).exists(), doc.number
        text = " ".join(page.extract_text() for page in PdfReader(doc.path).pages)
        assert doc.number in text and doc.verification_code in text
