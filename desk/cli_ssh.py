"""``desk ssh-config``: the set-up of an SSH account through which a branch office's operators
reach the desk on the central server (``ssh -t loket@server``) and nothing else.

The output is a POSIX shell script with Indonesian comments, to be saved and run as root on the
server (or copied command by command): it checks the office's configuration file, creates the
dedicated account, prepares ``authorized_keys`` and writes the ``sshd_config`` block to
``/etc/ssh/sshd_config.d/desk-<akun>.conf`` (Debian's sshd reads that folder first; a ``Match``
block in an included file ends with the file).

The block forces the desk (``ForceCommand``): whatever command the client asks for, sshd runs
the desk with the office's ``--config`` (and ``--db`` / ``--data-dir`` when given); when the desk
ends the connection ends. The only exception is mosh: a client command starting with
``mosh-server`` starts ``mosh-server`` with the same desk as its fixed command (the client's
arguments are never run). No forwarding of any kind, no agent, X11, tunnel or ``~/.ssh/rc``, a TTY
allowed, and keepalives so a dead link ends the session (and the desk) within a minute.

Nothing in the desk opens a shell or an editor: the command palette is off, Textual has no
suspend key (Ctrl+Z) unless an app binds ``suspend_process`` (desk does not), and the terminal
driver turns ISIG off so Ctrl+Z and Ctrl+C reach the app as keys, not signals.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import click

from desk.clibase import DeskCommand, help_option

#: A Linux account name useradd accepts without --badname.
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")

#: Seconds between keepalives and how many may go unanswered. sshd 9.2 probes after a quiet
#: poll of a whole interval, in effect every second interval: a dead link (no reply, no FIN)
#: ends the session and its desk after about 50 s (measured).
ALIVE_INTERVAL = 10
ALIVE_COUNT = 2

#: How long a mosh session with no contact from its client lives on (seconds).
MOSH_TIMEOUT = 3600


def running_desk() -> str:
    """The absolute path of the ``desk`` executable running now (the venv's console script)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "desk" and argv0.is_file():
        return str(argv0.absolute())
    beside = Path(sys.executable).parent / "desk"
    if beside.is_file():
        return str(beside)
    return shutil.which("desk") or str(beside)


def _has_password(url: str) -> bool:
    return re.search(r"://[^:/@]+:[^@]*@", url) is not None


def desk_command(desk: str, config_file: Path, db: str | None, data_dir: Path | None) -> list[str]:
    """The desk's command line as sshd runs it for the account."""
    argv = [desk, "--config", str(config_file)]
    if db:
        argv += ["--db", db]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return argv


def force_command(argv: list[str], account: str) -> str:
    """The ``ForceCommand`` line: the desk, or mosh-server running the same desk.

    sshd passes the line to the account's shell (``sh -c``); the client's command is only
    compared with ``mosh-server*``, never run. Without a terminal (``ssh AKUN@SERVER perintah``
    allocates none) the desk is not started: it would get no hangup when the client goes and
    live on in the server.
    """
    desk = shlex.join(argv)
    refuse = shlex.quote(f"desk memerlukan terminal: ssh -t {account}@SERVER")
    return (f'case "$SSH_ORIGINAL_COMMAND" in mosh-server*) exec env '
            f"MOSH_SERVER_NETWORK_TMOUT={MOSH_TIMEOUT} mosh-server new -s -c 256 -l LANG=C.UTF-8 -- {desk} ;; "
            f"*) [ -t 0 ] || {{ echo {refuse} >&2; exit 1; }}; exec {desk} ;; esac")


def match_block(account: str, argv: list[str], login: str) -> list[str]:
    """The ``sshd_config`` lines for ``account`` (a ``Match User`` block)."""
    lines = [
        f"# desk: akun {account} hanya menjalankan aplikasi loket (dibuat oleh desk ssh-config)",
        f"Match User {account}",
        f"    ForceCommand {force_command(argv, account)}",
        "    PermitTTY yes",
        "    DisableForwarding yes",
        "    AllowTcpForwarding no",
        "    AllowStreamLocalForwarding no",
        "    AllowAgentForwarding no",
        "    X11Forwarding no",
        "    PermitTunnel no",
        "    PermitListen none",
        "    PermitOpen none",
        "    PermitUserRC no",
        f"    ClientAliveInterval {ALIVE_INTERVAL}",
        f"    ClientAliveCountMax {ALIVE_COUNT}",
        "    SetEnv LANG=C.UTF-8",
    ]
    if login == "kunci":
        lines += ["    AuthenticationMethods publickey",
                  "    PasswordAuthentication no",
                  "    KbdInteractiveAuthentication no"]
    else:
        lines += ["    PasswordAuthentication yes"]
    return lines


def setup_script(*, account: str, config_file: Path, office: str, argv: list[str], login: str,
                 db_note: str, invocation: str, folders: tuple[Path, ...] = ()) -> str:
    """The whole set-up script (Indonesian comments, commands as they run)."""
    q = shlex.quote
    cfg = q(str(config_file))
    conf = f"/etc/ssh/sshd_config.d/desk-{account}.conf"
    out = [
        "#!/bin/sh",
        f"# Akses SSH loket desk: akun {account}, {office}.",
        f"# Dibuat oleh: {invocation}",
        "#",
        "# Petugas loket di kantor cabang masuk dengan",
        f"#     ssh -t {account}@SERVER",
        "# (jaringan lambat atau sering putus: mosh " + f"{account}@SERVER, perlu paket mosh di kedua sisi",
        "# dan port UDP 60000-61000 terbuka ke server) dan langsung berada di aplikasi desk. Tidak ada",
        "# shell: perintah apa pun yang diminta klien diganti dengan desk, dan bila desk ditutup",
        "# (Ctrl+Q) sambungan berakhir. Bila sambungan putus, desk di server ikut berhenti; petugas",
        "# masuk lagi dan melanjutkan berkas (c: cari berkas).",
        "#",
        "# Simpan keluaran ini lalu jalankan sebagai root di server:",
        f"#     desk ssh-config ... > siapkan-{account}.sh && sh siapkan-{account}.sh",
        "# atau salin perintahnya satu per satu.",
        "set -eu",
        "",
        "# 1. Berkas konfigurasi kantor, dibaca desk setiap kali petugas masuk. Bila belum ada:",
        f"#        desk konfigurasi contoh > {config_file}",
        "#    lalu sunting [kantor] (code, name, induk untuk kantor cabang, timezone, counters) dan",
        '#    basis_data = "postgresql://...". Kata sandi basis data ditulis di berkas ini, bukan di',
        "#    sshd_config (yang dapat dibaca semua pengguna server).",
        f"#    {db_note}",
        f"test -f {cfg} || {{ echo {q(f'Berkas konfigurasi {config_file} belum ada.')} >&2; exit 1; }}",
        "",
        "# 2. Akun khusus loket. Shell-nya /bin/sh (sshd menjalankan ForceCommand lewat shell akun;",
        "#    /usr/sbin/nologin akan menolak), tetapi akun ini tidak pernah mendapat shell.",
        (f"id -u {account} >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "
         f"--comment {q('Loket desk ' + office)} {account}"),
        f"HOME_AKUN=$(getent passwd {account} | cut -d: -f6)",
        "",
        "# 3. Berkas konfigurasi hanya dapat dibaca root dan akun ini (satu berkas per akun).",
        f"chown root:{account} {cfg}",
        f"chmod 0640 {cfg}",
        "",
    ]
    if folders:
        out += ["# 3b. Folder data kantor ini (dokumen PDF) milik akun ini: desk menulis di sana."]
        out += [f"install -d -m 0750 -o {account} -g {account} {q(str(folder))}" for folder in folders]
        out += [""]
    keys = [
        '#    Kunci SSH: tempel kunci publik tiap komputer loket, satu per baris, diawali',
        '#    "restrict,pty" (tanpa penerusan apa pun, hanya terminal), misalnya:',
        "#        echo 'restrict,pty ssh-ed25519 AAAA... loket1@cabang' >> \"$HOME_AKUN/.ssh/authorized_keys\"",
        "#    Kunci dibuat di komputer loket dengan: ssh-keygen -t ed25519",
        'install -d -m 0700 -o "' + account + '" -g "' + account + '" "$HOME_AKUN/.ssh"',
        'touch "$HOME_AKUN/.ssh/authorized_keys"',
        f'chown {account}:{account} "$HOME_AKUN/.ssh/authorized_keys"',
        'chmod 0600 "$HOME_AKUN/.ssh/authorized_keys"',
    ]
    if login == "kunci":
        out += ["# 4. Cara masuk: hanya kunci SSH (blok di bawah menolak kata sandi; untuk kata sandi",
                "#    buat ulang dengan --masuk sandi)."]
        out += keys
    else:
        out += ["# 4. Cara masuk: kata sandi akun (satu untuk semua komputer loket cabang ini), atau kunci",
                "#    SSH. Atur kata sandinya sekarang (ditanyakan dua kali):",
                f"passwd {account}"]
        out += keys
    out += [
        "",
        f"# 5. Blok sshd_config: akun {account} hanya menjalankan desk. Tanpa penerusan port, agen,",
        "#    X11, tunnel atau ~/.ssh/rc; sambungan mati diputus dalam satu menit (desk ikut berhenti).",
        f"cat > {conf} <<'EOF'",
        *match_block(account, argv, login),
        "EOF",
        "",
        "# 6. Periksa konfigurasi sshd lalu muat ulang (sesi yang sedang berjalan tidak terputus).",
        "/usr/sbin/sshd -t",
        "systemctl reload ssh",
        f"echo \"Akun {account} siap: ssh -t {account}@$(hostname -f)\"",
    ]
    return "\n".join(out) + "\n"


@click.command("ssh-config", cls=DeskCommand)
@click.option("--akun", "account", default="loket", show_default=True, metavar="NAMA",
              help="Akun Linux untuk loket, mis. loket atau loket-tgr untuk satu kantor cabang.")
@click.option("--kantor", "office_file", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
              help="Berkas konfigurasi kantor yang dijalankan akun ini, mis. /etc/desk/cabang-tgr.toml. "
                   "Bawaan: --config desk, atau /etc/desk/AKUN.toml.")
@click.option("--db", "db", metavar="URL",
              help="Basis data bila tidak ditulis di berkas konfigurasi (tanpa kata sandi). Bawaan: --db desk.")
@click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
              help="Folder data akun (dokumen PDF). Bawaan: --data-dir desk, atau ~/.local/share/desk akun.")
