"""``desk katalog``: list, show and check the service catalog (jenis layanan).

Commands (Indonesian names, English aliases): ``daftar``/``list``, ``lihat``/``show``,
``periksa``/``check``. Extra catalog folders come from ``ctx.obj["katalog_dirs"]`` when the main
CLI provides them (a dict ``ctx.obj``), and from ``--folder`` options; without either, only the
built-in catalog is read. Run standalone with ``python -m desk.cli_katalog``.
"""

from __future__ import annotations

from pathlib import Path

import click

from forms.catalog import Catalog, Duration, Service
from forms.check import check_catalog, format_span, format_thousands, sop_total_minutes
from forms.loader import CatalogError, load_catalog

#: English alias -> Indonesian command name.
ALIASES: dict[str, str] = {"list": "daftar", "show": "lihat", "check": "periksa",
                           "print": "cetak"}

_HEADINGS = {"Options": "Opsi", "Commands": "Perintah", "Arguments": "Argumen"}


class _Formatter(click.HelpFormatter):
    """Help formatter with Indonesian headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Penggunaan: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class _Context(click.Context):
    formatter_class = _Formatter


class KatalogGroup(click.Group):
    """Group whose commands also answer to their English alias."""

    context_class = _Context

    def get_command(self, ctx: click.Context, cmd_name: str):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in ALIASES:
            cmd = super().get_command(ctx, ALIASES[cmd_name])
        return cmd

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            ctx.fail(f"Perintah '{name}' tidak dikenal. Pilih: daftar, lihat, periksa, cetak "
                     "(atau list, show, check, print).")
        return super().resolve_command(ctx, args)


def _help(f):
    return click.help_option("-h", "--help", help="Tampilkan bantuan ini lalu keluar.")(f)


def _extra_dirs(ctx: click.Context) -> list[Path]:
    """Extra catalog folders: from the main CLI's ``ctx.obj`` and from ``--folder``."""
    dirs: list[Path] = []
    root = ctx.find_root()
    for obj in (root.obj, ctx.obj):
        if isinstance(obj, dict):
            found = obj.get("katalog_dirs")
            if found is None and obj.get("config") is not None:
                found = getattr(obj["config"], "katalog_dirs", None)
            for d in found or []:
                if Path(d) not in dirs:
                    dirs.append(Path(d))
    meta = ctx.meta.get("desk_katalog_folders", ())
    for d in meta:
        if Path(d) not in dirs:
            dirs.append(Path(d))
    return dirs


def _load(ctx: click.Context) -> Catalog:
    """Load the catalog or fail with the list of errors (exit code 1)."""
    try:
        return load_catalog(_extra_dirs(ctx))
    except CatalogError as exc:
        click.echo(f"Katalog layanan tidak valid ({len(exc.errors)} kesalahan):", err=True)
        for line in exc.errors:
            click.echo(f"  {line}", err=True)
        ctx.exit(1)
        raise  # unreachable; keeps type checkers happy


def _get(ctx: click.Context, catalog: Catalog, code: str) -> Service:
    try:
        return catalog.get(code)
    except KeyError:
        codes = ", ".join(s.code for s in catalog)
        raise click.ClickException(
            f"Layanan '{code}' tidak ditemukan. Kode yang ada: {codes}. "
            "Lihat 'desk katalog daftar'."
        ) from None


def _duration_text(d: Duration | None) -> str:
    return d.label() if d is not None else "-"


def _rupiah(amount: int) -> str:
    return f"Rp {format_thousands(amount)}"


@click.group("katalog", cls=KatalogGroup,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--folder", "folders", multiple=True, metavar="FOLDER",
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder katalog tambahan milik kantor (boleh diulang). Berkas dengan kode yang "
                   "sama menggantikan layanan bawaan.")
