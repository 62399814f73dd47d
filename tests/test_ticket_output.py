"""Queue tickets: the PDF for 58 and 80 mm rolls and ESC/POS printing (output.ticket, output.escpos)."""

from __future__ import annotations

import re
import socket
import sys
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from output import escpos
from output.documents import Kop, render_ticket
from output.escpos import (
    PrinterTargetError,
    TicketPrinterError,
    parse_target,
    print_ticket_escpos,
)
from output.pdf import FONT, DeskPDF
from output.ticket import TicketSlip, render_ticket_pdf, wait_text, zone_label

MM = 72 / 25.4  # points per mm
MARGIN = {58: 3.0, 80: 4.0}
SLIP = TicketSlip(
    pemerintah="PEMERINTAH KABUPATEN KUTAI KARTANEGARA",
    dinas="DINAS SOSIAL",
    alamat="Jalan Wolter Monginsidi No. 1, Tenggarong",
    code="A-012",
    service_name="Santunan Kukar Idaman",
    issued_at=datetime(2026, 12, 3, 10, 15, tzinfo=ZoneInfo("Asia/Makassar")),
    tz_label="WITA",
    waiting_ahead=4,
    estimated_wait_min=25,
    priority_label="Prioritas: Lansia",
    line_name="Loket Umum",
)
NASTY = replace(
    SLIP,
    code="PRIORITAS-000123",
    service_name="[b]Siti[/] a [/x] b Bantuan Sosial Usaha Ekonomi Produktif Kelompok Usaha "
                 "Bersama Fakir Miskin Perkotaan\x1b\x07 " + "Sangatpanjangsekalitanpaspasi" * 3,
    line_name="Nguyễn Văn An\tŚrī",
    priority_label="Prioritas: Lansia, Penyandang Disabilitas dan Ibu Hamil",
    waiting_ahead=1234,
    estimated_wait_min=70,
)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------- PDF
@pytest.mark.parametrize("width", [58, 80])
def test_pdf_ticket_shows_everything_on_one_page_of_the_roll_width(tmp_path: Path, width: int) -> None:
    path = render_ticket_pdf(tmp_path / "t.pdf", SLIP, width_mm=width)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) == pytest.approx(width * MM, abs=0.1)
    text = _flat(_text(path))
    for part in ("PEMERINTAH KABUPATEN KUTAI KARTANEGARA", "DINAS SOSIAL", "Tenggarong",
                 "NOMOR ANTREAN", "A-012", "Prioritas: Lansia", "Santunan Kukar Idaman",
                 "Loket Umum", "Kamis, 3 Desember 2026", "pukul 10.15 WITA",
                 "Antrean di depan Anda: 4", "Perkiraan waktu tunggu:", "± 25 menit",
                 "Layanan ini GRATIS", "Mohon menunggu nomor Anda dipanggil"):
        assert part in text, part


@pytest.mark.parametrize("width", [58, 80])
def test_pdf_ticket_keeps_every_line_inside_the_paper(tmp_path: Path, width: int) -> None:
    path = render_ticket_pdf(tmp_path / "t.pdf", NASTY, width_mm=width)
    page = PdfReader(path).pages[0]
    page_w, page_h = float(page.mediabox.width), float(page.mediabox.height)
    measure = DeskPDF.ticket(width=width)
    runs: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            bold = "Bold" in str(font.get("/BaseFont", ""))
            measure.set_font(FONT, "B" if bold else "", size)
            runs.append((text, tm[4], tm[5], measure.get_string_width(text.strip()) * MM))

    page.extract_text(visitor_text=visit)
    assert len(runs) > 15
    low, high = MARGIN[width] * MM - 1, page_w - MARGIN[width] * MM + 1
    for text, x, y, w in runs:
        assert low <= x and x + w <= high, (text, x, w, page_w)
        assert 0 < y < page_h, (text, y)
    text = _flat(_text(path))
    assert "PRIORITAS-000123" in text
    assert "[b]Siti[/] a [/x] b" in text  # printed literally, never as markup
    assert "Nguyễn Văn An Śrī" in text
    assert "Antrean di depan Anda: 1234" in text
    assert "sekitar 1 jam 10 menit" in text
    assert "\x1b" not in _text(path) and "\x07" not in _text(path)


