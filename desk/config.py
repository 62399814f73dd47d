"""Configuration: where the data lives, which database, which office.

Order of precedence: command-line options, environment variables (``DESK_DB``, ``DESK_CONFIG``,
``DESK_DATA_DIR``), the configuration file (``desk.toml`` in the user's config dir, or
``--config``), built-in defaults (the demo office). Nothing here runs at import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from models.settings import (
    CalendarSettings,
    OfficeSettings,
    Official,
    QueueLine,
    QueueSettings,
    SecuritySettings,
)
from output.voicesettings import VoiceSettings


def sqlite_url(path: Path) -> str:
    """The URL of an SQLite database file at ``path`` (as models.db.sqlite_url; not imported
    from there: the configuration is read before the database layer and peewee are loaded)."""
    return f"sqlite:///{Path(path).resolve()}"


APP_NAME = "desk"


class ConfigError(Exception):
    """The configuration file is unreadable or has wrong values (message in Indonesian)."""


@dataclass(frozen=True)
class Config:
    """Resolved configuration.

    Attributes:
        data_dir: Folder for the SQLite database and documents.
        db_url: Database URL.
        office: Office settings (kop, time zone, numbering).
        katalog_dirs: Extra folders with service files (*.toml).
        output_dir: Folder for PDFs.
        config_file: The file read, if any.
    """

    data_dir: Path
    db_url: str
    office: OfficeSettings
    output_dir: Path
    katalog_dirs: tuple[Path, ...] = ()
    config_file: Path | None = None
    extra: dict = field(default_factory=dict)
    #: The board's voice call ([suara]).
    voice: VoiceSettings = field(default_factory=VoiceSettings)


def default_data_dir() -> Path:
    """The platform's user data dir for desk (e.g. ~/.local/share/desk)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """The platform's config file path (e.g. ~/.config/desk/desk.toml)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "desk.toml"


_OFFICE_FIELDS = {f.name: f for f in dataclasses.fields(OfficeSettings)}


_QUEUE_KEYS = {"prioritas_beruntun": "priority_run", "batas_panggil_ulang": "recall_limit",
               "teks_berjalan": "running_text", "kunci_anjungan": "kiosk_key",
               "menit_loket_buka": "open_minutes", "panggilan_terakhir": "board_recent"}


def _queue_from(table: dict, source: str) -> QueueSettings:
    """The ``[antrean]`` section: numbers, texts and ``[[antrean.jalur]]`` line groups."""
    values: dict = {}
    for key, value in table.items():
        where = f"{source}: [antrean].{key}"
        if key == "jalur":
            continue
        if key not in _QUEUE_KEYS:
            raise ConfigError(f"{where}: kunci tidak dikenal (pilihan: jalur, {', '.join(_QUEUE_KEYS)})")
        name = _QUEUE_KEYS[key]
        if name in ("running_text", "kiosk_key"):
            if not isinstance(value, str):
                raise ConfigError(f"{where}: harus teks")
            if name == "kiosk_key" and value and not (value.isdigit() and 4 <= len(value) <= 12):
                raise ConfigError(f"{where}: harus 4-12 angka (diketik di papan angka anjungan)")
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: harus bilangan bulat 0 atau lebih")
        values[name] = value
    lines = []
    raw_lines = table.get("jalur", [])
    if not isinstance(raw_lines, list):
        raise ConfigError(f"{source}: [[antrean.jalur]] harus daftar tabel")
    for n, entry in enumerate(raw_lines, 1):
        where = f"{source}: [[antrean.jalur]] ke-{n}"
        if not isinstance(entry, dict) or set(entry) - {"prefiks", "nama", "layanan"}:
            raise ConfigError(f"{where}: kunci yang dikenal: prefiks, nama, layanan")
        prefix = entry.get("prefiks", "")
        if not (isinstance(prefix, str) and prefix.isascii() and prefix.isalpha() and prefix.isupper()
                and 1 <= len(prefix) <= 3):
            raise ConfigError(f"{where}: prefiks harus 1-3 huruf kapital A-Z")
        services = entry.get("layanan", [])
        if not (isinstance(services, list) and services and all(isinstance(c, str) for c in services)):
            raise ConfigError(f"{where}: layanan harus daftar kode layanan, mis. [\"REK-PUB\", \"REK-LKS\"]")
        name = entry.get("nama", "") or ", ".join(services)
        if not isinstance(name, str):
            raise ConfigError(f"{where}: nama harus teks")
        if any(line.prefix == prefix for line in lines):
            raise ConfigError(f"{where}: prefiks {prefix} sudah dipakai jalur lain")
        lines.append(QueueLine(prefix=prefix, name=name, services=tuple(services)))
    return QueueSettings(lines=tuple(lines), **values)


