"""``desk audit``: the audit trail read back on the server, by person (NIK), staff member, case,
period and office, as a table of 80 columns or as CSV.

The command line runs with the database's credentials: it acts as the ``sistem`` principal (see
models.permissions), and reading the trail is recorded in the trail under that name, once per
command.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys

import click

from desk.clibase import DeskCommand, help_option, service_of

_DATE = click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"])

#: Text columns: (header, width); the record ("Data") takes the rest of 80 columns.
_COLUMNS = (("Waktu", 14), ("Petugas", 12), ("Tindakan", 20))
_WIDTH = 80

#: CSV columns.
_CSV_HEADER = ("waktu", "petugas", "nama", "tindakan", "keterangan_tindakan", "data", "entitas", "id_entitas",
               "rincian")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _line(cells: list[str]) -> str:
    widths = [w for _, w in _COLUMNS]
    rest = _WIDTH - sum(widths) - len(widths)
    parts = [_clip(c, w).ljust(w) for c, w in zip(cells, widths)]
    return " ".join([*parts, _clip(cells[-1], rest)]).rstrip()


@click.command("audit", cls=DeskCommand)
@click.option("--nik", default="", metavar="NIK", help="Baris tentang orang dengan NIK ini (berkas, dokumen, "
                                                        "tiket dan data pemohonnya).")
@click.option("--petugas", default="", metavar="NAMA_PENGGUNA", help="Baris yang dilakukan petugas ini.")
@click.option("--berkas", default="", metavar="NOMOR", help="Baris tentang berkas ini (nomor register atau "
                                                            "nomor berkas).")
@click.option("--dari", type=_DATE, metavar="TANGGAL", help="Tanggal awal (TTTT-BB-HH atau HH-BB-TTTT).")
@click.option("--sampai", type=_DATE, metavar="TANGGAL", help="Tanggal akhir (waktu kantor).")
@click.option("--kantor", default="", metavar="KODE", help="Kode kantor; bawaan kantor konfigurasi ini.")
@click.option("--batas", type=click.IntRange(1, 1_000_000), default=50, show_default=True, metavar="N",
              help="Baris terbaru paling banyak.")
@click.option("--format", "fmt", type=click.Choice(["teks", "csv"]), default="teks", show_default=True,
              help="teks: tabel 80 kolom; csv: semua kolom, untuk diolah lagi.")
@help_option
@click.pass_context
def audit(ctx: click.Context, nik: str, petugas: str, berkas: str, dari: dt.datetime | None,
          sampai: dt.datetime | None, kantor: str, batas: int, fmt: str) -> None:
    """Baca jejak audit: siapa melakukan apa pada data siapa, kapan (terbaru di atas).

    Saring menurut orang (--nik), petugas, berkas, periode dan kantor; saringan boleh
    digabung. Membaca jejak audit juga tercatat di jejak audit (sebagai sistem). Jejak
    audit tidak dapat diubah atau dihapus.

    Contoh: desk audit --nik 6403051507800003 --dari 2026-01-01
    """
    from models.auditview import MAX_LIMIT, AuditQuery

    service = service_of(ctx)
    system = service.principal("sistem")
    office_id = None
    if kantor:
        offices = {o.code.lower(): o for o in service.offices(system)}
        chosen = offices.get(kantor.strip().lower())
        if chosen is None:
            known = ", ".join(sorted(o.code for o in offices.values()))
            raise click.ClickException(f"Kantor '{kantor}' tidak ada. Kode kantor: {known}.")
        office_id = chosen.id
    query = AuditQuery(nik=nik, petugas=petugas, berkas=berkas, dari=dari.date() if dari else None,
                       sampai=sampai.date() if sampai else None, office_id=office_id)
    entries = []
    after = None
    more = True
    while more and len(entries) < batas:
        page = service.audit_trail(system, query, limit=min(MAX_LIMIT, batas - len(entries)), after=after,
                                   record=after is None)
        entries.extend(page.entries)
        more, after = page.more, page.cursor
        office_name = page.office_name
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(_CSV_HEADER)
        for e in entries:
            writer.writerow((e.at.isoformat(timespec="seconds"), e.username, e.staff_name, e.action,
                             e.action_label, e.what, e.entity, "" if e.entity_id is None else e.entity_id,
                             e.detail))
        return
    click.echo(_clip(f"Jejak audit {office_name}", _WIDTH))
    click.echo(_line([h for h, _ in _COLUMNS] + ["Data"]))
    click.echo("-" * _WIDTH)
    for e in entries:
        click.echo(_line([f"{e.at:%d-%m-%y %H.%M}", e.username or e.staff_name, e.action_label, e.what]))
        if e.detail:
            click.echo(_clip("  " + e.detail, _WIDTH))
    if not entries:
        click.echo("Tidak ada baris yang cocok.")
    elif more:
        click.echo(f"{len(entries)} baris terbaru; yang lebih lama tidak ditampilkan (naikkan --batas).")
    else:
        click.echo(f"{len(entries)} baris.")
