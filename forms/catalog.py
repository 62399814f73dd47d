"""The service catalog: one TOML file per jenis layanan, read into plain dataclasses.

The files live in ``forms/katalog/`` (the built-in catalog, encoded from the Standar Pelayanan and
SOP documents in ``shared/seeds``) and, optionally, in an office's own folder given by the
configuration (``katalog_dir``). A file in the office folder with the same ``kode`` replaces the
built-in one; any other file adds a jenis layanan. No code change is needed for either.

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Units a mutu baku waktu or a jangka waktu may be given in.
TimeUnit = Literal["menit", "jam", "hari", "hari kerja", "bulan", "tahun"]
TIME_UNITS: tuple[str, ...] = ("menit", "jam", "hari", "hari kerja", "bulan", "tahun")

#: How a checklist item is required.
ItemKind = Literal["wajib", "opsional", "bersyarat"]
ITEM_KINDS: tuple[str, ...] = ("wajib", "opsional", "bersyarat")

#: Who applies: a person, an organisation (LKS, panitia, yayasan) or a group (KUBE).
ApplicantKind = Literal["perorangan", "organisasi", "kelompok"]
APPLICANT_KINDS: tuple[str, ...] = ("perorangan", "organisasi", "kelompok")

#: The kinds of eligibility criteria the documents state.
CriterionKind = Literal[
    "usia", "jenis_kelamin", "domisili", "dtks", "pengecualian", "jumlah_anggota", "lainnya"
]
CRITERION_KINDS: tuple[str, ...] = (
    "usia", "jenis_kelamin", "domisili", "dtks", "pengecualian", "jumlah_anggota", "lainnya"
)

#: Decision kinds in the flowcharts.
DecisionKind = Literal["kelengkapan", "syarat", "kelayakan"]
DECISION_KINDS: tuple[str, ...] = ("kelengkapan", "syarat", "kelayakan")

#: What a branch of a decision does.
BRANCH_ACTIONS: tuple[str, ...] = ("lanjut", "kembali", "tolak", "selesai", "tunggu_berkas")

#: Roles a person other than the pemohon may have in a case.
ROLE_KINDS: tuple[str, ...] = (
    "anak", "orang_tua", "wali", "anggota", "ketua", "sekretaris", "bendahara", "pengurus",
    "ahli_waris", "pendamping",
)

#: Documents the desk can print as the product of a service.
LetterTemplate = Literal["rekomendasi", "surat_keterangan", "tanda_terima"]
LETTER_TEMPLATES: tuple[str, ...] = ("rekomendasi", "surat_keterangan", "tanda_terima")

#: The jabatan that means the office's own head (its kepala_* settings sign for it).
HEAD_OF_OFFICE = "Kepala Dinas"


@dataclass(frozen=True)
class Duration:
    """A time as the documents state it: a number and a unit.

    Attributes:
        value: The number (e.g. ``15``); may be fractional for OCR'd values such as ``0.5``.
        unit: One of :data:`TIME_UNITS`.
        text: The document's own words, e.g. ``"2 (dua) hari kerja, sejak berkas ... lengkap"``.
    """

    value: float
    unit: str
    text: str = ""

    def label(self) -> str:
        """Return a short Indonesian label such as ``"15 hari"`` or ``"2 hari kerja"``."""
        number = int(self.value) if float(self.value).is_integer() else self.value
        return f"{number} {self.unit}"


@dataclass(frozen=True)
class Condition:
    """A fact asked at the counter that makes ``bersyarat`` items required.

    Attributes:
        id: Identifier used by items' ``when``.
        question: The question shown to the operator, e.g. "Ada anggota tanpa KK/KTP?".
        group: The category (``Criterion.group`` / ``ChecklistItem.group``) the answer "ya"
            chooses, for kategori questions (Kukar Idaman: "Lanjut Usia Telantar"); empty
            otherwise. Lets a service whose categories are only criteria (no category
            documents) still say which category the applicant applies for.
    """

    id: str
    question: str
    group: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    """One persyaratan: a document the applicant brings (what a kekurangan slip may list).

    Facts the officer verifies (usia, domisili, DTKS, "bukan PNS" ...) are :class:`Criterion`.

    Attributes:
        id: Identifier, unique within the service.
        text: The requirement as the document words it.
        kind: ``wajib`` (required), ``opsional`` or ``bersyarat`` (required when ``when`` holds).
        condition: For ``bersyarat``: the condition in words, as the document says it.
        when: For ``bersyarat``: the :class:`Condition` id that makes it required; with a
            leading ``!`` it is required when that condition does *not* hold (for two
            alternatives such as "janda" / "istri yang membantu suami").
        per_member: True when each member of a group must bring it ("masing-masing anggota").
        group: Optional heading for services with several categories (Kukar Idaman).
    """

    id: str
    text: str
    kind: str = "wajib"
    condition: str = ""
    when: str = ""
    per_member: bool = False
    group: str = ""

    @property
    def condition_id(self) -> str:
        """The :class:`Condition` id in ``when``, without a leading ``!``."""
        return self.when.removeprefix("!")

    def applies(self, conditions: dict[str, bool]) -> bool:
        """Whether a ``bersyarat`` item is required given the answers (False otherwise).

        Args:
            conditions: condition id -> True when the condition holds (unanswered: False).
        """
        if self.kind != "bersyarat":
            return False
        holds = bool(conditions.get(self.condition_id, False))
        return not holds if self.when.startswith("!") else holds


@dataclass(frozen=True)
class Criterion:
    """An eligibility criterion stated by the document.

    Attributes:
        id: Identifier, unique within the service.
        kind: One of :data:`CRITERION_KINDS`.
        text: The document's words.
        min: Lower bound (age in years, group size) where it applies.
        max: Upper bound (age in years) where it applies.
        value: ``"P"``/``"L"`` for jenis_kelamin, kabupaten name for domisili.
        values: Excluded statuses for ``pengecualian`` (e.g. PNS, TNI, Polri).
        group: Category the criterion belongs to (e.g. "Lanjut Usia Telantar"), if any.
    """

    id: str
    kind: str
    text: str
    min: int | None = None
    max: int | None = None
    value: str = ""
    values: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class Step:
    """One SOP step (a row of the SOP table, or a box of the flowchart).

    Attributes:
        no: Step number as in the document.
        uraian: What is done.
        pelaksana: The role(s) that carry it out.
        kelengkapan: Mutu baku: what must be at hand.
        waktu: Mutu baku: the standard time, or None where the document gives none.
        output: Mutu baku: what the step produces.
        keterangan: The KET column, if any.
        loket: True for steps done at the counter while the applicant waits.
        end: The procedure ends after this step on the path that reached it (Jamkesda: "valid
            dan padan" goes to step 6 and is done; "terdapat kendala" goes to step 7).
    """

    no: int
    uraian: str
    pelaksana: tuple[str, ...] = ()
    kelengkapan: str = ""
    waktu: Duration | None = None
    output: str = ""
    keterangan: str = ""
    loket: bool = False
    end: bool = False
    #: Done by the applicant (or the desa) before, or as, the berkas reaches the counter: the
    #: lengkap decision records it as done instead of starting it (TOML ``sebelum_loket``).
    before_counter: bool = False


@dataclass(frozen=True)
class Branch:
    """One outcome of a decision diamond.

    label: the branch's words ("lengkap", "tidak memenuhi syarat").
    action: lanjut (go on: to_step runs next, None = the next step in order; steps between are skipped),
            kembali (go back: to_step runs again, after the applicant fixes things when pause),
            tolak (the case ends as ditolak: refusal), selesai (the case ends as selesai),
            tunggu_berkas (kelengkapan only: the case waits for the missing documents).
    to_step: target step number (lanjut optional, kembali required; None for the others).
    text: what happens, in the document's words (the old jika_tidak for the negative branch).
    pause: the service clock (jangka waktu) pauses while the case waits for the applicant.
    """

    label: str
    action: str
    to_step: int | None = None
    text: str = ""
    pause: bool = False


@dataclass(frozen=True)
class Decision:
    """A decision diamond of the flowchart.

    Attributes:
        id: Identifier.
        kind: ``kelengkapan`` (lengkap / tidak lengkap), ``syarat`` (memenuhi / tidak memenuhi
            syarat) or ``kelayakan`` (layak / tidak layak).
        question: The diamond's text, e.g. "Verifikasi berkas".
        after_step: The step number the decision follows.
        yes: Label of the positive branch ("lengkap").
        no: Label of the negative branch ("tidak lengkap").
        on_no: What happens on the negative branch ("Lengkapi kekurangan berkas").
        back_to_step: Step the negative branch returns to, if it loops back (as written in
            ``kembali_ke_langkah``; kept for compatibility, :attr:`no_branch` is what acts).
        yes_branch: What the positive branch does (always set by the loader).
        no_branch: What the negative branch does (always set by the loader).
    """

    id: str
    kind: str
    question: str
    after_step: int
    yes: str
    no: str
    on_no: str = ""
    back_to_step: int | None = None
    yes_branch: Branch | None = None
    no_branch: Branch | None = None

    def branch(self, outcome: bool) -> Branch:
        """Return the branch taken for ``outcome`` (True: the positive one).

        Falls back to the catalog defaults when the branch was not set (a Decision built by
        hand): yes goes on to the next step; no waits for the berkas (kelengkapan), goes back
        to ``back_to_step`` or ends the case as ditolak.
        """
        if outcome:
            return self.yes_branch or Branch(label=self.yes, action="lanjut")
        if self.no_branch is not None:
            return self.no_branch
        return default_no_branch(self.kind, self.no, self.on_no, self.back_to_step)


def default_no_branch(kind: str, label: str, text: str, back_to_step: int | None) -> Branch:
    """The negative branch a decision has when its file gives no ``[keputusan.cabang_tidak]``."""
    if kind == "kelengkapan":
        return Branch(label=label, action="tunggu_berkas", text=text, pause=True)
    if back_to_step is not None:
        return Branch(label=label, action="kembali", to_step=back_to_step, text=text)
    return Branch(label=label, action="tolak", text=text)


@dataclass(frozen=True)
class Role:
    """A role the service takes besides the pemohon.

    id: one of ROLE_KINDS.  label: Indonesian label ("Orang tua / wali").
    min: fewest persons in this role (0 = optional).  max: most (None = no limit).
    nik_required: each person in the role must have a valid NIK (False e.g. for a baby without NIK yet).
    """

    id: str
    label: str
    min: int = 0
    max: int | None = None
    nik_required: bool = True


@dataclass(frozen=True)
class Signer:
    """Who signs a document, as its standard or the office says.

    Attributes:
        jabatan: The signing official's jabatan ("Kepala Dinas" = the office's head; any other
            is looked up among the office's ``[[pejabat]]``).
        on_behalf: The "atas nama" chain, outermost first: ``("Kepala Dinas",)`` prints
            "a.n. KEPALA DINAS ..." over the signer's jabatan; a second entry adds "u.b.".
    """

    jabatan: str = HEAD_OF_OFFICE
    on_behalf: tuple[str, ...] = ()


@dataclass(frozen=True)
class Letter:
    """A document a service prints: its product (``[surat]``) or one of its ``[[dokumen]]``.

    Attributes:
        template: One of :data:`LETTER_TEMPLATES`.
        title: Title printed on the letter, e.g. "REKOMENDASI".
        hal: The "Hal" line.
        klasifikasi: Kode klasifikasi for the letter number (e.g. ``400.9.7``).
        sifat: "Biasa", "Penting" ...
        addressee: "Yth." line (may use placeholders).
        body: Paragraphs with ``{placeholders}`` filled from the case (see output.letters).
        closing: Closing paragraph.
        tembusan: Copies to.
        kind: The document kind (forms.doctypes.DOCUMENT_KINDS); a product letter's is its template.
        signer: Who signs it.
        after_step: It may be issued (numbered) once this step is finished; before: KONSEP only.
        at_step: It may be issued once this step has started (the step's work is to send it).
        forward_to: A lembar disposisi's "Diteruskan kepada" choices.
        instructions: A lembar disposisi's "Dengan hormat harap" choices; ``ticked`` those marked.
    """

    template: str
    title: str
    hal: str
    klasifikasi: str
    body: tuple[str, ...]
    sifat: str = "Biasa"
    addressee: str = ""
    closing: str = ""
    tembusan: tuple[str, ...] = ()
    kind: str = ""
    signer: Signer = field(default_factory=Signer)
    after_step: int | None = None
    at_step: int | None = None
    forward_to: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()
    ticked: tuple[str, ...] = ()

    @property
    def layout_is_letter(self) -> bool:
        """Numbered and titled as a surat (its "Hal"), filed under surat/."""
        return self.template in ("rekomendasi", "surat_keterangan", "surat")

    @property
    def document_kind(self) -> str:
        """The kind recorded on the issued document (Document.kind)."""
        return self.kind or self.template


@dataclass(frozen=True)
class Service:
    """One jenis layanan, as its Standar Pelayanan and SOP define it.

    Attributes:
        code: Short unique code (e.g. ``REK-PUB``); used on the command line and in numbers.
        name: Full name as in the document.
        short_name: Name that fits a narrow screen.
        office: Issuing office, e.g. "Dinas Sosial Kabupaten Kutai Kartanegara".
        kabupaten: The kabupaten of the issuing office.
        bidang: The bidang / unit that handles it.
        source: The seed document (file and section) it was encoded from.
        queue_prefix: Letter(s) printed before the ticket number (A-012).
        applicant_kind: ``perorangan``, ``organisasi`` or ``kelompok``.
        persyaratan: The checklist.
        conditions: Facts asked at the counter for ``bersyarat`` items.
        kriteria: Eligibility criteria.
        steps: The procedure (SOP), in order.
        decisions: Decision branches of the flowchart.
        jangka_waktu: Jangka waktu penyelesaian (standard completion time), if stated.
        jangka_waktu_sejak: When the clock starts, in words.
        biaya: Biaya/tarif in words.
        biaya_rupiah: Biaya as a number (0 = gratis).
        produk: Produk layanan in words.
        benefit_rupiah: Amount of a cash benefit, where the product is one (per ``benefit_period``).
        benefit_period: "bulan", "tahun" ... for ``benefit_rupiah``.
        benefit_count: How many periods the benefit is paid for (e.g. 12 bulan).
        pengaduan: Complaint channels.
        dasar_hukum: Legal basis.
        sop_total_stated: The SOP table's own "Jumlah", kept even when the steps disagree.
        letter: The printed product, if the desk prints one.
        roles: Roles of persons in a case besides the pemohon (anak, orang tua, anggota ...).
        path: File the service was loaded from (set by the loader).
    """

    code: str
    name: str
    short_name: str
    office: str
    kabupaten: str
    bidang: str
    source: str
    queue_prefix: str
    applicant_kind: str
    persyaratan: tuple[ChecklistItem, ...]
    steps: tuple[Step, ...]
    conditions: tuple[Condition, ...] = ()
    kriteria: tuple[Criterion, ...] = ()
    decisions: tuple[Decision, ...] = ()
    jangka_waktu: Duration | None = None
    jangka_waktu_sejak: str = ""
    biaya: str = ""
    biaya_rupiah: int = 0
    produk: str = ""
    benefit_rupiah: int | None = None
    benefit_period: str = ""
    benefit_count: int | None = None
    pengaduan: tuple[str, ...] = ()
    dasar_hukum: tuple[str, ...] = ()
    sop_total_stated: Duration | None = None
    letter: Letter | None = None
    roles: tuple[Role, ...] = ()
    #: The service's other documents ([[dokumen]]: surat pengantar, disposisi, berita acara).
    documents: tuple[Letter, ...] = ()
    path: str = field(default="", compare=False)
    #: The rest of the Standar Pelayanan ([standar]: decree, sarana, kompetensi ... catatan), a
    #: forms.standard.Standard (not imported here: forms.standard imports this module).
    standard: Standard | None = None  # noqa: F821

    def item(self, item_id: str) -> ChecklistItem:
        """Return the checklist item with ``item_id``.

        Raises:
            KeyError: if the service has no such item.
        """
        for it in self.persyaratan:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def step(self, no: int) -> Step:
        """Return the step numbered ``no``.

        Raises:
            KeyError: if the service has no such step.
        """
        for st in self.steps:
            if st.no == no:
                return st
        raise KeyError(no)

    def document(self, kind: str) -> Letter | None:
        """The service's document of ``kind`` (its product letter included), or None."""
        for doc in ((self.letter,) if self.letter else ()) + self.documents:
            if doc.document_kind == kind:
                return doc
        return None

    def role(self, role_id: str) -> Role | None:
        """Return the role with ``role_id``, or None when the service does not take it."""
        for ro in self.roles:
            if ro.id == role_id:
                return ro
        return None

    def criterion(self, kind: str) -> Criterion | None:
        """Return the first criterion of ``kind``, or None."""
        for cr in self.kriteria:
            if cr.kind == kind:
                return cr
        return None

    def required_items(self, conditions: dict[str, bool]) -> list[ChecklistItem]:
        """Return the items required given the answers to the service's conditions.

        Args:
            conditions: condition id -> True when the condition holds.

        Returns:
            ``wajib`` items, plus ``bersyarat`` items whose condition holds.
        """
        out = []
        for it in self.persyaratan:
            if it.kind == "wajib" or it.applies(conditions):
                out.append(it)
        return out


@dataclass(frozen=True)
class Catalog:
    """All services known to the desk, in file order.

    Attributes:
        services: The services, keyed by code.
        templates: The office's document templates by kind (forms.doctypes: the built-in
            ``_dokumen.toml`` with the office's own over it), read as documents.
    """

    services: dict[str, Service]
    templates: dict[str, Letter] = field(default_factory=dict)

    def template(self, kind: str) -> Letter | None:
        """The template of document ``kind`` (None when there is none)."""
        return self.templates.get(kind)

    def __len__(self) -> int:
        return len(self.services)

    def __iter__(self):
        return iter(self.services.values())

    def get(self, code: str) -> Service:
        """Return the service with ``code`` (case-insensitive).

        Raises:
            KeyError: if there is none.
        """
        key = code.strip().upper()
        for svc in self.services.values():
            if svc.code.upper() == key:
                return svc
        raise KeyError(code)
