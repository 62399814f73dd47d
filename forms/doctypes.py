"""Document kinds and their templates: what a service prints, who signs it, and when.

A service's product letter is its ``[surat]`` table; its other documents are ``[[dokumen]]``
entries naming a kind (surat pengantar, lembar disposisi, berita acara) whose text comes from
the kind's template in ``_dokumen.toml``, overridden key by key by the entry. The built-in
templates live in ``forms/katalog/_dokumen.toml``; an office changes them with a
``_dokumen.toml`` of its own in a ``katalog_dirs`` folder (only the keys it sets change).

Keys of a ``[surat]`` table, a ``[[dokumen]]`` entry and a template (``[<jenis>]``):

=================  ============================================================================
templat            [surat] only: rekomendasi, surat_keterangan or tanda_terima
jenis              [[dokumen]] only: surat_pengantar, disposisi, ba_verifikasi, ba_serah_terima
judul, hal         Title and "Hal"
klasifikasi        Kode klasifikasi of the number (400.9.12 ...)
sifat, kepada      Sifat; the addressee ("Yth."), placeholders allowed
isi                Paragraphs; a paragraph that is exactly one of TABLE_PARAGRAPHS prints a table
penutup            Closing paragraph
tembusan           Copies to
penandatangan      The signing official's jabatan ("Kepala Dinas" = the office's head, the
                   default; any other comes from the office's [[pejabat]])
atas_nama          The a.n. chain, outermost first: ["Kepala Dinas"], ["Kepala Dinas",
                   "Sekretaris"] (a.n. ... u.b. ...)
setelah_langkah    Issued (numbered) only once this step is finished; KONSEP before
pada_langkah       Issued once this step has started (the step's work is to send it)
diteruskan_kepada  Lembar disposisi: "Diteruskan kepada" choices ({nama_bidang} allowed)
harap              Lembar disposisi: "Dengan hormat harap" choices
harap_dicentang    The choices of ``harap`` ticked on the sheet
=================  ============================================================================

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from forms.catalog import HEAD_OF_OFFICE, LETTER_TEMPLATES, Letter, Signer
from forms.fields import FieldReader, join_path
from forms.people import PEOPLE_PLACEHOLDERS


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document the desk prints.

    Attributes:
        id: The kind (Document.kind).
        label: Its name on screens.
        layout: How it is drawn: surat, keterangan, berita_acara, disposisi, tanda_terima,
            kekurangan, tiket.
        numbered: It takes a number from the office's letter sequence and a verification code.
        full_nik: The NIK is printed in full unless the office says otherwise (recipients who
            must identify the person: BPJS, the izin authority, a berita acara); else masked.
        listed: A service may name it in ``[[dokumen]]``.
    """

    id: str
    label: str
    layout: str
    numbered: bool
    full_nik: bool
    listed: bool = False


#: Every document kind, in the order a case screen lists them.
DOCUMENT_KINDS: dict[str, DocumentKind] = {k.id: k for k in (
    DocumentKind("rekomendasi", "Surat rekomendasi", "surat", True, True),
    DocumentKind("surat_keterangan", "Surat keterangan", "keterangan", True, True),
    DocumentKind("surat_pengantar", "Surat pengantar", "surat", True, True, listed=True),
    DocumentKind("ba_verifikasi", "Berita acara verifikasi dan validasi", "berita_acara", True, True,
                 listed=True),
    DocumentKind("ba_serah_terima", "Berita acara serah terima bantuan", "berita_acara", True, True,
                 listed=True),
    DocumentKind("disposisi", "Lembar disposisi", "disposisi", False, False, listed=True),
    DocumentKind("pemberitahuan", "Surat pemberitahuan (penolakan)", "surat", True, False),
    DocumentKind("tanda_terima", "Tanda terima berkas", "tanda_terima", False, False),
    DocumentKind("kekurangan_berkas", "Daftar kekurangan berkas", "kekurangan", False, False),
    DocumentKind("tiket", "Tiket antrean", "tiket", False, False),
)}
LISTED_KINDS: tuple[str, ...] = tuple(k.id for k in DOCUMENT_KINDS.values() if k.listed)
#: Kinds whose text ``_dokumen.toml`` holds: the listed ones and those the desk prints itself
#: (their tables, lists and numbers are drawn by the desk; judul, isi, penutup are the template's).
TEMPLATE_KINDS: tuple[str, ...] = (*LISTED_KINDS, "pemberitahuan", "tanda_terima", "kekurangan_berkas", "tiket")
NIK_CHOICES: tuple[str, ...] = ("lengkap", "samar")