@click.option("--desk", "desk_path", metavar="PATH",
              help="Program desk di server (path absolut). Bawaan: desk yang sedang berjalan.")
@click.option("--masuk", "login", type=click.Choice(["kunci", "sandi"]), default="kunci", show_default=True,
              help="Cara masuk: kunci SSH saja, atau kata sandi akun (kunci tetap boleh).")
@help_option
@click.pass_context
def ssh_config(ctx: click.Context, account: str, office_file: Path | None, db: str | None,
               data_dir: Path | None, desk_path: str | None, login: str) -> None:
    """Cetak skrip penyiapan akun SSH loket: akun Linux khusus dan blok sshd_config.

    Petugas cabang lalu masuk dengan 'ssh -t AKUN@SERVER' dan langsung berada di desk,
    tanpa shell. Simpan keluarannya dan jalankan sebagai root di server.

    \b
    Contoh:
      desk ssh-config --akun loket-tgr --kantor /etc/desk/cabang-tgr.toml > siapkan.sh
      sh siapkan.sh
    """
    from desk.config import ConfigError, load_config

    obj = ctx.ensure_object(dict)
    if not _ACCOUNT.match(account):
        raise click.BadParameter("huruf kecil, angka, - dan _, diawali huruf (mis. loket-tgr)",
                                 param_hint="'--akun'")
    if office_file is None:
        given = obj.get("config_file") or os.environ.get("DESK_CONFIG")
        office_file = Path(given) if given else Path(f"/etc/desk/{account}.toml")
    office_file = office_file.expanduser().absolute()
    db = db or obj.get("db")
    if db and _has_password(db):
        raise click.BadParameter("URL memuat kata sandi, dan sshd_config dapat dibaca semua pengguna "
                                 "server. Tulis basis_data di berkas konfigurasi kantor (mode 0640).",
                                 param_hint="'--db'")
    if db and "://" not in db:  # a SQLite file: the account's home is not this folder
        db = str(Path(db).expanduser().absolute())
    given_dir = data_dir or obj.get("data_dir")
    data_dir = Path(given_dir).expanduser().absolute() if given_dir else None
    desk = desk_path or running_desk()
    if not os.path.isabs(desk):
        raise click.BadParameter(f"'{desk}' bukan path absolut (sshd tidak memakai PATH pengguna).",
                                 param_hint="'--desk'")

    office = f"kantor dari {office_file}"
    folders = (data_dir,) if data_dir is not None else ()
    db_note = "Basis data: basis_data di berkas itu."
    if office_file.is_file():
        try:
            config = load_config(db=db, config_file=office_file, data_dir=data_dir)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        office = f"kantor {config.office.name} ({config.office.code})"
        folders = _own_folders(config)
        if getattr(config.office, "induk", ""):
            office += f", cabang dari {config.office.induk}"
        if db:
            db_note = "Basis data: --db di ForceCommand."
        elif "basis_data" not in office_file.read_text(encoding="utf-8").replace(" ", ""):
            click.echo(f"Peringatan: {office_file} tidak menyebut basis_data; desk akun ini akan memakai "
                       "SQLite di folder datanya sendiri, bukan basis data pusat.", err=True)
            db_note = "Basis data: SQLite di folder data akun (berkas ini tidak menyebut basis_data)."
    else:
        click.echo(f"Peringatan: berkas konfigurasi {office_file} belum ada; buat sebelum menjalankan "
                   "skripnya.", err=True)
        if db:
            db_note = "Basis data: --db di ForceCommand."
    if not os.access(desk, os.X_OK):
        click.echo(f"Peringatan: {desk} tidak ada atau tidak dapat dijalankan di komputer ini.", err=True)

    argv = desk_command(desk, office_file, db, data_dir)
    invocation = shlex.join(["desk", "ssh-config", "--akun", account, "--kantor", str(office_file),
                             *(["--db", db] if db else []),
                             *(["--data-dir", str(data_dir)] if data_dir else []),
                             "--desk", desk, "--masuk", login])
    click.echo(setup_script(account=account, config_file=office_file, office=office, argv=argv,
                            login=login, db_note=db_note, invocation=invocation, folders=folders), nl=False)


def _own_folders(config) -> tuple[Path, ...]:
    """The data and documents folders the configuration names (the default, a folder in the
    account's own home, needs no preparing)."""
    from desk.config import default_data_dir

    folders: list[Path] = []
    if config.data_dir != default_data_dir():
        folders.append(config.data_dir)
    if not config.output_dir.is_relative_to(config.data_dir):
        folders.append(config.output_dir)
    return tuple(folders)


def register(cli: click.Group) -> None:
    """Add ``desk ssh-config`` to the command line."""
    cli.add_command(ssh_config)