#: ``[suara]`` keys in the configuration file and the VoiceSettings fields they set.
_VOICE_KEYS = {"mesin": "engine", "ulang": "repeat", "bunyi_awal": "chime", "folder_rekaman": "clips_dir",
               "kecepatan": "speed", "suara": "voice", "pemutar": "player"}


def _voice_from(table: dict, source: str) -> VoiceSettings:
    unknown = set(table) - set(_VOICE_KEYS)
    if unknown:
        raise ConfigError(f"{source}: [suara].{sorted(unknown)[0]}: kunci tidak dikenal "
                          f"(pilihan: {', '.join(_VOICE_KEYS)})")
    try:
        return VoiceSettings.from_mapping({_VOICE_KEYS[k]: v for k, v in table.items()})
    except ValueError as exc:
        message = str(exc)
        for ours, theirs in _VOICE_KEYS.items():
            message = message.replace(f"[suara].{theirs}:", f"[suara].{ours}:").replace(
                f"{theirs} =", f"{ours} =")
        raise ConfigError(f"{source}: {message}") from None


_OFFICIAL_KEYS = ("jabatan", "nama", "pangkat", "nip", "status")


def _officials_from(entries: object, source: str) -> tuple[Official, ...]:
    """``[[pejabat]]``: the officials who sign besides the head, each found by its jabatan."""
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: [[pejabat]] harus daftar tabel")
    out: list[Official] = []
    for n, entry in enumerate(entries, 1):
        where = f"{source}: [[pejabat]] ke-{n}"
        if not isinstance(entry, dict) or set(entry) - set(_OFFICIAL_KEYS):
            raise ConfigError(f"{where}: kunci yang dikenal: {', '.join(_OFFICIAL_KEYS)}")
        if not all(isinstance(v, str) for v in entry.values()):
            raise ConfigError(f"{where}: semua isian berupa teks")
        jabatan = " ".join(entry.get("jabatan", "").split())
        if not jabatan or not entry.get("nama", "").strip():
            raise ConfigError(f"{where}: jabatan dan nama wajib diisi")
        if entry.get("status", "") not in ("", "Plt.", "Plh."):
            raise ConfigError(f"{where}: status \"Plt.\", \"Plh.\" atau kosong")
        if any(o.jabatan.lower() == jabatan.lower() for o in out):
            raise ConfigError(f"{where}: jabatan '{jabatan}' sudah ada")
        out.append(Official(jabatan=jabatan, nama=entry["nama"].strip(), pangkat=entry.get("pangkat", ""),
                            nip=entry.get("nip", ""), status=entry.get("status", "")))
    return tuple(out)


def _nik_policy_from(table: object, source: str) -> tuple[tuple[str, str], ...]:
    """``[nik_dokumen]``: kind = "lengkap" | "samar"."""
    from forms.doctypes import DOCUMENT_KINDS, NIK_CHOICES

    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [nik_dokumen] harus tabel, mis. rekomendasi = \"lengkap\"")
    for kind, value in table.items():
        if kind not in DOCUMENT_KINDS:
            raise ConfigError(f"{source}: [nik_dokumen].{kind}: jenis dokumen tidak dikenal "
                              f"(pilihan: {', '.join(DOCUMENT_KINDS)})")
        if value not in NIK_CHOICES:
            raise ConfigError(f"{source}: [nik_dokumen].{kind}: \"lengkap\" atau \"samar\"")
    return tuple(sorted(table.items()))


#: ``[kalender]`` day names, Monday first (datetime's weekday numbers).
_DAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
_CALENDAR_KEYS = ("jam_kerja", "ramadan", "jam_kerja_ramadan", "ramadan_tanggal", "ambang_peringatan",
                  "cuti_bersama_libur")


