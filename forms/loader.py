"""Read the service catalog from TOML files and validate every field.

The built-in files live in ``forms/katalog/*.toml``; an office may add its own folder(s). A file in
an extra folder with the same ``kode`` as a built-in service replaces it; any other file adds a
service. Files whose name starts with ``_`` or ``.`` are ignored (handy for drafts and templates).

Every problem is collected, not only the first, and reported in :class:`CatalogError` as strings
of the form ``file: field: what is wrong`` (in Indonesian, for the office administrator), e.g.::

    kube.toml: langkah[3].waktu.satuan: satuan 'hri' tidak dikenal (pilih: menit, jam, ...)

Array positions in field paths (``langkah[3]``) count from 1, as the administrator reads the file.

The TOML format (Indonesian keys) maps onto :mod:`forms.catalog` as follows:

=====================  ====================================================================
TOML                   dataclass
=====================  ====================================================================
kode, nama             Service.code, Service.name
nama_singkat, kantor   Service.short_name, Service.office
kabupaten, bidang      Service.kabupaten, Service.bidang
sumber                 Service.source
prefiks_antrian        Service.queue_prefix
jenis_pemohon          Service.applicant_kind
biaya, biaya_rupiah    Service.biaya, Service.biaya_rupiah
produk                 Service.produk
[jangka_waktu]         Service.jangka_waktu (nilai, satuan, teks) + jangka_waktu_sejak (sejak)
pengaduan, dasar_hukum Service.pengaduan, Service.dasar_hukum (lists of text)
[[persyaratan]]        ChecklistItem: id, teks, jenis, kondisi, jika, per_anggota, kelompok
                       (documents the applicant brings only; optional: a service that
                       starts from data may have none)
[[kondisi]]            Condition: id, pertanyaan, kelompok (the category "ya" chooses)
[[kriteria]]           Criterion: id, jenis, teks, min, maks, nilai, nilai_daftar, kelompok
                       (facts the officer verifies: usia, domisili, DTKS, "bukan PNS" ...)
[[langkah]]            Step: no, uraian, pelaksana, kelengkapan, waktu={nilai,satuan},
                       output, keterangan, loket, akhir (Step.end)
[[keputusan]]          Decision: id, jenis, pertanyaan, setelah_langkah, ya, tidak,
                       jika_tidak, kembali_ke_langkah
[keputusan.cabang_ya]  Decision.yes_branch / Decision.no_branch (Branch): tindakan (action:
[keputusan.            lanjut, kembali, tolak, selesai, tunggu_berkas), ke_langkah
 cabang_tidak]         (to_step), teks (text), jeda (pause). Absent: yes = lanjut to the
                       next step; no = tunggu_berkas + jeda (kelengkapan), kembali to
                       kembali_ke_langkah (when given) or tolak; no's teks = jika_tidak
[[peran]]              Role (Service.roles): id (one of ROLE_KINDS), nama (label), min,
                       maks (max), nik_wajib (nik_required, default true)
[jumlah_sop]           Service.sop_total_stated (nilai, satuan, teks)
manfaat_rupiah         Service.benefit_rupiah
manfaat_periode        Service.benefit_period
manfaat_kali           Service.benefit_count
[surat]                Letter (the product): templat, judul, hal, klasifikasi, sifat, kepada,
                       isi, penutup, tembusan, penandatangan, atas_nama, setelah_langkah,
                       pada_langkah (forms.doctypes documents every key)
[[dokumen]]            Service.documents: jenis (surat_pengantar, disposisi, ba_verifikasi,
                       ba_serah_terima) over its template in _dokumen.toml, same keys
[standar]              Service.standard (forms.standard.Standard): keputusan_nomor,
                       keputusan_tanggal, sarana_prasarana, kompetensi_pelaksana,
                       jumlah_pelaksana, pengawasan_internal, jaminan_pelayanan,
                       jaminan_keamanan, evaluasi_kinerja, pengaduan_kanal,
                       pengaduan_bidang, catatan, [[standar.kategori]] (nama,
                       jangka_waktu, rupiah, periode, kali, teks); at the file's end
=====================  ====================================================================

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from forms.catalog import (
    APPLICANT_KINDS,
    CRITERION_KINDS,
    ITEM_KINDS,
    Catalog,
    ChecklistItem,
    Condition,
    Criterion,
    Service,
    Step,
)
from forms.decisions import read_decisions, read_roles
from forms.doctypes import (  # noqa: F401 - LETTER_PLACEHOLDERS ... re-exported
    IDENTITY_PARAGRAPH,
    LETTER_PLACEHOLDERS,
    SIGNER_PARAGRAPH,
    TEMPLATE_FILE,
    load_templates,
    read_documents,
    read_letter,
    read_templates,
)
from forms.fields import FieldReader, join_path
from forms.standard import read_standard

#: Folder of the built-in catalog.
BUILTIN_DIR: Path = Path(__file__).resolve().parent / "katalog"

#: Periods a cash benefit may be paid per.
BENEFIT_PERIODS: tuple[str, ...] = ("hari", "minggu", "bulan", "tahun", "sekali")

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,19}$")
_PREFIX_RE = re.compile(r"^[A-Z]{1,3}$")


class CatalogError(Exception):
    """The catalog files are invalid.

    Attributes:
        errors: One line per problem, formatted ``file: field: what is wrong`` (Indonesian).
    """

    def __init__(self, errors: Sequence[str]):
        self.errors: list[str] = list(errors)
        count = len(self.errors)
        head = f"Katalog layanan tidak valid ({count} kesalahan)"
        super().__init__(head + ":\n" + "\n".join(self.errors))


# --------------------------------------------------------------------------------------------
# One service
# --------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "kode", "nama", "nama_singkat", "kantor", "kabupaten", "bidang", "sumber",
    "prefiks_antrian", "jenis_pemohon", "biaya", "biaya_rupiah", "produk", "jangka_waktu",
    "pengaduan", "dasar_hukum", "persyaratan", "kondisi", "kriteria", "langkah", "keputusan",
    "jumlah_sop", "manfaat_rupiah", "manfaat_periode", "manfaat_kali", "surat",
    "standar", "peran", "dokumen",
)
_TOP_REQUIRED = (
    "kode", "nama", "nama_singkat", "kantor", "kabupaten", "sumber",
    "prefiks_antrian", "jenis_pemohon", "langkah",
)


#: How a persyaratan that states a fact rather than names a document begins ("Bukan PNS ...",
#: "Berusia 60 tahun ke atas", "Terdaftar dalam DTKS"): no document's name starts so.
_FACT_PREFIXES: tuple[str, ...] = (
    "bukan ", "berusia ", "usia ", "terdaftar ", "terdata ", "berdomisili ", "masuk dalam ",
    "penduduk ", "tidak ", "mengalami ", "berpenghasilan ",
)


def _reads_as_fact(text: str) -> bool:
    """Whether a persyaratan's text is a fact the officer verifies (see :data:`_FACT_PREFIXES`)."""
    return " ".join(text.split()).lower().startswith(_FACT_PREFIXES)


