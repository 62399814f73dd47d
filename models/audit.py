"""The audit trail: who did what to which record, when (UU 27/2022 on personal data).

Rows are written by :meth:`models.kernel.Tx.audit` in the transaction of the change they record;
nothing in the application updates or deletes them, and the database refuses it too (migration
0016_audit_append_only: triggers on ``audit_log``). Full NIKs never reach the trail.

Every time the application shows or hands out a full NIK to a person (a letter printing it, the
register, the people form, the case screen's "tampilkan NIK") it records a ``lihat_nik`` row:
the record, the NIK masked, and the context (:func:`record_nik_view`). The trail is read back by
:mod:`models.auditview`; :data:`ACTION_LABELS` and :data:`ENTITY_LABELS` name its codes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from forms.validators import mask_nik
from models.tables import AuditLog

#: The action of a row recording that a full NIK was shown or handed out.
NIK_VIEW = "lihat_nik"

#: The action of a row recording that someone read the audit trail.
TRAIL_VIEW = "lihat_audit"

#: Rows per INSERT when many NIK views are recorded at once (a register export).
CHUNK = 500

#: What each action of the trail is called on screen (the code itself when not listed).
ACTION_LABELS: dict[str, str] = {
    # queue
    "ambil_tiket": "Ambil tiket",
    "panggil": "Panggil tiket",
    "panggil_nomor": "Panggil nomor",
    "panggil_kembali": "Panggil kembali",
    "panggil_ulang": "Ulang panggil",
    "lanjutkan": "Lanjutkan",
    "layani": "Layani",
    "tunda": "Tunda",
    "alihkan": "Alihkan tiket",
    "tidak_hadir": "Tidak hadir",
    "selesai": "Selesai",
    # people and cases
    "lihat": "Lihat data",
    "cari": "Cari berkas",
    "buat": "Data pemohon baru",
    "ubah": "Ubah data",
    "buka_berkas": "Buka berkas",
    "ubah_pemohon": "Ubah data pemohon",
    "centang": "Centang persyaratan",
    "hapus_centang": "Hapus centang",
    "catatan": "Catatan persyaratan",
    "kondisi": "Jawab kondisi",
    "lengkap": "Berkas lengkap",
    "tidak_lengkap": "Berkas tidak lengkap",
    "selesai_langkah": "Selesaikan langkah",
    "lanjutkan_perbaikan": "Lanjut setelah perbaikan",
    "tolak": "Tolak permohonan",
    "buka_kembali": "Buka kembali berkas",
    "tambah_orang": "Tambah orang",
    "ubah_orang": "Ubah data orang",
    "hapus_orang": "Hapus orang",
    "ubah_lembaga": "Ubah data lembaga",
    NIK_VIEW: "Lihat NIK lengkap",
    # documents, registers, reports
    "cetak": "Cetak dokumen",
    "cetak_ulang": "Cetak ulang",
    "batal": "Batalkan dokumen",
    "lihat_register": "Lihat register",
    "ekspor_register": "Ekspor register",
    "ekspor_kinerja": "Ekspor kinerja",
    "impor": "Impor daftar penerima",
    TRAIL_VIEW: "Lihat jejak audit",
    # staff and office
    "masuk": "Masuk",
    "keluar": "Keluar",
    "gagal_masuk": "Gagal masuk",
    "akun_dikunci": "Akun dikunci",
    "aktifkan": "Aktifkan akun",
    "nonaktifkan": "Nonaktifkan akun",
    "reset_sandi": "Reset kata sandi",
    "tutup_kantor": "Kantor tutup",
    "buka_kantor": "Kantor buka lagi",
}

#: Actions named after the kind of record they touch ((action, entity) -> name).
ENTITY_ACTION_LABELS: dict[tuple[str, str], str] = {
    ("buat", "staff"): "Buat akun",
    ("ubah", "staff"): "Ubah akun",
    ("ubah", "applicant"): "Ubah data pemohon",
    ("ubah", "counter"): "Ubah loket",
    ("lihat", "case"): "Lihat berkas",
    ("lihat", "applicant"): "Lihat data pemohon",
    ("lanjutkan", "ticket"): "Lanjutkan tiket",
    ("lanjutkan", "case"): "Lanjutkan verifikasi",
    ("selesai", "ticket"): "Selesai dilayani",
}


def action_label(action: str, entity: str) -> str:
    """What an action of the trail is called on screen ("Cetak dokumen", "Buat akun")."""
    return ENTITY_ACTION_LABELS.get((action, entity)) or ACTION_LABELS.get(action) or action.replace("_", " ")


#: What each kind of record of the trail is called on screen.
ENTITY_LABELS: dict[str, str] = {
    "ticket": "Tiket",
    "case": "Berkas",
    "applicant": "Pemohon",
    "document": "Dokumen",
    "staff": "Petugas",
    "counter": "Loket",
    "office": "Kantor",
    "service": "Layanan",
    "register": "Register",
    "laporan": "Laporan",
    "audit": "Jejak audit",
}


def mask_niks(text: str) -> str:
    """``text`` with every NIK in it masked, however it is written ("6403 0515 0780 0003",
    "6403.0515...", "NIK 6403..."): for the audit trail, which must not hold full NIKs."""

    def mask(match: re.Match[str]) -> str:
        return mask_nik(re.sub(r"\D", "", match.group(0)))

    # 16 digits, maybe grouped by spaces, dots or dashes, not part of a longer number
    text = re.sub(r"(?<!\d)\d(?:[\s.\-]?\d){15}(?!\d)", mask, text)
    # any other long run of digits (a KK number typed oddly, a NIK with a digit too many)
    return re.sub(r"\d{10,}", lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text)


def record_nik_view(tx: Any, entity: str, entity_id: int | None, nik: str, context: str,
                    **detail: Any) -> None:
    """Record, in the transaction ``tx`` (a :class:`models.kernel.Tx`), that a full NIK was
    shown or handed out to the acting person: the record, the NIK masked, the context
    ("cetak surat", "formulir orang" ...). Nothing is recorded for an empty NIK."""
    if nik:
        tx.audit(NIK_VIEW, entity, entity_id, nik=mask_nik(nik), konteks=context, **detail)


def record_nik_views(tx: Any, views: Iterable[tuple[str, int, str]], context: str, **detail: Any) -> int:
    """Record many NIK views at once (``(entity, entity_id, nik)`` each; a register of
    thousands of cases): inserted now, inside ``tx``'s transaction, :data:`CHUNK` rows per
    statement, as :meth:`models.kernel.Tx.audit` would write them (the kernel's one statement
    for all buffered rows would pass the databases' parameter limits).

    Returns:
        How many rows were recorded.
    """
    common = {k: (mask_niks(v) if isinstance(v, str) else v) for k, v in detail.items()}
    rows = [{
        "at": tx.now, "staff": tx.staff_id, "action": NIK_VIEW, "entity": entity, "entity_id": entity_id,
        "office_id": tx.ctx.office_id,
        "detail": json.dumps({"nik": mask_nik(nik), "konteks": context, **common}, ensure_ascii=False,
                             default=str),
    } for entity, entity_id, nik in views if nik]
    for start in range(0, len(rows), CHUNK):
        AuditLog.insert_many(rows[start:start + CHUNK]).execute()
    return len(rows)
