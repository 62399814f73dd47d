"""The board served to a browser (desk papan --web), read in headless Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desk.wiring import make_service

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium (Debian package chromium) is not installed at /usr/bin/chromium")

#: Exposes textual-serve's xterm.js terminal to the test (the page draws on a canvas).
EXPOSE = ("t.fit(),s||t.connect()", "(window.deskTerminals=(window.deskTerminals||[]).concat(t)),t.fit(),s||t.connect()")

READ_SCREEN = """() => (window.deskTerminals || []).map(t => {
    const b = t.terminal.buffer.active; const rows = [];
    for (let i = 0; i < b.length; i++) { const l = b.getLine(i); if (l) rows.push(l.translateToString(true)); }
    return rows.join("\\n"); }).join("\\n")"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "server ended"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("desk papan --web did not listen in time")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text('[suara]\nmesin = "mati"\n', encoding="utf-8")
    return path


def test_web_board_shows_a_call(config, live_desk_service, config_file, tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    cmd = [sys.executable, "-m", "desk", "--db", config.db_url, "--config", str(config_file),
           "--data-dir", str(tmp_path), "papan", "--web", "--port", str(port), "--tanpa-suara"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, cwd=Path(__file__).parent.parent)
    other = None
    try:
        wait_listening(port, proc)
        outside: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 720})

                def route(r):
                    url = r.request.url
                    if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:")):
                        outside.append(url)
                        return r.abort()
                    if url.endswith("/static/js/textual.js"):
                        body = r.fetch().text()
                        assert EXPOSE[0] in body, "textual-serve's client changed: cannot reach its terminal"
                        return r.fulfill(body=body.replace(*EXPOSE), content_type="application/javascript")
                    return r.continue_()

                page.route("**/*", route)
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_function(f"({READ_SCREEN})().includes('Panggilan terakhir')", timeout=60000)
                other = make_service(config)
                other.open()
                ticket = other.issue_ticket(other.principal("kiosk"), "REK-PUB")
                session = other.login("petugas", "petugas123", 1)
                called = other.call_ticket(session, ticket.id)
                page.wait_for_function(f"({READ_SCREEN})().includes({called.code!r})", timeout=15000)
                assert "Loket 1" in page.evaluate(READ_SCREEN)
                assert outside == []  # nothing fetched from the internet
            finally:
                browser.close()
    finally:
        if other is not None:
            other.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        output = proc.stdout.read() if proc.stdout else ""
        assert "Papan antrean di http://127.0.0.1" in output
