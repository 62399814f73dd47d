"""What a case's document says and who signs it: its text from the catalog's template and the
case's data, the signer from the office's officials, the NIK full or masked by office setting,
and the layout it is drawn with. No database writes here (models.issuing numbers and records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.catalog import HEAD_OF_OFFICE, Letter, Signer
from forms.doctypes import DOCUMENT_KINDS
from models.dto import CaseDetail, DeskError
from models.kernel import Context
from models.persons import letter_values
from output.words import format_rupiah, format_tanggal


def _docs():
    """The PDF module, imported on first use (fpdf2 takes ~0.4 s to import)."""
    from output import documents

    return documents


def kop(ctx: Context) -> Any:
    """The office's letterhead."""
    s = ctx.settings
    return _docs().Kop(pemerintah=s.pemerintah, dinas=s.dinas, alamat=s.alamat, telepon=s.telepon,
                       email=s.email, website=s.website, kode_pos=s.kode_pos, kota=s.kota,
                       lambang=s.lambang, kertas=s.kertas)


def full_nik(ctx: Context, kind: str) -> bool:
    """Whether documents of ``kind`` print the NIK in full: the office's [nik_dokumen] setting,
    else the kind's default (full where the recipient must identify the person)."""
    policy = dict(ctx.settings.nik_documents)
    if kind in policy:
        return policy[kind] == "lengkap"
    spec = DOCUMENT_KINDS.get(kind)
    return bool(spec and spec.full_nik)


def applicant_lines(detail: CaseDetail, *, full: bool = False) -> list[tuple[str, str]]:
    """The applicant's identity table on slips, receipts and letters (NIK masked unless ``full``)."""
    a = detail.applicant
    lines: list[tuple[str, str]] = []
    if a.org_name:
        lines.append(("Lembaga/kelompok", a.org_name))
        lines.append(("Penanggung jawab", a.name))
    else:
        lines.append(("Nama", a.name))
    lines.append(("NIK", a.nik if full else a.nik_masked))
    address = ", ".join(p for p in (a.address, a.desa, f"Kec. {a.kecamatan}" if a.kecamatan else "",
                                    a.kabupaten) if p)
    lines.append(("Alamat", address))
    if a.phone:
        lines.append(("Telepon", a.phone))
    if detail.member_count:
        lines.append(("Jumlah anggota", f"{detail.member_count} orang"))
    return lines


def _official(ctx: Context, jabatan: str, *, draft: bool) -> tuple[str, str, str, str, str]:
    """(jabatan as printed, nama, pangkat, nip, status) of the official holding ``jabatan``."""
    s = ctx.settings
    if jabatan == HEAD_OF_OFFICE:
        return s.kepala_jabatan, s.kepala_nama, s.kepala_pangkat, s.kepala_nip, s.kepala_status
    for o in s.officials:
        if o.jabatan.lower() == jabatan.lower():
            return o.jabatan, o.nama, o.pangkat, o.nip, o.status
    if draft:
        return jabatan, "", "", "", ""
    raise DeskError(f"Pejabat penandatangan '{jabatan}' belum terdaftar di konfigurasi kantor "
                    "([[pejabat]] di desk.toml); surat dapat dicetak sebagai KONSEP saja.")


def signatory(ctx: Context, signer: Signer, *, draft: bool = False) -> Any:
    """The output Signatory for ``signer``: the official's name, pangkat and NIP, with the a.n. /
    u.b. chain of the jabatan signed for.

    Raises:
        DeskError: the office has no official with that jabatan (a KONSEP prints it unnamed).
    """
    jabatan, nama, pangkat, nip, status = _official(ctx, signer.jabatan, draft=draft)
    chain = tuple(ctx.settings.kepala_jabatan if j == HEAD_OF_OFFICE else j for j in signer.on_behalf)
    return _docs().Signatory(jabatan=jabatan, nama=nama, pangkat=pangkat, nip=nip, on_behalf=chain,
                             status=status)