def _shorten(text: str, width: int = 40) -> str:
    """The first ``width`` characters of ``text`` (one line), with "..." when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3].rstrip() + "..."


def _read_items(r: FieldReader, data: dict, condition_ids: set[str]) -> tuple[ChecklistItem, ...]:
    items = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "persyaratan"):
        r.keys(t, path, ("id", "teks", "jenis", "kondisi", "jika", "per_anggota", "kelompok"),
               ("id", "teks"))
        item_id = r.ident(t, "id", path)
        r.unique(seen, item_id, join_path(path, "id"), "id")
        kind = r.choice(t, "jenis", path, ITEM_KINDS, label="jenis", default="wajib")
        when = r.text(t, "jika", path)
        condition = r.text(t, "kondisi", path)
        if kind == "bersyarat":
            if "jika" not in t:
                r.err(join_path(path, "jika"),
                      "wajib diisi untuk jenis 'bersyarat' (id salah satu [[kondisi]])")
            elif when and when.removeprefix("!") not in condition_ids:
                known = ", ".join(sorted(condition_ids)) or "belum ada [[kondisi]]"
                r.err(join_path(path, "jika"),
                      f"kondisi '{when.removeprefix('!')}' tidak ada (yang ada: {known})")
        elif when or condition:
            key = "jika" if when else "kondisi"
            r.err(join_path(path, key), f"hanya untuk jenis 'bersyarat' (jenis item ini '{kind}')")
        text = r.text(t, "teks", path, required=True)
        if _reads_as_fact(text):
            r.err(join_path(path, "teks"),
                  f"'{_shorten(text)}' adalah fakta yang diperiksa petugas, bukan dokumen yang "
                  "dibawa pemohon; pindahkan ke [[kriteria]] (slip kekurangan hanya memuat "
                  "dokumen)")
        items.append(
            ChecklistItem(
                id=item_id,
                text=text,
                kind=kind,
                condition=condition,
                when=when,
                per_member=r.boolean(t, "per_anggota", path),
                group=r.text(t, "kelompok", path),
            )
        )
    return tuple(items)


def _read_conditions(r: FieldReader, data: dict) -> tuple[Condition, ...]:
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "kondisi"):
        r.keys(t, path, ("id", "pertanyaan", "kelompok"), ("id", "pertanyaan"))
        cid = r.ident(t, "id", path)
        r.unique(seen, cid, join_path(path, "id"), "id")
        out.append(Condition(id=cid, question=r.text(t, "pertanyaan", path, required=True),
                             group=r.text(t, "kelompok", path)))
    return tuple(out)


def _read_criteria(r: FieldReader, data: dict) -> tuple[Criterion, ...]:
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "kriteria"):
        r.keys(t, path,
               ("id", "jenis", "teks", "min", "maks", "nilai", "nilai_daftar", "kelompok"),
               ("id", "jenis", "teks"))
        cid = r.ident(t, "id", path)
        r.unique(seen, cid, join_path(path, "id"), "id")
        kind = r.choice(t, "jenis", path, CRITERION_KINDS, label="jenis")
        low = r.integer(t, "min", path, minimum=0)
        high = r.integer(t, "maks", path, minimum=0)
        value = r.text(t, "nilai", path)
        values = r.text_list(t, "nilai_daftar", path)
        if low is not None and high is not None and low > high:
            r.err(join_path(path, "min"), f"min {low} lebih besar dari maks {high}")
        if kind == "usia" and low is None and high is None and "min" not in t and "maks" not in t:
            r.err(path, "kriteria usia perlu 'min' dan/atau 'maks' (tahun)")
        if kind == "jumlah_anggota" and "min" not in t and "maks" not in t:
            r.err(path, "kriteria jumlah_anggota perlu 'min' dan/atau 'maks' (orang)")
        if kind == "jenis_kelamin" and value not in ("L", "P"):
            r.err(join_path(path, "nilai"), "kriteria jenis_kelamin perlu nilai \"L\" atau \"P\"")
        if kind == "domisili" and not value:
            r.err(join_path(path, "nilai"), "kriteria domisili perlu nilai (nama kabupaten)")
        if kind == "pengecualian" and not values and "nilai_daftar" not in t:
            r.err(join_path(path, "nilai_daftar"),
                  "kriteria pengecualian perlu nilai_daftar (status yang dikecualikan)")
        out.append(
            Criterion(
                id=cid,
                kind=kind,
                text=r.text(t, "teks", path, required=True),
                min=low,
                max=high,
                value=value,
                values=values,
                group=r.text(t, "kelompok", path),
            )
        )
    return tuple(out)


def _read_steps(r: FieldReader, data: dict) -> tuple[Step, ...]:
    out = []
    for pos, (path, t) in enumerate(r.table_list(data, "langkah"), start=1):
        r.keys(t, path,
               ("no", "uraian", "pelaksana", "kelengkapan", "waktu", "output", "keterangan",
                "loket", "akhir", "sebelum_loket"),
               ("no", "uraian"))
        no = r.integer(t, "no", path, minimum=1)
        if no is not None and no != pos:
            r.err(join_path(path, "no"),
                  f"langkah harus bernomor urut 1, 2, 3, ... (diharapkan {pos}, tertulis {no})")
        waktu, _ = r.duration(t, "waktu", path)
        out.append(
            Step(
                no=no if no is not None else pos,
                uraian=r.text(t, "uraian", path, required=True),
                pelaksana=r.text_list(t, "pelaksana", path),
                kelengkapan=r.text(t, "kelengkapan", path),
                waktu=waktu,
                output=r.text(t, "output", path),
                keterangan=r.text(t, "keterangan", path),
                loket=r.boolean(t, "loket", path),
                end=r.boolean(t, "akhir", path),
                before_counter=r.boolean(t, "sebelum_loket", path),
            )
        )
    earlier = True
    for path_step in out:  # only a leading run of steps can come before the counter
        if path_step.before_counter and not earlier:
            r.err(f"langkah[{path_step.no}].sebelum_loket",
                  "hanya langkah-langkah awal yang berurutan dapat terjadi sebelum loket")
        earlier = earlier and path_step.before_counter
    return tuple(out)


def _parse(path: Path, templates: dict[str, dict] | None = None) -> tuple[Service | None, list[str]]:
    """Read and validate one file.

    Returns:
        The service (None when the file has errors) and the list of errors.
    """
    r = FieldReader(path.name, top_keys=_TOP_KEYS)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        r.err("berkas", f"tidak dapat dibaca ({exc.strerror or exc})")
        return None, r.errors
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        r.err("berkas", "bukan teks UTF-8")
        return None, r.errors
    except tomllib.TOMLDecodeError as exc:
        r.err("sintaks", f"TOML tidak valid: {exc}")
        return None, r.errors

    r.keys(data, "", _TOP_KEYS, _TOP_REQUIRED)
    texts = {
        key: r.text(data, key, "", required=key in _TOP_REQUIRED)
        for key in ("nama", "nama_singkat", "kantor", "kabupaten", "bidang", "sumber", "biaya",
                    "produk")
    }
    code = r.text(data, "kode", "", required=True)
    if code and not _CODE_RE.match(code):
        r.err("kode", f"kode '{code}' harus huruf kapital, angka dan '-' (maks. 20, contoh REK-PUB)")
    prefix = r.text(data, "prefiks_antrian", "", required=True)
    if prefix and not _PREFIX_RE.match(prefix):
        r.err("prefiks_antrian", f"prefiks '{prefix}' harus 1-3 huruf kapital A-Z (contoh: H)")
    applicant = r.choice(data, "jenis_pemohon", "", APPLICANT_KINDS, label="jenis pemohon")

    conditions = _read_conditions(r, data)
    condition_ids = {c.id for c in conditions}
    # No [[persyaratan]] is valid: a service that starts from data (DTKS, pendataan) has no
    # document to bring; its criteria are what the officer checks.
    items = _read_items(r, data, condition_ids)
    criteria = _read_criteria(r, data)
    groups = {c.group for c in criteria if c.group} | {it.group for it in items if it.group}
    for i, cond in enumerate(conditions, start=1):
        if cond.group and cond.group not in groups:
            known = ", ".join(sorted(groups)) or "belum ada kelompok pada kriteria/persyaratan"
            r.err(f"kondisi[{i}].kelompok",
                  f"kelompok '{cond.group}' tidak dipakai kriteria atau persyaratan mana pun "
                  f"(yang ada: {known})")
    steps = _read_steps(r, data)
    if "langkah" in data and not steps and isinstance(data["langkah"], list):
        r.err("langkah", "minimal satu [[langkah]]")
    decisions = read_decisions(r, data, {s.no for s in steps}, {s.no for s in steps if s.end})
    roles = read_roles(r, data)

    jangka, jangka_raw = r.duration(data, "jangka_waktu", extra_keys=("teks", "sejak"))
    sejak = r.text(jangka_raw, "sejak", "jangka_waktu") if jangka_raw else ""
    sop_total, _ = r.duration(data, "jumlah_sop")

    biaya_rupiah = r.integer(data, "biaya_rupiah", "", minimum=0)
    benefit = r.integer(data, "manfaat_rupiah", "", minimum=1)
    period = r.choice(data, "manfaat_periode", "", BENEFIT_PERIODS, label="periode")
    count = r.integer(data, "manfaat_kali", "", minimum=1)
    if benefit is not None and not period and "manfaat_periode" not in data:
        r.err("manfaat_periode", "wajib diisi bila manfaat_rupiah diisi (mis. \"bulan\")")
    if benefit is None and "manfaat_rupiah" not in data and (period or count is not None):
        r.err("manfaat_rupiah", "wajib diisi bila manfaat_periode/manfaat_kali diisi")

    step_nos = {s.no for s in steps}
    letter = read_letter(r, data, step_nos)
    documents = read_documents(r, data, step_nos, templates if templates is not None else load_templates()[0])
    standard = read_standard(r, data)

    if r.errors:
        return None, r.errors
    service = Service(
        code=code,
        name=texts["nama"],
        short_name=texts["nama_singkat"],
        office=texts["kantor"],
        kabupaten=texts["kabupaten"],
        bidang=texts["bidang"],
        source=texts["sumber"],
        queue_prefix=prefix,
        applicant_kind=applicant,
        persyaratan=items,
        steps=steps,
        conditions=conditions,
        kriteria=criteria,
        decisions=decisions,
        jangka_waktu=jangka,
        jangka_waktu_sejak=sejak,
        biaya=texts["biaya"],
        biaya_rupiah=biaya_rupiah or 0,
        produk=texts["produk"],
        benefit_rupiah=benefit,
        benefit_period=period,
        benefit_count=count,
        pengaduan=r.text_list(data, "pengaduan", ""),
        dasar_hukum=r.text_list(data, "dasar_hukum", ""),
        sop_total_stated=sop_total,
        letter=letter,
        roles=roles,
        documents=documents,
        standard=standard,
        path=str(path),
    )
    return service, []


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def load_service_file(path: Path | str) -> Service:
    """Read and validate one service file.

    Args:
        path: The ``.toml`` file.

    Returns:
        The service.

    Raises:
        CatalogError: with every problem found in the file.
    """
    service, errors = _parse(Path(path))
    if errors or service is None:
        raise CatalogError(errors)
    return service


def _service_files(folder: Path) -> list[Path]:
    """Return the ``*.toml`` files of ``folder`` in name order, skipping ``_``/``.`` files."""
    return sorted(
        p for p in folder.glob("*.toml")
        if p.is_file() and not p.name.startswith(("_", "."))
    )


def load_catalog(extra_dirs: Sequence[Path | str] = ()) -> Catalog:
    """Load the built-in catalog plus the services of the office's own folder(s).

    A file in an extra folder whose ``kode`` equals an earlier service's replaces that service
    (keeping its place in the order); other files add services at the end.

    Args:
        extra_dirs: Folders with more ``*.toml`` files, applied in order.

    Returns:
        The catalog, services in file order.

    Raises:
        CatalogError: listing every problem in every file (``file: field: what is wrong``),
            including duplicate ``kode`` within one folder and duplicate ``prefiks_antrian``
            across the final catalog.
    """
    templates, errors = load_templates([d for d in extra_dirs if Path(d).expanduser().is_dir()])
    services: dict[str, Service] = {}
    folders: list[Path] = [BUILTIN_DIR]
    for extra in extra_dirs:
        folder = Path(extra).expanduser()
        if not folder.is_dir():
            errors.append(f"{folder}: katalog_dir: folder tidak ditemukan")
            continue
        folders.append(folder)

    for folder in folders:
        in_folder: dict[str, Path] = {}
        for path in _service_files(folder):
            service, file_errors = _parse(path, templates)
            errors.extend(file_errors)
            if service is None:
                continue
            key = service.code.upper()
            if key in in_folder:
                errors.append(
                    f"{path.name}: kode: kode '{service.code}' sudah dipakai di "
                    f"{in_folder[key].name} (folder yang sama)"
                )
                continue
            in_folder[key] = path
            services[key] = service

    prefixes: dict[str, Service] = {}
    for service in services.values():
        other = prefixes.get(service.queue_prefix)
        if other is not None:
            errors.append(
                f"{Path(service.path).name}: prefiks_antrian: prefiks '{service.queue_prefix}' "
                f"sudah dipakai oleh {other.code} ({Path(other.path).name})"
            )
        else:
            prefixes[service.queue_prefix] = service

    if errors:
        raise CatalogError(errors)
    return Catalog(services={s.code: s for s in services.values()}, templates=read_templates(templates))