def test_pdf_ticket_grows_for_long_text_and_58_mm_is_taller(tmp_path: Path) -> None:
    heights = {}
    for width in (58, 80):
        short = render_ticket_pdf(tmp_path / f"s{width}.pdf", SLIP, width_mm=width)
        long = render_ticket_pdf(tmp_path / f"l{width}.pdf", NASTY, width_mm=width)
        heights[width] = float(PdfReader(long).pages[0].mediabox.height)
        assert heights[width] > float(PdfReader(short).pages[0].mediabox.height)
    assert heights[58] > heights[80]


def test_pdf_ticket_without_estimate_or_priority_leaves_those_lines_out(tmp_path: Path) -> None:
    slip = replace(SLIP, estimated_wait_min=None, priority_label="", line_name="", tz_label="")
    text = _flat(_text(render_ticket_pdf(tmp_path / "t.pdf", slip, width_mm=58)))
    assert "Perkiraan" not in text and "Prioritas" not in text and "Loket Umum" not in text
    assert "pukul 10.15" in text and "WITA" not in text
    assert "Layanan ini GRATIS" in text


@pytest.mark.parametrize("width", [57, 76, 0, 110])
def test_other_paper_widths_are_refused(tmp_path: Path, width: int) -> None:
    with pytest.raises(ValueError, match="58 atau 80"):
        render_ticket_pdf(tmp_path / "t.pdf", SLIP, width_mm=width)
    with pytest.raises(ValueError, match="58 atau 80"):
        escpos.ticket_escpos_bytes(SLIP, width_mm=width)


def test_wait_and_zone_wording() -> None:
    assert wait_text(25) == "Perkiraan waktu tunggu: ± 25 menit"
    assert wait_text(70) == "Perkiraan waktu tunggu: sekitar 1 jam 10 menit"
    assert wait_text(120) == "Perkiraan waktu tunggu: sekitar 2 jam"
    assert wait_text(0) == "Perkiraan waktu tunggu: segera"
    assert wait_text(None) == ""
    assert zone_label(datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))) == "WIB"
    assert zone_label(datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Makassar"))) == "WITA"
    assert zone_label(datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Jayapura"))) == "WIT"
    assert zone_label(datetime(2026, 1, 1)) == ""


def test_render_ticket_wrapper_prints_the_zone_and_priority(tmp_path: Path) -> None:
    kop = Kop(pemerintah=SLIP.pemerintah, dinas=SLIP.dinas, alamat=SLIP.alamat, telepon="",
              email="", website="", kode_pos="", kota="Tenggarong")
    path = render_ticket(tmp_path / "t.pdf", kop=kop, code="H-001", service_name="Santunan",
                         issued_at=SLIP.issued_at, waiting_ahead=2, priority=True)
    text = _flat(_text(path))
    assert "pukul 10.15 WITA" in text and "Antrean Prioritas" in text and "H-001" in text
    assert float(PdfReader(path).pages[0].mediabox.width) == pytest.approx(80 * MM, abs=0.1)


# ---------------------------------------------------------------- ESC/POS
def _serve_once(server: socket.socket, received: list[bytes]) -> None:
    conn, _ = server.accept()
    with conn:
        conn.settimeout(5)
        chunks = []
        while data := conn.recv(65536):
            chunks.append(data)
    received.append(b"".join(chunks))


@pytest.mark.parametrize("width", [58, 80])
def test_escpos_ticket_reaches_a_network_printer(width: int) -> None:
    pytest.importorskip("escpos")
    slip = replace(NASTY, code="A-012", service_name="[b]Siti[/] \x1dV\x00 Nguyễn Văn An")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(5)
        received: list[bytes] = []
        thread = threading.Thread(target=_serve_once, args=(server, received), daemon=True)
        thread.start()
        print_ticket_escpos(f"escpos:net:127.0.0.1:{server.getsockname()[1]}", slip, width_mm=width)
        thread.join(5)
    assert received, "the printer got nothing"
    data = received[0]
    assert data.startswith(b"\x1b@")  # ESC @ initialises the printer
    assert data.count(b"\x1dV") == 1 and data.rstrip(b"\x00\x01").endswith(b"\x1dV")  # one cut, last
    for part in (b"A-012", b"GRATIS", b"DINAS SOSIAL", b"[b]Siti[/]", b"Nguyen Van An",
                 b"Antrean di depan Anda:", b"WITA", b"sekitar 1 jam 10 menit"):
        assert part in data, part
    assert max(data) < 0x80  # plain ASCII only
    text = re.sub(rb"\x1b@|[\x1b\x1d][!-~][\x00-\xff]", b"", data)  # drop the commands
    widest = max(len(line) for line in text.split(b"\n"))
    assert widest == escpos.COLUMNS[width]  # the rules span the paper, nothing is wider


def test_escpos_ticket_to_a_device_file(tmp_path: Path) -> None:
    pytest.importorskip("escpos")
    device = tmp_path / "lp0"
    print_ticket_escpos(f"escpos:file:{device}", SLIP, width_mm=58)
    data = device.read_bytes()
    assert data.startswith(b"\x1b@") and b"A-012" in data and b"\x1dV" in data
    assert b"+/- 25 menit" in data and b"Prioritas: Lansia" in data


def test_unreachable_printer_gives_an_indonesian_error() -> None:
    pytest.importorskip("escpos")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TicketPrinterError, match="tidak dapat dicetak"):
        print_ticket_escpos(f"escpos:net:127.0.0.1:{port}", SLIP, timeout=2)


def test_missing_python_escpos_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "escpos", None)
    with pytest.raises(TicketPrinterError) as err:
        print_ticket_escpos("escpos:net:127.0.0.1", SLIP)
    assert str(err.value) == ("Dukungan printer ESC/POS belum terpasang: "
                              "pip install 'desk[escpos]'")