def _clock_minute(text: str) -> int | None:
    """``"07.30"`` or ``"07:30"`` as minutes after midnight (None when not a time of day)."""
    hour, sep, minute = text.strip().replace(":", ".").partition(".")
    if not (sep and hour.isdigit() and minute.isdigit() and len(minute) == 2):
        return None
    if int(hour) > 24 or int(minute) > 59 or int(hour) * 60 + int(minute) > 24 * 60:
        return None
    return int(hour) * 60 + int(minute)


def _hours_from(table: object, where: str) -> tuple[tuple[int, int, int], ...]:
    """``{ senin = "07.30-16.00", ... }``: office hours per weekday (a day not named is off)."""
    example = '{ senin = "07.30-16.00", jumat = "07.30-16.30" }'
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{where}: harus tabel hari dan jam, mis. {example}")
    hours = []
    for day, value in table.items():
        if day not in _DAY_NAMES:
            raise ConfigError(f"{where}.{day}: hari tidak dikenal (pilihan: {', '.join(_DAY_NAMES)})")
        opening, _, closing = value.partition("-") if isinstance(value, str) else ("", "", "")
        start, end = _clock_minute(opening), _clock_minute(closing)
        if start is None or end is None:
            raise ConfigError(f'{where}.{day}: tulis jam buka-tutup seperti "07.30-16.00"')
        if end <= start:
            raise ConfigError(f"{where}.{day}: jam tutup harus sesudah jam buka")
        hours.append((_DAY_NAMES.index(day), start, end))
    return tuple(sorted(hours))