#: Placeholders a document's text may use (filled by models.documents from the case).
LETTER_PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "nama_pemohon",
        "alamat_pemohon",
        "nik_pemohon",
        "tanggal_lengkap",
        "nomor_register",
        "nama_layanan",
        "nama_bidang",
        "kabupaten",
        "nilai_bantuan",
        "nama_kantor",
        "tanggal_permohonan",
        "rujukan_berkas",
        "kanal_pengaduan",
    }
) | PEOPLE_PLACEHOLDERS  # {ketua.nama}, {daftar_anggota}, {npwp} ... (forms.people)
#: A paragraph that is exactly this becomes the applicant's identity table.
IDENTITY_PARAGRAPH = "{identitas_pemohon}"
#: A paragraph that is exactly this becomes the signer's nama / NIP / pangkat / jabatan table
#: (a surat keterangan's "Yang bertanda tangan di bawah ini:").
SIGNER_PARAGRAPH = "{identitas_penandatangan}"
#: Paragraphs that print a table: the two above, the berkas checked (ada / tidak ada), the
#: criteria assessed, and the aid handed over.
TABLE_PARAGRAPHS: tuple[str, ...] = (
    IDENTITY_PARAGRAPH, SIGNER_PARAGRAPH, "{hasil_pemeriksaan}", "{hasil_kriteria}", "{rincian_bantuan}",
    "{alasan_penolakan}",
)

_KLASIFIKASI_RE = re.compile(r"^\d{3}(\.\d+)*$")
_TEXT_KEYS = ("judul", "hal", "klasifikasi", "sifat", "kepada", "isi", "penutup", "tembusan",
              "penandatangan", "atas_nama", "diteruskan_kepada", "harap", "harap_dicentang")
_STEP_KEYS = ("setelah_langkah", "pada_langkah")

#: The built-in templates of the listed kinds.
BUILTIN_TEMPLATES: Path = Path(__file__).resolve().parent / "katalog" / "_dokumen.toml"
TEMPLATE_FILE = "_dokumen.toml"


def check_placeholders(r: FieldReader, text: str, path: str, *, paragraph: bool) -> None:
    """Report ``{placeholders}`` a document cannot fill, and malformed braces."""
    if paragraph and text in TABLE_PARAGRAPHS:
        return
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        r.err(path, f"kurung kurawal tidak seimbang ({exc}); tulis '{{{{' untuk '{{'")
        return
    for name in fields:
        if "{" + name + "}" in TABLE_PARAGRAPHS:
            r.err(path, f"{{{name}}} harus berdiri sendiri sebagai satu paragraf")
        elif name not in LETTER_PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(LETTER_PLACEHOLDERS))
            r.err(path, f"isian '{{{name}}}' tidak dikenal (yang tersedia: {known})")


def _read_signer(r: FieldReader, t: dict, path: str) -> Signer:
    jabatan = " ".join(r.text(t, "penandatangan", path).split()) or HEAD_OF_OFFICE
    chain = tuple(" ".join(x.split()) for x in r.text_list(t, "atas_nama", path))
    if jabatan in chain:
        r.err(join_path(path, "atas_nama"), f"'{jabatan}' menandatangani sendiri; "
              "atas_nama berisi pejabat yang diwakili (mis. [\"Kepala Dinas\"])")
    if chain and chain[0] != HEAD_OF_OFFICE:
        r.err(join_path(path, "atas_nama"), f"rantai a.n. dimulai dari '{HEAD_OF_OFFICE}' "
              f"(contoh: [\"{HEAD_OF_OFFICE}\"] atau [\"{HEAD_OF_OFFICE}\", \"Sekretaris\"])")
    if len(chain) > 2:
        r.err(join_path(path, "atas_nama"), "paling banyak dua tingkat (a.n. dan u.b.)")
    return Signer(jabatan=jabatan, on_behalf=chain)


def _read_step(r: FieldReader, t: dict, path: str, step_nos: set[int]) -> tuple[int | None, int | None]:
    after = r.integer(t, "setelah_langkah", path, minimum=1)
    at = r.integer(t, "pada_langkah", path, minimum=1)
    if after is not None and at is not None:
        r.err(join_path(path, "pada_langkah"), "isi setelah_langkah atau pada_langkah, tidak keduanya")
    for key, no in (("setelah_langkah", after), ("pada_langkah", at)):
        if no is not None and step_nos and no not in step_nos:
            r.err(join_path(path, key), f"langkah {no} tidak ada (langkah 1-{max(step_nos)})")
    return after, at


