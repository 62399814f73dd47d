"""`desk cadangkan` while a desk keeps issuing tickets, then `desk pulihkan`: the restored
database holds every ticket committed before the backup began, each whole (numbers 1..N per day
and line without gaps, each with its audit row), and passes its integrity check."""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from click.testing import CliRunner

from desk.cli import cli
from desk.wiring import make_service
from models.backup import BackupError, backup, default_backup_path, is_sqlite, restore
from models.tables import AuditLog, Ticket

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 2.0

_WRITER = r"""
import pickle, sys, time
from desk.wiring import make_service
config, seconds = pickle.loads(bytes.fromhex(sys.argv[1]))
service = make_service(config)
service.open()
kiosk = service.principal("kiosk")
codes = ("REK-PUB", "REK-LKS", "VETERAN")
end = time.time() + seconds
n = 0
while time.time() < end:
    service.issue_ticket(kiosk, codes[n % 3])
    n += 1
    if n == 20:
        print("ready", flush=True)
print(n, flush=True)
"""


def _committed_ids(service) -> set[int]:
    with service.db.connection_context():
        return {t.id for t in Ticket.select(Ticket.id)}


def test_backup_under_write_load_restores_every_ticket_whole(config, desk_service, tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, pickle.dumps((config, SECONDS)).hex()],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready", writer.stderr.read()[-2000:]
    before = _committed_ids(desk_service)
    target = backup(config.db_url, tmp_path / "cadangan" / "b")
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err[-2000:]
    written = int(out.split()[-1])
    after = _committed_ids(desk_service)
    assert len(after) == written and len(before) >= 20
    desk_service.close()  # the desks stop before a restore

    restore(config.db_url, target)

    service = make_service(config)
    service.open()
    try:
        with service.db.connection_context():
            tickets = list(Ticket.select())
            audited = {row.entity_id for row in AuditLog.select().where(
                (AuditLog.entity == "ticket") & (AuditLog.action == "ambil_tiket"))}
    finally:
        service.close()
    restored = {t.id for t in tickets}
    assert before <= restored  # nothing committed before the backup began is missing
    assert restored <= after
    assert len(restored) < len(after)  # the writer went on after the snapshot: a real online copy
    numbers = defaultdict(list)
    for t in tickets:
        numbers[(t.day, t.line)].append(t.number)
        assert t.code.endswith(f"-{t.number:03d}")
    for got in numbers.values():
        assert sorted(got) == list(range(1, len(got) + 1))  # no gap, no number twice
    assert restored <= audited  # every ticket has its audit row
    assert audited <= restored  # and no audit row of a ticket that is not there


def test_cli_backup_and_restore(config, desk_service, tmp_path):
    kiosk = desk_service.principal("kiosk")
    desk_service.issue_ticket(kiosk, "REK-PUB")
    runner = CliRunner()
    args = ["--db", config.db_url, "--data-dir", str(tmp_path)]
    result = runner.invoke(cli, [*args, "cadangkan"])
    assert result.exit_code == 0, result.output
    backups = list((tmp_path / "cadangan").iterdir())
    assert len(backups) == 1 and backups[0].suffix == (".db" if is_sqlite(config.db_url) else ".dump")
    # names and NIKs of every applicant: readable by the account running desk only
    assert backups[0].stat().st_mode & 0o077 == 0 and (tmp_path / "cadangan").stat().st_mode & 0o077 == 0
    desk_service.issue_ticket(kiosk, "REK-PUB")
    desk_service.close()

    result = runner.invoke(cli, [*args, "pulihkan", str(backups[0])], input="n\n")
    assert result.exit_code != 0  # answered no: nothing restored
    assert len(_committed_ids(desk_service)) == 2
    desk_service.close()
    result = runner.invoke(cli, [*args, "pulihkan", str(backups[0]), "--ya"])
    assert result.exit_code == 0, result.output
    assert "dipulihkan" in result.output
    assert len(_committed_ids(desk_service)) == 1
    desk_service.close()

    result = runner.invoke(cli, [*args, "pulihkan", str(tmp_path / "tidak-ada.db"), "--ya"])
    assert result.exit_code != 0 and "tidak ada" in result.output


def test_a_damaged_backup_is_refused(config, tmp_path):
    broken = tmp_path / "rusak.db"
    broken.write_bytes(b"bukan cadangan")
    try:
        restore(config.db_url, broken)
    except BackupError:
        pass
    else:
        raise AssertionError("a damaged backup was restored")


def test_default_name_in_the_cadangan_folder(tmp_path):
    import datetime as dt

    now = dt.datetime(2026, 3, 1, 17, 5, 9)
    assert default_backup_path(tmp_path, "sqlite:///x.db", now) == tmp_path / "cadangan" / "desk-20260301-170509.db"
    assert default_backup_path(tmp_path, "postgresql://h/db", now).name == "desk-20260301-170509.dump"


def test_the_password_stays_off_pg_dump_command_line():
    from models.backup import _pg_parts

    uri, schema, password = _pg_parts("postgresql://desk:r%40hasia@db.kantor:5432/desk?options=-csearch_path%3Dcabang1")
    assert (uri, schema, password) == ("postgresql://desk@db.kantor:5432/desk", "cabang1", "r@hasia")
    assert _pg_parts("postgresql://postgres@127.0.0.1/test")[1:] == (None, None)