def _periods_from(value: object, where: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """``[["2026-02-18", "2026-03-19"]]``: the office's own Ramadan dates (first, last day)."""
    example = '[["2026-02-18", "2026-03-19"]]'
    if not isinstance(value, list):
        raise ConfigError(f"{where}: harus daftar pasangan tanggal awal dan akhir, mis. {example}")
    periods = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ConfigError(f"{where}: tiap periode berupa [awal, akhir], mis. {example}")
        days = []
        for item in pair:
            if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
                days.append(item)
                continue
            try:
                days.append(dt.date.fromisoformat(item) if isinstance(item, str) else None)
            except ValueError:
                days.append(None)
            if days[-1] is None:
                raise ConfigError(f"{where}: tanggal '{item}' tidak sah (tulis TTTT-BB-HH)")
        if days[1] < days[0]:
            raise ConfigError(f"{where}: tanggal akhir {days[1]} sebelum tanggal awal {days[0]}")
        periods.append((days[0], days[1]))
    return tuple(sorted(periods))


def _calendar_from(table: object, source: str) -> tuple[CalendarSettings, bool | None]:
    """``[kalender]``: office hours, the Ramadan schedule, the warning share, and whether cuti
    bersama is a day off (None when the section does not say)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [kalender] harus tabel")
    for key in table:
        if key not in _CALENDAR_KEYS:
            raise ConfigError(f"{source}: [kalender].{key}: kunci tidak dikenal (pilihan: {', '.join(_CALENDAR_KEYS)})")
    values: dict = {}
    if "jam_kerja" in table:
        values["hours"] = _hours_from(table["jam_kerja"], f"{source}: [kalender].jam_kerja")
    if "jam_kerja_ramadan" in table:
        values["ramadan_hours"] = _hours_from(table["jam_kerja_ramadan"], f"{source}: [kalender].jam_kerja_ramadan")
    if "ramadan_tanggal" in table:
        values["ramadan_periods"] = _periods_from(table["ramadan_tanggal"], f"{source}: [kalender].ramadan_tanggal")
    for key in ("ramadan", "cuti_bersama_libur"):
        if key in table and not isinstance(table[key], bool):
            raise ConfigError(f"{source}: [kalender].{key}: harus true atau false")
    if "ramadan" in table:
        values["ramadan"] = table["ramadan"]
    if "ambang_peringatan" in table:
        share = table["ambang_peringatan"]
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 1 <= share <= 100:
            raise ConfigError(f"{source}: [kalender].ambang_peringatan: persen mutu baku terpakai saat "
                              "waktu langkah berubah kuning, 1 sampai 100 (mis. 80)")
        values["warn_share"] = share / 100
    return CalendarSettings(**values), table.get("cuti_bersama_libur")


def _security_from(table: object, source: str) -> SecuritySettings:
    """``[keamanan]``: minutes without a key before the desk locks its screen (0 = never)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [keamanan] harus tabel, mis. kunci_layar_menit = 10")
    for key in table:
        if key != "kunci_layar_menit":
            raise ConfigError(f"{source}: [keamanan].{key}: kunci tidak dikenal (pilihan: kunci_layar_menit)")
    minutes = table.get("kunci_layar_menit", SecuritySettings.lock_minutes)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 <= minutes <= 1440:
        raise ConfigError(f"{source}: [keamanan].kunci_layar_menit: menit tanpa tombol sebelum layar "
                          "terkunci, 0 (tidak pernah) sampai 1440, mis. 10")
    return SecuritySettings(lock_minutes=minutes)


def _office_from(table: dict, source: str, queue: dict | None = None, raw: dict | None = None) -> OfficeSettings:
    values: dict = {"queue": _queue_from(queue or {}, source)}
    raw = raw or {}
    if "kalender" in raw:
        values["calendar"], cuti_libur = _calendar_from(raw["kalender"], source)
        if cuti_libur is not None:
            if table.get("cuti_bersama_libur", cuti_libur) != cuti_libur:
                raise ConfigError(f"{source}: [kalender].cuti_bersama_libur dan [kantor].cuti_bersama_libur "
                                  "berbeda; cukup tulis di [kalender]")
            values["cuti_bersama_libur"] = cuti_libur
    if "pejabat" in raw:
        values["officials"] = _officials_from(raw["pejabat"], source)
    if "nik_dokumen" in raw:
        values["nik_documents"] = _nik_policy_from(raw["nik_dokumen"], source)
    if "keamanan" in raw:
        values["security"] = _security_from(raw["keamanan"], source)
    for key, value in table.items():
        if key not in _OFFICE_FIELDS or key in ("queue", "officials", "nik_documents", "calendar", "security"):
            raise ConfigError(f"{source}: [kantor].{key}: kunci tidak dikenal")
        default = _OFFICE_FIELDS[key].default
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"{source}: [kantor].{key}: harus berupa daftar")
            value = tuple(str(v) for v in value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: [kantor].{key}: harus true atau false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{source}: [kantor].{key}: harus bilangan bulat")
        elif not isinstance(value, str):
            raise ConfigError(f"{source}: [kantor].{key}: harus teks")
        values[key] = value
    office = OfficeSettings(**values)
    if office.kepala_status not in ("", "Plt.", "Plh."):
        raise ConfigError(f"{source}: [kantor].kepala_status: \"Plt.\", \"Plh.\" atau kosong")
    if office.induk and office.induk == office.code:
        raise ConfigError(f"{source}: [kantor].induk: kode kantor induk '{office.induk}' sama dengan kode "
                          "kantor ini; kosongkan induk untuk kantor induk, isi kode kantor induk untuk cabang")
    if office.ticket_width not in (58, 80):
        raise ConfigError(f"{source}: [kantor].ticket_width: lebar kertas tiket 58 atau 80 (mm)")
    if office.kertas not in ("A4", "F4"):
        raise ConfigError(f"{source}: [kantor].kertas: ukuran kertas surat 'A4' atau 'F4'")
    if office.lambang:
        logo = Path(office.lambang).expanduser()
        if not logo.is_file() or logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ConfigError(f"{source}: [kantor].lambang: berkas gambar PNG/JPEG '{office.lambang}' "
                              "tidak ditemukan")
    if office.url_verifikasi and not office.url_verifikasi.startswith(("https://", "http://")):
        raise ConfigError(f"{source}: [kantor].url_verifikasi: harus alamat web yang diawali https:// "
                          "(contoh: https://dinsos.kukarkab.go.id/verifikasi)")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(office.timezone)
    except Exception:
        raise ConfigError(f"{source}: [kantor].timezone: zona waktu '{office.timezone}' tidak dikenal "
                          "(contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura)") from None
    return office


def load_config(*, db: str | None = None, config_file: str | Path | None = None,
                data_dir: str | Path | None = None) -> Config:
    """Resolve the configuration.

    Args:
        db: Database URL or SQLite file path from the command line (or DESK_DB).
        config_file: Configuration file (or DESK_CONFIG); a missing default file is fine.
        data_dir: Data folder (or DESK_DATA_DIR).

    Raises:
        ConfigError: for an unreadable or invalid configuration file.
    """
    explicit = config_file or os.environ.get("DESK_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_file()
    raw: dict = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: tidak dapat dibaca: {exc}") from None
    elif explicit:
        raise ConfigError(f"Berkas konfigurasi {path} tidak ditemukan.")
    else:
        path = None

    unknown = set(raw) - {"kantor", "basis_data", "data_dir", "katalog_dirs", "dokumen_dir", "antrean", "suara",
                          "pejabat", "nik_dokumen", "kalender", "keamanan"}
    if unknown:
        raise ConfigError(f"{path}: kunci tidak dikenal: {', '.join(sorted(unknown))}")
    office = _office_from(raw.get("kantor", {}), str(path), raw.get("antrean", {}), raw)
    voice = _voice_from(raw.get("suara", {}), str(path))
    ddir = Path(data_dir or os.environ.get("DESK_DATA_DIR") or raw.get("data_dir") or default_data_dir()).expanduser()
    url = db or os.environ.get("DESK_DB") or raw.get("basis_data") or ""
    if not url:
        url = sqlite_url(ddir / "desk.db")
    elif "://" not in url:
        url = sqlite_url(Path(url).expanduser())
    out = raw.get("dokumen_dir") or office.output_dir
    output_dir = Path(out).expanduser() if out else ddir / "dokumen"
    kdirs = tuple(Path(p).expanduser() for p in raw.get("katalog_dirs", []))
    return Config(data_dir=ddir, db_url=url, office=office, output_dir=output_dir, katalog_dirs=kdirs,
                  config_file=path, voice=voice)


EXAMPLE_CONFIG = '''# Konfigurasi desk (TOML). Semua kunci opsional.
# basis_data = "postgresql://desk@10.0.0.5:5432/desk"   # server pusat; kosong = SQLite lokal
# data_dir = "/srv/desk"                                # folder data (SQLite dan dokumen)
# dokumen_dir = "/srv/desk/dokumen"                     # folder PDF
# katalog_dirs = ["/etc/desk/katalog"]                  # jenis layanan tambahan milik kantor

[kantor]
code = "DINSOS-KKR"
name = "Dinas Sosial Kabupaten Kutai Kartanegara"
pemerintah = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
dinas = "DINAS SOSIAL"
alamat = "Jalan Cut Nyak Dhien Nomor 01 Kelurahan Melayu, Tenggarong"
email = "dinsos@kukarkab.go.id"
website = "https://dinsos.kukarkab.go.id"
# url_verifikasi = "https://dinsos.kukarkab.go.id/verifikasi"   # isi kode QR surat: URL ini + "?kode=KODE" (bawaan: website + "/verifikasi")
kode_pos = "75512"
# lambang = "/etc/desk/lambang-kukar.png"   # lambang daerah di kiri kop surat (PNG/JPEG)
# kertas = "F4"                              # kertas surat: A4 (bawaan) atau F4
kota = "Tenggarong"
kabupaten = "Kutai Kartanegara"
timezone = "Asia/Makassar"          # WIB: Asia/Jakarta, WITA: Asia/Makassar, WIT: Asia/Jayapura
counters = 3
# induk = "DINSOS-KKR"                # kantor cabang/UPT: kode kantor induknya (supervisor cabang hanya melihat kantornya)
kepala_nama = "NAMA KEPALA DINAS"
kepala_pangkat = "Pembina Utama Muda"
kepala_nip = "19700101 199003 1 001"
letter_number_pattern = "{klasifikasi}/{nomor:04d}/{unit}/{tahun}"
register_pattern = "{kode}/{tahun}/{nomor:05d}"
# services = ["REK-LKS", "REK-PUB"]  # kosong = semua layanan di katalog
# print_command = "lp -d loket1"       # cetak otomatis; {file} = path PDF (kosong = hanya disimpan)
ticket_width = 80                      # kertas tiket thermal: 58 atau 80 (mm)
# ticket_printer = "escpos:net:192.168.1.60"   # printer tiket ESC/POS (atau "lp -d tiket")

# kepala_status = "Plt."              # kepala dinas pelaksana tugas: "Plt. KEPALA DINAS ..."

# Pejabat penandatangan selain kepala dinas, dicari menurut jabatan yang disebut katalog
# (penandatangan = "Kepala Bidang ..."; atas_nama = ["Kepala Dinas"] mencetak "a.n. KEPALA DINAS ...").
[[pejabat]]
jabatan = "Kepala Bidang Perlindungan dan Jaminan Sosial"
nama = "NAMA KEPALA BIDANG"
pangkat = "Pembina"
nip = "19760404 200104 1 004"
# status = "Plt."

# NIK lengkap atau disamarkan (3273********0002) per jenis dokumen. Bawaan: lengkap pada surat
# untuk pihak yang harus mengenali orangnya (rekomendasi, surat keterangan, surat pengantar,
# berita acara); samar pada slip, tanda terima, disposisi dan surat pemberitahuan.
[nik_dokumen]
# surat_pengantar = "lengkap"
# disposisi = "samar"

# Kalender kerja: hari dan jam kerja, jadwal Ramadan, cuti bersama, batas peringatan waktu.
# Mutu baku dalam menit/jam berjalan pada jam kerja saja; hari kerja pada hari kerja; hari, bulan,
# tahun dan "1 x 24 jam" pada kalender (batas yang jatuh pada hari libur pindah ke hari kerja
# berikutnya). Hari libur kantor sendiri: desk kalender tutup TANGGAL --alasan "...".
[kalender]
cuti_bersama_libur = true   # cuti bersama dihitung hari libur (false: kantor tetap buka)
# jam_kerja = { senin = "07.30-16.00", selasa = "07.30-16.00", rabu = "07.30-16.00", kamis = "07.30-16.00", jumat = "07.30-16.30" }
#                           # hari yang tidak disebut = libur; "sabtu" dan "minggu" boleh
# ramadan = false           # true: jam kerja Ramadan berlaku selama bulan Ramadan
# jam_kerja_ramadan = { senin = "08.00-15.00", selasa = "08.00-15.00", rabu = "08.00-15.00", kamis = "08.00-15.00", jumat = "08.00-15.30" }
# ramadan_tanggal = [["2026-02-18", "2026-03-19"]]   # tanggal Ramadan hasil sidang isbat (bawaan: 30 hari sebelum Idul Fitri)
# ambang_peringatan = 80    # waktu langkah berubah kuning (SEGERA) pada 80% mutu baku, merah (TERLAMBAT) lewat 100%

[keamanan]
kunci_layar_menit = 10      # layar loket terkunci setelah 10 menit tanpa tombol; buka dengan kata sandi petugas yang sama (0 = tidak pernah)

[antrean]
prioritas_beruntun = 2      # paling banyak 2 panggilan prioritas berturut-turut (1 = selang-seling, 0 = prioritas selalu dulu)
batas_panggil_ulang = 3     # setelah 3 panggilan, loket menawarkan "tidak hadir"
# teks_berjalan = "Selamat datang ... Layanan ini GRATIS."
# kunci_anjungan = "246810"  # angka untuk menutup anjungan (wajib untuk desk anjungan)
# menit_loket_buka = 30      # loket dihitung buka bila memanggil dalam 30 menit terakhir
# panggilan_terakhir = 6     # jumlah panggilan terakhir di papan

# [[antrean.jalur]]         # beberapa layanan dalam satu jalur antrean (bawaan: satu jalur per layanan)
# prefiks = "R"
# nama = "Rekomendasi"
# layanan = ["REK-PUB", "REK-LKS"]

[suara]
mesin = "espeak"            # espeak (espeak-ng, suara Indonesia) | rekaman (klip WAV) | mati
ulang = 1                   # berapa kali pengumuman diucapkan
# folder_rekaman = "/srv/desk/suara"   # klip WAV untuk mesin "rekaman"
# pemutar = "aplay -q"                  # perintah pemutar WAV (bawaan: dicari otomatis)
'''