def read_document(r: FieldReader, t: dict, path: str, *, template: str, kind: str,
                  step_nos: set[int]) -> Letter:
    """Read one document table (``[surat]``, a ``[[dokumen]]`` merged over its template, or a
    template itself) into a :class:`Letter`."""
    klasifikasi = r.text(t, "klasifikasi", path)
    if klasifikasi and not _KLASIFIKASI_RE.match(klasifikasi):
        r.err(join_path(path, "klasifikasi"), f"kode klasifikasi '{klasifikasi}' tidak valid (contoh: 400.9.12)")
    numbered = DOCUMENT_KINDS[kind].numbered if kind in DOCUMENT_KINDS else True
    if numbered and not klasifikasi:
        r.err(join_path(path, "klasifikasi"), "wajib diisi (kode klasifikasi nomor surat, contoh: 400.9.12)")
    body = r.text_list(t, "isi", path)
    if "isi" in t and not body:
        r.err(join_path(path, "isi"), "minimal satu paragraf")
    for i, para in enumerate(body, start=1):
        check_placeholders(r, para, f"{path}.isi[{i}]", paragraph=True)
    texts = {key: r.text(t, key, path) for key in ("kepada", "penutup", "judul", "hal")}
    for key in ("kepada", "penutup", "hal"):
        check_placeholders(r, texts[key], f"{path}.{key}", paragraph=False)
    forward = r.text_list(t, "diteruskan_kepada", path)
    for i, item in enumerate(forward, start=1):
        check_placeholders(r, item, f"{path}.diteruskan_kepada[{i}]", paragraph=False)
    instructions = r.text_list(t, "harap", path)
    ticked = r.text_list(t, "harap_dicentang", path)
    for item in ticked:
        if item not in instructions:
            r.err(join_path(path, "harap_dicentang"), f"'{item}' tidak ada dalam harap")
    if not texts["judul"] and template != "surat":
        r.err(join_path(path, "judul"), "wajib diisi")
    if not texts["hal"] and template == "surat":
        r.err(join_path(path, "hal"), "wajib diisi")
    after, at = _read_step(r, t, path, step_nos)
    return Letter(
        template=template, title=texts["judul"], hal=texts["hal"], klasifikasi=klasifikasi, body=body,
        sifat=r.text(t, "sifat", path) or "Biasa", addressee=texts["kepada"], closing=texts["penutup"],
        tembusan=r.text_list(t, "tembusan", path), kind=kind, signer=_read_signer(r, t, path),
        after_step=after, at_step=at, forward_to=forward, instructions=instructions, ticked=ticked,
    )


def read_letter(r: FieldReader, data: dict, step_nos: set[int]) -> Letter | None:
    """The service's product letter (``[surat]``), or None."""
    t = r.sub_table(data, "surat")
    if t is None:
        return None
    r.keys(t, "surat", ("templat", *_TEXT_KEYS, *_STEP_KEYS), ("templat", "judul", "hal", "klasifikasi", "isi"))
    template = r.choice(t, "templat", "surat", LETTER_TEMPLATES, label="templat")
    return read_document(r, t, "surat", template=template, kind=template, step_nos=step_nos)


def read_documents(r: FieldReader, data: dict, step_nos: set[int],
                   templates: dict[str, dict]) -> tuple[Letter, ...]:
    """The service's ``[[dokumen]]``, each merged over its kind's template."""
    out: list[Letter] = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "dokumen"):
        r.keys(t, path, ("jenis", *_TEXT_KEYS, *_STEP_KEYS), ("jenis",))
        kind = r.choice(t, "jenis", path, LISTED_KINDS, label="jenis dokumen")
        if not kind:
            continue
        r.unique(seen, kind, join_path(path, "jenis"), "jenis dokumen")
        merged = {**templates.get(kind, {}), **t}
        out.append(read_document(r, merged, path, template=DOCUMENT_KINDS[kind].layout, kind=kind,
                                 step_nos=step_nos))
    return tuple(out)


def read_templates(templates: dict[str, dict]) -> dict[str, Letter]:
    """The templates (already checked by :func:`load_templates`) as documents."""
    r = FieldReader(TEMPLATE_FILE)
    return {kind: read_document(r, table, kind, template=DOCUMENT_KINDS[kind].layout, kind=kind, step_nos=set())
            for kind, table in templates.items()}


def load_templates(extra_dirs: Sequence[Path | str] = ()) -> tuple[dict[str, dict], list[str]]:
    """The templates of the listed kinds: the built-in file, then each folder's ``_dokumen.toml``
    over it (key by key).

    Returns:
        kind -> template table, and the problems found (``file: field: what is wrong``).
    """
    templates: dict[str, dict] = {}
    errors: list[str] = []
    files = [BUILTIN_TEMPLATES] + [Path(d).expanduser() / TEMPLATE_FILE for d in extra_dirs]
    for file in files:
        if not file.is_file():
            continue
        r = FieldReader(file.name)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{file}: sintaks: tidak dapat dibaca ({exc})")
            continue
        for kind, table in data.items():
            if kind not in TEMPLATE_KINDS or not isinstance(table, dict):
                r.err(kind, f"jenis dokumen '{kind}' tidak dikenal (pilih: {', '.join(TEMPLATE_KINDS)})")
                continue
            r.keys(table, kind, _TEXT_KEYS)
            merged = {**templates.get(kind, {}), **table}
            read_document(r, merged, kind, template=DOCUMENT_KINDS[kind].layout, kind=kind, step_nos=set())
            templates[kind] = merged
        errors.extend(r.errors)
    return templates, errors