@_help
@click.pass_context
def katalog(ctx: click.Context, folders: tuple[Path, ...]) -> None:
    """Katalog jenis layanan: daftar, lihat rincian, periksa konsistensi, cetak Standar
    Pelayanan (alias: catalog).

    Setiap jenis layanan adalah satu berkas TOML yang disusun dari Standar Pelayanan dan SOP
    kantor. Kantor dapat menambah atau mengganti layanan dengan folder sendiri (katalog_dirs di
    konfigurasi, atau --folder).
    """
    ctx.meta["desk_katalog_folders"] = tuple(folders)


@katalog.command("daftar")
@_help
@click.pass_context
def daftar(ctx: click.Context) -> None:
    """Tampilkan semua jenis layanan dalam tabel (alias: list)."""
    catalog = _load(ctx)
    headers = ("KODE", "PREFIKS", "NAMA SINGKAT", "KABUPATEN", "LANGKAH", "JANGKA WAKTU")
    rows = [
        (s.code, s.queue_prefix, s.short_name, s.kabupaten, str(len(s.steps)),
         _duration_text(s.jangka_waktu))
        for s in catalog
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = {4}

    def line(cells) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    click.echo(line(headers))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo(line(row))
    click.echo(f"\n{len(rows)} jenis layanan.")


def _section(title: str) -> None:
    click.echo("")
    click.echo(click.style(title, bold=True))


@katalog.command("lihat")
@click.argument("kode")
@_help
@click.pass_context
def lihat(ctx: click.Context, kode: str) -> None:
    """Tampilkan rincian satu jenis layanan (alias: show).

    Contoh: desk katalog lihat KUBE
    """
    catalog = _load(ctx)
    s = _get(ctx, catalog, kode)
    kinds = {"perorangan": "perorangan", "organisasi": "organisasi/lembaga", "kelompok": "kelompok"}

    click.echo(click.style(f"{s.code}: {s.name}", bold=True))
    click.echo(f"Nama singkat    : {s.short_name}")
    click.echo(f"Kantor          : {s.office}")
    click.echo(f"Bidang          : {s.bidang or '-'}")
    click.echo(f"Prefiks antrean : {s.queue_prefix}")
    click.echo(f"Jenis pemohon   : {kinds.get(s.applicant_kind, s.applicant_kind)}")
    click.echo(f"Sumber          : {s.source}")
    click.echo(f"Berkas          : {s.path}")

    _section("Persyaratan")
    questions = {c.id: c.question for c in s.conditions}
    current_group = None
    for i, it in enumerate(s.persyaratan, start=1):
        if it.group and it.group != current_group:
            click.echo(f"  Kategori {it.group}:")
        current_group = it.group or None
        tags = []
        if it.kind == "wajib":
            tags.append("[wajib]")
        elif it.kind == "opsional":
            tags.append("[opsional]")
        else:
            tags.append(f"[bersyarat: {it.condition or questions.get(it.condition_id, it.condition_id)}]")
        if it.per_member:
            tags.append("[per anggota]")
        indent = "    " if it.group else "  "
        click.echo(f"{indent}{i}. {it.text} {' '.join(tags)}")
    if s.conditions:
        click.echo("  Pertanyaan di loket:")
        for c in s.conditions:
            click.echo(f"    - {c.question}")

    if s.kriteria:
        _section("Kriteria")
        for cr in s.kriteria:
            bits = []
            if cr.min is not None:
                bits.append(f"min {cr.min}")
            if cr.max is not None:
                bits.append(f"maks {cr.max}")
            if cr.value:
                bits.append(cr.value)
            if cr.values:
                bits.append("kecuali: " + ", ".join(cr.values))
            detail = f" ({cr.kind}: {'; '.join(bits)})" if bits else f" ({cr.kind})"
            group = f"[{cr.group}] " if cr.group else ""
            click.echo(f"  - {group}{cr.text}{detail}")

    _section("Prosedur (SOP)")
    decisions = {}
    for d in s.decisions:
        decisions.setdefault(d.after_step, []).append(d)
    for st in s.steps:
        loket = " [loket]" if st.loket else ""
        click.echo(f"  {st.no}. {st.uraian}{loket}")
        if st.pelaksana:
            click.echo(f"     Pelaksana  : {', '.join(st.pelaksana)}")
        mutu = []
        if st.kelengkapan:
            mutu.append(f"kelengkapan: {st.kelengkapan}")
        mutu.append(f"waktu: {st.waktu.label() if st.waktu else '-'}")
        if st.output:
            mutu.append(f"output: {st.output}")
        click.echo(f"     Mutu baku  : {'; '.join(mutu)}")
        if st.keterangan:
            click.echo(f"     Keterangan : {st.keterangan}")
        for d in decisions.get(st.no, []):
            yes_b, no_b = getattr(d, "yes_branch", None), getattr(d, "no_branch", None)
            if yes_b is None and no_b is None:
                back = f", kembali ke langkah {d.back_to_step}" if d.back_to_step else ""
                on_no = f": {d.on_no}" if d.on_no else ""
                click.echo(f"     Keputusan  : {d.question}? {d.yes} -> lanjut; {d.no}{on_no}{back}")
                continue
            click.echo(f"     Keputusan  : {d.question}?")
            for label, branch in ((d.yes, yes_b), (d.no, no_b)):
                click.echo(f"       - {_branch_text(label, branch)}")
    total = sop_total_minutes(s)
    if total is not None:
        click.echo(f"  Jumlah waktu langkah: {format_span(total)}")
    if s.sop_total_stated is not None:
        st = s.sop_total_stated
        click.echo(f"  Jumlah menurut tabel SOP: {st.text or st.label()}")

    _section("Jangka waktu, biaya dan produk")
    if s.jangka_waktu is not None:
        jw = s.jangka_waktu
        text = f" ({jw.text})" if jw.text and jw.text != jw.label() else ""
        click.echo(f"  Jangka waktu : {jw.label()}{text}")
        if s.jangka_waktu_sejak:
            click.echo(f"  Dihitung sejak: {s.jangka_waktu_sejak}")
    else:
        click.echo("  Jangka waktu : - (tidak disebut dalam dokumen)")
    biaya = s.biaya or ("Gratis" if s.biaya_rupiah == 0 else "")
    click.echo(f"  Biaya        : {biaya}" + (f" ({_rupiah(s.biaya_rupiah)})" if s.biaya_rupiah else ""))
    click.echo(f"  Produk       : {s.produk or '-'}")
    if s.benefit_rupiah:
        times = f" selama {s.benefit_count} {s.benefit_period}" if s.benefit_count else ""
        click.echo(f"  Manfaat      : {_rupiah(s.benefit_rupiah)} per {s.benefit_period}{times}")

    _section("Surat yang dicetak")
    if s.letter is not None:
        lt = s.letter
        click.echo(f"  {lt.title} ({lt.template}), klasifikasi {lt.klasifikasi}, sifat {lt.sifat}")
        click.echo(f"  Hal: {lt.hal}")
        if lt.addressee:
            click.echo(f"  Kepada: Yth. {lt.addressee}")
    else:
        click.echo("  Tidak ada surat; desk mencetak tanda terima berkas.")

    roles = getattr(s, "roles", ()) or ()
    if roles:
        _section("Peran selain pemohon")
        for role in roles:
            click.echo(f"  - {_role_text(role)}")

    std = getattr(s, "standard", None)
    channels = (std.complaint_channels if std is not None and std.complaint_channels
                else s.pengaduan)
    if channels:
        _section("Pengaduan")
        for p in channels:
            click.echo(f"  - {p}")
        if std is not None and std.complaint_unit:
            click.echo(f"  Ditindaklanjuti oleh: {std.complaint_unit}")
    if s.dasar_hukum:
        _section("Dasar hukum")
        for i, p in enumerate(s.dasar_hukum, start=1):
            click.echo(f"  {i}. {p}")
    if std is not None:
        _show_standard(std)


_BRANCH_ACTIONS = {
    "lanjut": "lanjut",
    "kembali": "kembali",
    "tolak": "ditolak (berkas selesai)",
    "selesai": "selesai",
    "tunggu_berkas": "menunggu kelengkapan berkas",
}


def _branch_text(label: str, branch) -> str:
    """One decision branch in words, e.g. "tidak lengkap -> kembali ke langkah 2 (jam berhenti)"."""
    if branch is None:
        return f"{label} -> lanjut"
    label = getattr(branch, "label", "") or label
    action = getattr(branch, "action", "") or "lanjut"
    words = _BRANCH_ACTIONS.get(action, action)
    to_step = getattr(branch, "to_step", None)
    if to_step is not None:
        words += f" ke langkah {to_step}"
    if getattr(branch, "pause", False):
        words += " (jangka waktu berhenti selama menunggu pemohon)"
    text = getattr(branch, "text", "")
    return f"{label} -> {words}" + (f": {text}" if text else "")


def _role_text(role) -> str:
    """A role in words, e.g. "Anggota kelompok (anggota): 10 orang atau lebih, NIK wajib"."""
    low = getattr(role, "min", 0) or 0
    high = getattr(role, "max", None)
    if high is None:
        count = f"{low} orang atau lebih" if low else "boleh tidak ada, tanpa batas"
    elif low == high:
        count = f"tepat {low} orang"
    else:
        count = f"{low}-{high} orang" if low else f"paling banyak {high} orang (boleh tidak ada)"
    nik = "NIK wajib" if getattr(role, "nik_required", True) else "NIK tidak wajib"
    label = getattr(role, "label", "") or getattr(role, "id", "")
    return f"{label} ({getattr(role, 'id', '')}): {count}, {nik}"


def _show_standard(std) -> None:
    """The components of the Standar Pelayanan held in [standar]."""
    _section("Standar Pelayanan (komponen lain)")
    if std.decree_label():
        click.echo(f"  Keputusan: {std.decree_label()}")
    parts = (
        ("Sarana, prasarana dan/atau fasilitas", std.sarana_prasarana),
        ("Kompetensi pelaksana", std.kompetensi_pelaksana),
        ("Pengawasan internal", std.pengawasan_internal),
        ("Jumlah pelaksana", std.jumlah_pelaksana),
        ("Jaminan pelayanan", std.jaminan_pelayanan),
        ("Jaminan keamanan dan keselamatan pelayanan", std.jaminan_keamanan),
        ("Evaluasi kinerja pelaksana", std.evaluasi_kinerja),
    )
    for title, values in parts:
        click.echo(f"  {title}:")
        if not values:
            click.echo("    - (tidak disebut dalam dokumen)")
        for v in values:
            click.echo(f"    - {v}")
    if std.categories:
        click.echo("  Rincian per kategori:")
        for c in std.categories:
            bits = []
            if c.jangka_waktu is not None:
                bits.append(f"jangka waktu {c.jangka_waktu.text or c.jangka_waktu.label()}")
            if c.amount_rupiah is not None:
                per = f" per {c.period}" if c.period and c.period != "sekali" else ""
                times = f" selama {c.count} {c.period}" if c.count and c.count > 1 else ""
                bits.append(f"{_rupiah(c.amount_rupiah)}{per}{times}")
            click.echo(f"    - {c.name}: {'; '.join(bits) or c.text or '-'}")
    if std.notes:
        click.echo("  Catatan dokumen:")
        for note in std.notes:
            click.echo(f"    - {note}")


@katalog.command("periksa", short_help="Periksa berkas dan konsistensi katalog (alias: check).")
@_help
@click.pass_context
def periksa(ctx: click.Context) -> None:
    """Validasi berkas katalog dan laporkan ketidakkonsistenan (alias: check).

    Keluar dengan kode 1 bila ada berkas yang tidak valid; temuan ketidakkonsistenan (mis. jumlah
    waktu SOP berbeda dengan yang tertulis) dan catatan dokumen ([standar] catatan: kekeliruan
    dalam dokumen sumber itu sendiri) hanya dilaporkan.
    """
    catalog = _load(ctx)
    click.echo(f"{len(catalog)} berkas layanan valid.")
    findings = check_catalog(catalog)
    if not findings:
        click.echo("Tidak ada temuan.")
    counts = {"peringatan": 0, "info": 0}
    current = None
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
        if f.code != current:
            click.echo(f"\n{f.code}:")
            current = f.code
        click.echo(f"  [{f.severity}] {f.message}")
    if findings:
        click.echo(f"\n{counts.get('peringatan', 0)} peringatan, {counts.get('info', 0)} info.")
    _report_notes(catalog)


def _report_notes(catalog: Catalog) -> None:
    """Print each service's catatan: the document's own inconsistencies (notes, not errors)."""
    noted = [(s, s.standard.notes) for s in catalog
             if getattr(s, "standard", None) is not None and s.standard.notes]
    if not noted:
        return
    total = sum(len(notes) for _s, notes in noted)
    click.echo("\nCatatan dokumen (ketidakkonsistenan dalam dokumen sumber; bukan kesalahan berkas):")
    for s, notes in noted:
        click.echo(f"\n{s.code}:")
        for note in notes:
            click.echo(f"  [catatan] {note}")
    click.echo(f"\n{total} catatan dokumen pada {len(noted)} layanan.")


def _output_dir(ctx: click.Context) -> Path:
    """The folder the other commands write documents to (configuration's output_dir)."""
    root = ctx.find_root()
    for obj in (root.obj, ctx.obj):
        if isinstance(obj, dict) and obj.get("config") is not None:
            folder = getattr(obj["config"], "output_dir", None)
            if folder is not None:
                return Path(folder)
    from desk.config import ConfigError, load_config

    try:
        return Path(load_config().output_dir)
    except ConfigError as exc:
        raise click.ClickException(f"{exc} Pakai -o BERKAS untuk menentukan tujuan.") from None


@katalog.command("cetak", short_help="Cetak Standar Pelayanan sebagai PDF (alias: print).")
@click.argument("kode")
@click.option("-o", "--output", "output", metavar="BERKAS",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas PDF tujuan. Bawaan: standar-pelayanan-KODE.pdf di folder dokumen.")
@_help
@click.pass_context
def cetak(ctx: click.Context, kode: str, output: Path | None) -> None:
    """Cetak Standar Pelayanan satu jenis layanan sebagai PDF untuk dipajang (alias: print).

    PDF A4 memuat seluruh komponen PermenPANRB 15/2014 (persyaratan, prosedur, jangka waktu,
    biaya, produk, pengaduan, dasar hukum, sarana prasarana, kompetensi, pengawasan internal,
    jumlah pelaksana, jaminan pelayanan, jaminan keamanan, evaluasi kinerja) dan nomor
    keputusannya.

    Contoh: desk katalog cetak KUKAR-IDAMAN -o idaman.pdf
    """
    from output.standard_pdf import default_file_name, write_standard_pdf

    catalog = _load(ctx)
    s = _get(ctx, catalog, kode)
    target = output if output is not None else _output_dir(ctx) / default_file_name(s)
    try:
        path = write_standard_pdf(s, target)
    except OSError as exc:
        raise click.ClickException(
            f"Tidak dapat menulis {target}: {exc.strerror or exc}") from None
    click.echo(f"Standar Pelayanan {s.code} disimpan di {path}")


def main() -> None:
    """Standalone entry point (``python -m desk.cli_katalog``)."""
    katalog(prog_name="desk katalog", obj={})


if __name__ == "__main__":
    main()
