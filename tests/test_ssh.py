"""A branch operator over SSH: a real OpenSSH server (Debian's openssh-server) on a loopback high
port, configured with the ``Match`` block ``desk ssh-config`` prints, and the real ssh client in an
80x24 tmux terminal.

Through it the operator signs in, takes and calls a ticket, starts its case and ticks part of the
checklist; the connection is cut in the middle (the client killed), the desk on the server ends
with it, and after signing in again the case is there to continue with what was ticked. A command
asked by the client never runs (ForceCommand), without a terminal nothing starts, forwarding is
refused, and Ctrl+Q in the desk ends the connection.
"""

from __future__ import annotations

import fcntl
import os
import pty
import pwd
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from tmuxterm import Terminal

SSHD = Path("/usr/sbin/sshd")
DESK = shutil.which("desk", path=str(Path(sys.executable).parent))
TOOLS = {name: shutil.which(name) for name in ("ssh", "ssh-keygen", "tmux")}
NIK = "6402044507800001"

_MISSING = [why for missing, why in (
    (not SSHD.is_file(), "/usr/sbin/sshd is missing (Debian package openssh-server)"),
    (not all(TOOLS.values()), "ssh, ssh-keygen or tmux is missing (openssh-client, tmux)"),
    (DESK is None, "the desk command is not installed in this environment"),
) if missing]
needs_sshd = pytest.mark.skipif(bool(_MISSING), reason="; ".join(_MISSING))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """sshd on 127.0.0.1 with generated keys and the desk's Match block for the current user."""

    def __init__(self, tmp: Path, block: str, user: str):
        self.tmp, self.user, self.port = tmp, user, _free_port()
        for name in ("host", "user"):
            subprocess.run([TOOLS["ssh-keygen"], "-q", "-t", "ed25519", "-N", "", "-C", f"desk-test-{name}",
                            "-f", str(tmp / f"{name}_key")], check=True, timeout=30)
        (tmp / "authorized_keys").write_text((tmp / "user_key.pub").read_text())
        self.config = tmp / "sshd_config"
        self.config.write_text("\n".join([
            "ListenAddress 127.0.0.1",
            f"Port {self.port}",
            f"HostKey {tmp / 'host_key'}",
            f"PidFile {tmp / 'sshd.pid'}",
            f"AuthorizedKeysFile {tmp / 'authorized_keys'}",
            "PermitRootLogin prohibit-password",  # CI runs as root: a key, never a password
            "StrictModes no",
            "UsePAM no",
            "PubkeyAuthentication yes",
            "LogLevel VERBOSE",
            block,  # last: a Match block runs to the end of the file
            "",
        ]))
        if os.getuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation (root only)
        check = subprocess.run([str(SSHD), "-t", "-f", str(self.config)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        self.log = open(tmp / "sshd.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(self.config)], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            assert self.proc.poll() is None, (tmp / "sshd.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "sshd does not listen"
                time.sleep(0.1)

    def ssh(self, *extra: str) -> list[str]:
        """The client command line (an operator's ``ssh``), ``extra`` before the destination."""
        return [TOOLS["ssh"], "-F", "/dev/null", "-p", str(self.port), "-i", str(self.tmp / "user_key"),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", *extra, f"{self.user}@127.0.0.1"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _desk_processes(marker: str) -> list[int]:
    """Live (not zombie) processes whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and "desk" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _read_until(fd: int, text: bytes, timeout: float) -> None:
    """Read a pseudo-terminal until ``text`` arrived."""
    out = b""
    deadline = time.monotonic() + timeout
    while text not in out:
        left = deadline - time.monotonic()
        assert left > 0, out[-400:]
        if select.select([fd], [], [], min(left, 0.5))[0]:
            out += os.read(fd, 65536)


def _sign_in(term: Terminal) -> None:
    term.wait_for("Nama pengguna", "Kata sandi", "Masuk")
    term.type("petugas")
    term.keys("Enter")
    term.type("petugas123")
    term.keys("Enter")
    term.wait_for("Rina Wulandari", "Ambil tiket")


@needs_sshd
@pytest.mark.timeout(300)
def test_a_branch_operator_works_over_ssh_and_continues_after_a_cut(tmp_path, live_desk_service, config):
    desk = live_desk_service
    system = desk.principal("sistem")
    user = pwd.getpwuid(os.getuid()).pw_name
    office_file = tmp_path / "kantor.toml"
    office_file.write_text("# the demo office: every [kantor] key at its default\n")
    server_data = tmp_path / "server-data"

    # the administrator's block, exactly as `desk ssh-config` prints it
    printed = subprocess.run(
        [DESK, "ssh-config", "--akun", user, "--kantor", str(office_file), "--db", config.db_url,
         "--data-dir", str(server_data), "--desk", DESK],
        check=True, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))).stdout
    block = printed.split("<<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
    assert f"Match User {user}\n" in block and "ForceCommand " in block
    for setting in ("PermitTTY yes", "AllowTcpForwarding no", "X11Forwarding no", "AllowAgentForwarding no",
                    "PermitTunnel no", "DisableForwarding yes", "ClientAliveInterval"):
        assert f"    {setting}" in block

    # keepalives every second for the test (the printed interval is the operator's)
    server = Server(tmp_path, re.sub(r"ClientAliveInterval \d+", "ClientAliveInterval 1", block), user)
    terminals: list[Terminal] = []
    try:
        # 1. the operator connects and lands in the desk; signs in, takes and calls a ticket
        term = Terminal(tmp_path, server.ssh("-t"))
        terminals.append(term)
        _sign_in(term)
        term.keys("t")
        term.wait_for("Ambil tiket: pilih layanan")
        term.keys("h")
        term.wait_for("Tiket H-001 diambil")
        ticket = desk.find_ticket(system, "H-001")
        assert ticket.service_code == "REK-PUB" and ticket.status == "menunggu"
        term.keys("n")
        term.wait_for("Memanggil H-001 — Loket 1")
        ticket = desk.find_ticket(system, "H-001")
        assert (ticket.status, ticket.counter_no, ticket.staff_name) == ("dipanggil", 1, "Rina Wulandari")

        # 2. serves it: the intake opens the case, two berkas ticked
        term.keys("Enter")
        term.wait_for("Berkas baru", "Nama lembaga")
        term.type("Yayasan Maju Bersama")
        term.keys("Enter")
        term.type(NIK)
        term.keys("Enter")
        term.wait_for("Pemohon baru")
        term.type("Siti Aminah")
        for field in ("", "", "Jl. Mulawarman No. 5", "Timbau", "Tenggarong", "Kutai Kartanegara", "081234567890"):
            term.keys("Tab")
            if field:
                term.type(field)
        term.wait_for("081234567890")
        term.keys("C-s")
        term.wait_for("Verifikasi berkas", "Lengkap: 0/")
        term.keys("Space")
        term.wait_for("Lengkap: 1/")
        term.keys("Down", "Space")
        shown = term.wait_for("Lengkap: 2/")
        assert shown.count("[x]") == 2
        case_id = desk.find_ticket(system, "H-001").case_id
        assert case_id is not None
        case = desk.case(system, case_id, record_view=False)
        ticked = [line.item_id for line in case.checklist if line.received]
        assert len(ticked) == 2 and case.applicant.name == "Siti Aminah"

        # 3. the link dies: the client is killed; the desk on the server ends with the session
        marker = str(office_file)
        assert len(_desk_processes(marker)) == 1
        os.kill(int(term.pane("#{pane_pid}")), signal.SIGKILL)
        _wait_until(lambda: not _desk_processes(marker), 20, "the desk outlived its SSH session")
        term.close()

        # 4. connecting again, the operator's ticket is in service and its case opens where it was
        term = Terminal(tmp_path, server.ssh("-t"))
        terminals.append(term)
        _sign_in(term)
        term.wait_for("Dilayani H-001 — Loket 1", "↵ berkas")
        term.keys("Enter")
        shown = term.wait_for("Verifikasi berkas", "Yayasan Maju Bersama", "Lengkap: 2/")
        assert shown.count("[x]") == 2
        case = desk.case(system, case_id, record_view=False)
        assert [line.item_id for line in case.checklist if line.received] == ticked

        # 5. Ctrl+Z is no way out; Ctrl+Q, yes: the desk ends and so does the connection
        term.keys("C-z")
        time.sleep(0.5)
        term.wait_for("Verifikasi berkas", "Lengkap: 2/")
        term.keys("C-q")
        term.wait_for("Keluar dari desk?")
        term.keys("y")
        assert term.wait_dead() == 0
        _wait_until(lambda: not _desk_processes(marker), 20, "the desk outlived its SSH session")

        # 6. a link that goes silent (no reply, no FIN: the client frozen) ends by the keepalive
        ssh = server.ssh("-t")
        pid, fd = pty.fork()
        if pid == 0:  # the child: an operator's ssh in a terminal of its own (tmux would wake it)
            os.execv(ssh[0], ssh)
        try:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            _read_until(fd, b"Kata sandi", 40)
            assert len(_desk_processes(marker)) == 1
            os.kill(pid, signal.SIGSTOP)
            _wait_until(lambda: not _desk_processes(marker), 30, "the desk outlived a dead link")
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)

        # 7. no shell escape: the client's command is never run ...
        proof = tmp_path / "pwned"
        escape = f"touch {proof}; echo pwned"
        plain = subprocess.run(server.ssh() + [escape], stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=60, check=False)
        assert plain.returncode != 0 and "pwned" not in plain.stdout
        assert "desk memerlukan terminal" in plain.stderr  # no terminal: not even the desk starts
        term = Terminal(tmp_path, server.ssh("-t") + [escape])  # with a terminal: the desk instead
        terminals.append(term)
        term.wait_for("Nama pengguna", "Kata sandi")
        term.keys("C-q")
        term.wait_for("Keluar dari desk?")
        term.keys("y")
        term.wait_dead()
        assert not proof.exists() and "pwned" not in term.screen()
        # ... and no port is forwarded through the account
        forward = subprocess.run(server.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"),
                                 stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False)
        assert forward.returncode != 0 and "forwarding failed" in forward.stderr
    finally:
        for term in terminals:
            term.close()
        server.stop()
        for pid in _desk_processes(str(office_file)):
            os.kill(pid, signal.SIGKILL)


def _ssh_config(tmp_path: Path, *args: str):
    from click.testing import CliRunner

    from desk.cli import cli

    return CliRunner().invoke(cli, ["ssh-config", *args], obj={},
                              env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")})


def test_ssh_config_prints_a_script_the_shell_accepts(tmp_path):
    """The output is one POSIX sh script: account, config file rights, keys, the sshd block."""
    office = tmp_path / "cabang tgr.toml"  # a space: every path is quoted for sh
    office.write_text('basis_data = "postgresql://desk:rahasia@10.0.0.5:5432/desk"\n'
                      'data_dir = "/srv/desk/tgr"\n'
                      '[kantor]\ncode = "UPT-TGR"\nname = "UPT Dinsos Tenggarong"\n')
    result = _ssh_config(tmp_path, "--akun", "loket-tgr", "--kantor", str(office), "--desk", "/opt/desk/bin/desk")
    assert result.exit_code == 0, result.output
    script = result.output
    assert "kantor UPT Dinsos Tenggarong (UPT-TGR)" in script
    assert "useradd --create-home --shell /bin/sh" in script and "loket-tgr" in script
    assert f"chmod 0640 '{office}'" in script
    assert "install -d -m 0750 -o loket-tgr -g loket-tgr /srv/desk/tgr" in script  # its PDFs
    assert "cat > /etc/ssh/sshd_config.d/desk-loket-tgr.conf <<'EOF'" in script
    assert f"exec /opt/desk/bin/desk --config '{office}' ;;" in script
    assert "rahasia" not in script  # the password stays in the 0640 file
    check = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True, check=False)
    assert check.returncode == 0, check.stderr


def test_ssh_config_refuses_what_would_leak_or_not_run(tmp_path):
    """A password in --db would be readable by every user in sshd_config; sshd has no PATH of
    the user's, so the desk's path must be absolute; an account name useradd refuses."""
    office = tmp_path / "kantor.toml"
    office.write_text("")
    leak = _ssh_config(tmp_path, "--kantor", str(office), "--db", "postgresql://desk:rahasia@db/desk")
    assert leak.exit_code != 0 and "URL memuat kata sandi" in leak.output
    relative = _ssh_config(tmp_path, "--kantor", str(office), "--desk", "bin/desk")
    assert relative.exit_code != 0 and "bukan path absolut" in relative.output
    bad = _ssh_config(tmp_path, "--kantor", str(office), "--akun", "Loket TGR")
    assert bad.exit_code != 0 and "huruf kecil" in bad.output