@pytest.mark.parametrize(("target", "kind", "args"), [
    ("escpos:net:192.168.1.50", "net", {"host": "192.168.1.50", "port": 9100}),
    ("escpos:net:printer-1.lan:9101", "net", {"host": "printer-1.lan", "port": 9101}),
    ("escpos:usb:0x04b8:0x0202", "usb", {"idVendor": 0x04B8, "idProduct": 0x0202}),
    ("escpos:usb:04B8:202", "usb", {"idVendor": 0x04B8, "idProduct": 0x0202}),
    ("escpos:serial:/dev/ttyS0", "serial", {"devfile": "/dev/ttyS0", "baudrate": 9600}),
    ("escpos:serial:/dev/ttyUSB0:115200", "serial", {"devfile": "/dev/ttyUSB0", "baudrate": 115200}),
    ("escpos:file:/dev/usb/lp0", "file", {"devfile": "/dev/usb/lp0"}),
    (" ESCPOS:Net:10.0.0.9 ", "net", {"host": "10.0.0.9", "port": 9100}),
])
def test_parse_target_accepts_the_documented_forms(target: str, kind: str, args: dict) -> None:
    assert parse_target(target) == (kind, args)
    assert escpos.is_escpos_target(target)


@pytest.mark.parametrize(("target", "why"), [
    ("", "diawali 'escpos:'"),
    ("net:192.168.1.50", "diawali 'escpos:'"),
    ("escpos:", "net, usb, serial atau file"),
    ("escpos:bluetooth:aa", "net, usb, serial atau file"),
    ("escpos:net:", "host"),
    ("escpos:net:-bad-", "host"),
    ("escpos:net:[::1]:9100", "host"),
    ("escpos:net:host:", "port"),
    ("escpos:net:host:0", "port"),
    ("escpos:net:host:70000", "port"),
    ("escpos:net:host:ipp", "port"),
    ("escpos:net:bad host", "spasi"),
    ("escpos:usb:04b8", "VID:PID"),
    ("escpos:usb:0x04b8:zz", "VID:PID"),
    ("escpos:usb:0x04b8:0x0202:3", "VID:PID"),
    ("escpos:usb:0:0", "tidak boleh 0"),
    ("escpos:serial:", "perangkat serial kosong"),
    ("escpos:serial:/dev/ttyS0:1234", "kecepatan serial"),
    ("escpos:file:", "berkas perangkat kosong"),
])
def test_parse_target_explains_malformed_targets(target: str, why: str) -> None:
    with pytest.raises(PrinterTargetError, match="tidak sah") as err:
        parse_target(target)
    assert why in str(err.value)
    assert isinstance(err.value, ValueError) and isinstance(err.value, TicketPrinterError)