def signer_table(sig: Any) -> list[tuple[str, str]]:
    """A surat keterangan's "Yang bertanda tangan di bawah ini:" table."""
    jabatan = " ".join(sig.jabatan.split())
    if jabatan.isupper():
        jabatan = jabatan.title()
    rows = [("Nama", sig.nama), ("NIP", sig.nip), ("Pangkat/Gol.", sig.pangkat),
            ("Jabatan", f"{sig.status} {jabatan}".strip())]
    return [(label, value) for label, value in rows if value]


#: How a berita acara words a criterion's status.
CRITERION_WORDS = {"memenuhi": "memenuhi", "tidak_memenuhi": "tidak memenuhi",
                   "perlu_diperiksa": "belum dapat dipastikan", "diperiksa_petugas": "diperiksa petugas"}


class _SafeDict(dict):
    """format_map mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _aid_rows(svc: Any) -> list[tuple[str, str]]:
    rows = [("Jenis bantuan", svc.produk or svc.name)]
    if svc.benefit_rupiah:
        rows.append(("Nilai bantuan", format_rupiah(svc.benefit_rupiah)))
        if svc.benefit_period and svc.benefit_period != "sekali":
            times = f", {svc.benefit_count} kali" if svc.benefit_count else ""
            rows.append(("Periode", f"per {svc.benefit_period}{times}"))
    return rows


@dataclass
class Content:
    """A document's text, ready for its layout."""

    blocks: list = field(default_factory=list)
    addressee: str = ""
    hal: str = ""
    closing: str = ""
    forward_to: list[tuple[str, bool]] = field(default_factory=list)
    instructions: list[tuple[str, bool]] = field(default_factory=list)


def content(ctx: Context, detail: CaseDetail, spec: Letter, svc: Any, *, draft: bool = False,
            masked: bool = False, values: dict[str, str] | None = None,
            tables: dict[str, list] | None = None) -> Content:
    """The document's paragraphs, tables and addressee from the case's data (``masked``: the NIK
    masked whatever the office's setting, as the digest reads it; ``values`` and ``tables`` add
    what only the caller knows, e.g. a refusal's reasons)."""
    extra_values, extra_tables = values or {}, tables or {}
    a = detail.applicant
    full = full_nik(ctx, spec.document_kind) and not masked
    values: _SafeDict = _SafeDict(
        nama_pemohon=a.org_name or a.name,
        alamat_pemohon=", ".join(p for p in (a.address, a.desa, a.kecamatan, a.kabupaten) if p),
        nik_pemohon=a.nik if full else a.nik_masked,
        tanggal_lengkap=format_tanggal(detail.complete_at.date()) if detail.complete_at else "-",
        nomor_register=detail.register_no, nama_layanan=detail.service.name, kabupaten=ctx.settings.kabupaten,
        nama_bidang=(svc.bidang if svc is not None and svc.bidang else "Bidang terkait"),
        nilai_bantuan=format_rupiah(svc.benefit_rupiah) if svc is not None and svc.benefit_rupiah else "-",
        nama_kantor=ctx.settings.name,
        tanggal_permohonan=format_tanggal(detail.created_at.date()),
        rujukan_berkas=(f"nomor register {detail.register_no}" if detail.register_no
                        else f"nomor berkas {detail.id}"),
    )
    values.update(letter_values(detail, format_tanggal))  # the people of the case: {ketua.nama} ...
    values.update(extra_values)
    checked = [line for line in detail.checklist if line.required]
    tables: dict[str, list] = {
        "{identitas_pemohon}": [applicant_lines(detail, full=full)],
        "{identitas_penandatangan}": [signer_table(signatory(ctx, spec.signer, draft=draft))],
        "{hasil_pemeriksaan}": [f"{i}. {line.text}: {'ada' if line.received else 'tidak ada'}"
                                for i, line in enumerate(checked, 1)] or ["(tidak ada berkas yang dipersyaratkan)"],
        "{hasil_kriteria}": [f"{i}. {line.text.rstrip('. ')}: {CRITERION_WORDS.get(line.status, line.status)}"
                             + (f" ({line.detail})" if line.detail and line.detail != line.text else "")
                             for i, line in enumerate(detail.criteria, 1)] or ["(layanan ini tanpa kriteria)"],
        "{rincian_bantuan}": [_aid_rows(svc)] if svc is not None else [],
        **extra_tables,
    }
    blocks: list = []
    for para in spec.body:
        blocks.extend(tables.get(para.strip(), [para.format_map(values)]))
    return Content(
        blocks=blocks, addressee=(spec.addressee or a.org_name or a.name).format_map(values),
        hal=spec.hal.format_map(values), closing=spec.closing.format_map(values),
        forward_to=[(t.format_map(values), t.format_map(values) == values["nama_bidang"]) for t in spec.forward_to],
        instructions=[(t, t in spec.ticked) for t in spec.instructions],
    )


