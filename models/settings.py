"""Office settings: letterhead, time zone, numbering patterns, working-day policy.

Loaded by desk.config from the configuration file; these defaults describe the demo office.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfficeSettings:
    """Everything about the office that is configuration rather than data.

    Attributes:
        code: Short office code (unique in a shared database).
        name: Office name for screens.
        pemerintah / dinas / alamat / telepon / email / website / kode_pos / kota: the kop
            (letterhead); ``kota`` is the place printed before a letter's date.
        kabupaten: The kabupaten the office serves (domisili checks).
        timezone: IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
        counters: Number of loket.
        kepala_jabatan / kepala_nama / kepala_pangkat / kepala_nip: signatory of letters.
        unit_code: Kode unit in letter numbers (e.g. "Dinsos").
        letter_number_pattern: Format of letter numbers; fields: klasifikasi, nomor, unit, tahun,
            bulan_romawi.
        register_pattern: Format of register numbers; fields: kode, nomor, tahun.
        cuti_bersama_libur: Whether cuti bersama days are not working days ([open] in DOMAIN.md).
        services: Service codes this office offers; empty = the whole catalog.
        output_dir: Where PDFs are written ("" = the data dir's "dokumen" folder).
        print_command: Command that prints a PDF, e.g. ``"lp -d loket"``; ``{file}`` is replaced
            by the PDF's path (appended when absent). Empty: documents are only saved.
    """

    code: str = "DINSOS-KKR"
    name: str = "Dinas Sosial Kabupaten Kutai Kartanegara"
    pemerintah: str = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
    dinas: str = "DINAS SOSIAL"
    alamat: str = "Jalan Cut Nyak Dhien Nomor 01 Kelurahan Melayu, Tenggarong"
    telepon: str = ""
    email: str = "dinsos@kukarkab.go.id"
    website: str = "https://dinsos.kukarkab.go.id"
    kode_pos: str = "75512"
    kota: str = "Tenggarong"
    kabupaten: str = "Kutai Kartanegara"
    timezone: str = "Asia/Makassar"
    counters: int = 3
    kepala_jabatan: str = "KEPALA DINAS SOSIAL\nKABUPATEN KUTAI KARTANEGARA"
    kepala_nama: str = "NAMA KEPALA DINAS (DEMO)"
    kepala_pangkat: str = "Pembina Utama Muda"
    kepala_nip: str = "19700101 199003 1 001"
    unit_code: str = "Dinsos"
    letter_number_pattern: str = "{klasifikasi}/{nomor:04d}/{unit}/{tahun}"
    register_pattern: str = "{kode}/{tahun}/{nomor:05d}"
    cuti_bersama_libur: bool = True
    services: tuple[str, ...] = ()
    output_dir: str = ""
    print_command: str = ""
