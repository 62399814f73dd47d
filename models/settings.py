"""Office settings: letterhead, time zone, numbering patterns, working-day policy.

Loaded by desk.config from the configuration file; these defaults describe the demo office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Priority groups of the queue (UU 8/2016, UU 13/1998 and the Standar Pelayanan's "sarana
#: khusus"): key -> label shown on the kiosk, the ticket and the counter.
PRIORITY_KINDS: dict[str, str] = {
    "lansia": "Lansia",
    "disabilitas": "Penyandang disabilitas",
    "hamil": "Ibu hamil / menyusui",
    "anak": "Anak",
}


@dataclass(frozen=True)
class QueueLine:
    """A queue line: services called from one waiting line, numbered with one letter prefix."""

    prefix: str
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class QueueSettings:
    """How the office runs its walk-in queue (``[antrean]`` in desk.toml).

    Attributes:
        lines: Services grouped into lines; a service in no line waits in its own line under its
            catalog prefix.
        priority_run: At most this many priority tickets are called in a row at a loket while
            normal tickets wait (1 = alternate; 0 = priority tickets always first).
        recall_limit: After this many calls of the same ticket the counter offers tidak hadir.
        running_text: The board's running text ("" = a greeting with the office's name).
        kiosk_key: The office's key that closes the kiosk (digits; "" = the kiosk cannot start).
        open_minutes: A loket counts as open when it called a ticket within this many minutes
            (the wait estimate divides the line by the open loket).
        board_recent: How many recent calls the board lists.
    """

    lines: tuple[QueueLine, ...] = ()
    priority_run: int = 2
    recall_limit: int = 3
    running_text: str = ""
    kiosk_key: str = ""
    open_minutes: int = 30
    board_recent: int = 6


#: Office hours per weekday (0 = Monday) as (weekday, open, close) in minutes after midnight:
#: Mon-Thu 07.30-16.00, Fri 07.30-16.30 (Perpres 21/2023: 37.5 hours a week from 07.30).
DEFAULT_HOURS: tuple[tuple[int, int, int], ...] = (
    (0, 450, 960), (1, 450, 960), (2, 450, 960), (3, 450, 960), (4, 450, 990),
)
#: During Ramadan (32.5 hours a week from 08.00): Mon-Thu 08.00-15.00, Fri 08.00-15.30.
RAMADAN_HOURS: tuple[tuple[int, int, int], ...] = (
    (0, 480, 900), (1, 480, 900), (2, 480, 900), (3, 480, 900), (4, 480, 930),
)


@dataclass(frozen=True)
class CalendarSettings:
    """The office's working calendar (``[kalender]`` in desk.toml).

    Attributes:
        hours: Office hours per weekday, (weekday, open, close) in minutes after midnight; a
            weekday not listed is a day off.
        ramadan: Whether the Ramadan schedule applies during Ramadan.
        ramadan_hours: The Ramadan schedule (same shape as ``hours``).
        ramadan_periods: The office's own Ramadan dates (first, last day); empty = the 30 days
            before Idul Fitri from the holiday calendar.
        warn_share: A running step's timer turns to the warning colour at this share of its
            mutu baku (0.8 = 80%), and the step is listed as "segera jatuh tempo".
    """

    hours: tuple[tuple[int, int, int], ...] = DEFAULT_HOURS
    ramadan: bool = False
    ramadan_hours: tuple[tuple[int, int, int], ...] = RAMADAN_HOURS
    ramadan_periods: tuple[tuple[dt.date, dt.date], ...] = ()
    warn_share: float = 0.8


@dataclass(frozen=True)
class SecuritySettings:
    """How a signed-in desk is kept from other eyes (``[keamanan]`` in desk.toml).

    Attributes:
        lock_minutes: Minutes without a key or mouse event before the desk locks its screen
            until the same staff member's password is typed again (0 = never).
    """

    lock_minutes: float = 10


@dataclass(frozen=True)
class Official:
    """An official of the office who signs documents (``[[pejabat]]`` in desk.toml).

    Attributes:
        jabatan: As the catalog names it ("Kepala Bidang Perlindungan dan Jaminan Sosial").
        nama / pangkat / nip: Printed under the signature.
        status: "Plt." or "Plh." for an acting official ("" = definitive).
    """

    jabatan: str
    nama: str
    pangkat: str = ""
    nip: str = ""
    status: str = ""


#: The demo office's officials below the head (desk.toml [[pejabat]] replaces them all).
DEMO_OFFICIALS: tuple[Official, ...] = (
    Official("Sekretaris", "NAMA SEKRETARIS (DEMO)", "Pembina Tingkat I", "19720202 199503 1 002"),
    Official("Kepala Bidang Pemberdayaan Sosial", "NAMA KABID PEMBERDAYAAN SOSIAL (DEMO)", "Pembina",
             "19750303 200003 2 003"),
    Official("Kepala Bidang Perlindungan dan Jaminan Sosial", "NAMA KABID LINJAMSOS (DEMO)", "Pembina",
             "19760404 200104 1 004"),
    Official("Kepala Bidang Rehabilitasi Sosial", "NAMA KABID REHABILITASI SOSIAL (DEMO)", "Pembina",
             "19770505 200205 2 005"),
)


@dataclass(frozen=True)
class OfficeSettings:
    """Everything about the office that is configuration rather than data.

    Attributes:
        code: Short office code (unique in a shared database).
        name: Office name for screens.
        pemerintah / dinas / alamat / telepon / email / website / kode_pos / kota: the kop
            (letterhead); ``kota`` is the place printed before a letter's date.
        url_verifikasi: Where a letter's authenticity is checked: its QR code holds
            ``{url_verifikasi}?kode=CODE`` ("" = the website + "/verifikasi").
        kabupaten: The kabupaten the office serves (domisili checks).
        timezone: IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
        counters: Number of loket.
        induk: A branch office (kantor cabang / UPT) names its main office's code here; its
            supervisors then see only their own office. "" = a main (or only) office, whose
            supervisors may look at every office on the database.
        kepala_jabatan / kepala_nama / kepala_pangkat / kepala_nip: the head of the office, who
            signs as "Kepala Dinas"; ``kepala_status`` "Plt." / "Plh." while an acting one does.
        officials: The other officials who sign (``[[pejabat]]``), found by jabatan.
        nik_documents: Document kind -> "lengkap" or "samar" (``[nik_dokumen]``): whether a kind
            prints the NIK in full; kinds not named follow forms.doctypes.DOCUMENT_KINDS.
        unit_code: Kode unit in letter numbers (e.g. "Dinsos").
        letter_number_pattern: Format of letter numbers; fields: klasifikasi, nomor, unit, tahun,
            bulan_romawi.
        register_pattern: Format of register numbers; fields: kode, nomor, tahun.
        cuti_bersama_libur: Whether cuti bersama days are not working days ([open] in DOMAIN.md).
        services: Service codes this office offers; empty = the whole catalog.
        output_dir: Where PDFs are written ("" = the data dir's "dokumen" folder).
        print_command: Command that prints a PDF, e.g. ``"lp -d loket"``; ``{file}`` is replaced
            by the PDF's path (appended when absent). Empty: documents are only saved.
        ticket_width: Thermal paper of the ticket printer, 58 or 80 (mm).
        ticket_printer: Where tickets go instead of ``print_command``: an ESC/POS printer
            (``escpos:net:HOST[:PORT]``, ``escpos:usb:VID:PID``, ``escpos:serial:DEV``,
            ``escpos:file:/dev/usb/lp0``) or a command (``lp -d tiket``). Empty: print_command.
        queue: The queue's lines, priority rule and board (``[antrean]``).
        calendar: Working days and hours, the Ramadan schedule, the warning share (``[kalender]``).
        security: The idle screen lock (``[keamanan]``).
    """

    code: str = "DINSOS-KKR"
    name: str = "Dinas Sosial Kabupaten Kutai Kartanegara"
    pemerintah: str = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
    dinas: str = "DINAS SOSIAL"
    alamat: str = "Jalan Cut Nyak Dhien Nomor 01 Kelurahan Melayu, Tenggarong"
    telepon: str = ""
    email: str = "dinsos@kukarkab.go.id"
    website: str = "https://dinsos.kukarkab.go.id"
    url_verifikasi: str = ""
    kode_pos: str = "75512"
    kota: str = "Tenggarong"
    #: The office's lambang (PNG or JPEG) printed at the left of the kop ("" = none).
    lambang: str = ""
    #: Paper of letters and documents: "A4" or "F4" (215 x 330 mm).
    kertas: str = "A4"
    kabupaten: str = "Kutai Kartanegara"
    timezone: str = "Asia/Makassar"
    counters: int = 3
    induk: str = ""
    kepala_jabatan: str = "KEPALA DINAS SOSIAL\nKABUPATEN KUTAI KARTANEGARA"
    kepala_nama: str = "NAMA KEPALA DINAS (DEMO)"
    kepala_pangkat: str = "Pembina Utama Muda"
    kepala_nip: str = "19700101 199003 1 001"
    kepala_status: str = ""
    officials: tuple[Official, ...] = DEMO_OFFICIALS
    nik_documents: tuple[tuple[str, str], ...] = ()
    unit_code: str = "Dinsos"
    letter_number_pattern: str = "{klasifikasi}/{nomor:04d}/{unit}/{tahun}"
    register_pattern: str = "{kode}/{tahun}/{nomor:05d}"
    cuti_bersama_libur: bool = True
    services: tuple[str, ...] = ()
    output_dir: str = ""
    print_command: str = ""
    ticket_width: int = 80
    ticket_printer: str = ""
    queue: QueueSettings = field(default_factory=QueueSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)


def tz_label(zone: str) -> str:
    """WIB, WITA or WIT for an Indonesian IANA zone (by its UTC offset); "" for others."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    try:
        offset = dt.datetime.now(ZoneInfo(zone)).utcoffset()
    except Exception:
        return ""
    hours = offset.total_seconds() / 3600 if offset is not None else None
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours, "")  # type: ignore[arg-type]