def digest(ctx: Context, detail: CaseDetail, spec: Letter, svc: Any) -> str:
    """SHA-256 of what the document prints: equal on a plain reprint, different once the data it
    prints was corrected (the NIK read masked: the office showing it in full changes no data)."""
    c = content(ctx, detail, spec, svc, draft=True, masked=True)
    return hashlib.sha256(json.dumps([c.blocks, c.addressee], ensure_ascii=False, default=str).encode()).hexdigest()


def render(ctx: Context, detail: CaseDetail, spec: Letter, svc: Any, path: Path, *, number: str,
           issued: dt.date, code: str, officer: str = "", mark: str = "",
           replaces: tuple[str, dt.date] | None = None, draft: bool = False) -> None:
    """Draw the document in its kind's layout. ``mark`` ("SALINAN") on a copy; a new version says
    which it replaces; a ``draft`` is a KONSEP (no number, no verification)."""
    docs = _docs()
    c = content(ctx, detail, spec, svc, draft=draft)
    sig = signatory(ctx, spec.signer, draft=draft)
    if replaces is not None:
        noun = "surat" if spec.layout_is_letter else "dokumen"
        c.blocks.insert(0, f"{noun.capitalize()} ini merupakan perubahan atas {noun} Nomor {replaces[0]} tanggal "
                           f"{format_tanggal(replaces[1])}, yang dengan terbitnya {noun} ini dinyatakan tidak berlaku.")
    layout = DOCUMENT_KINDS[spec.document_kind].layout if spec.document_kind in DOCUMENT_KINDS else "surat"
    if spec.template == "surat_keterangan":
        layout = "keterangan"
    common = dict(kop=kop(ctx), number=number, date=issued, draft=draft)
    if layout == "keterangan":
        docs.render_keterangan(path, signatory=sig, title=spec.title, blocks=c.blocks, closing=c.closing,
                               verification_code=code, mark=mark, **common)
    elif layout == "berita_acara":
        from output import naskah

        officer_sig = docs.Signatory(jabatan="", nama=officer)
        if spec.document_kind == "ba_serah_terima":
            receiver = docs.Signatory(jabatan="", nama=detail.applicant.name)
            parties = [naskah.Party("PIHAK KEDUA,", receiver), naskah.Party("PIHAK PERTAMA,", sig)]
            known = None
        else:
            parties = [naskah.Party("Petugas Verifikasi,", officer_sig)]
            known = naskah.Party("Mengetahui,", sig)
        naskah.render_berita_acara(
            path, title=spec.title, place=ctx.settings.name, opening_parties_intro="yang bertanda tangan di bawah ini:",
            blocks=c.blocks, closing=c.closing, parties=parties, known=known, verification_code=code, mark=mark,
            **common)
    elif layout == "disposisi":
        from output import naskah

        a = detail.applicant
        received = format_tanggal(detail.complete_at.date()) if detail.complete_at else "-"
        rows = [("Surat dari", a.org_name or a.name), ("Diterima tanggal", received),
                ("Nomor surat", "-"), ("Nomor agenda", detail.register_no or str(detail.id)),
                ("Tanggal surat", format_tanggal(detail.created_at.date())), ("Perihal", c.hal)]
        naskah.render_disposisi(path, kop=common["kop"], rows=rows, sifat=spec.sifat, forward_to=c.forward_to,
                                instructions=c.instructions, note=c.closing, signatory=sig, date=issued)
    else:
        docs.render_letter(path, signatory=sig, sifat=spec.sifat, lampiran="-", hal=c.hal, addressee=c.addressee,
                           title=spec.title, blocks=c.blocks, closing=c.closing, tembusan=list(spec.tembusan),
                           verification_code=code, mark=mark, **common)
