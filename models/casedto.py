"""Parts of a case as the screens show them (split from models.dto): its criteria as checked
for the applicant, the persons in their roles and the organisation (models.persons)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CriterionLine:
    """One eligibility criterion of a case's service, as checked for its applicant.

    status: ``memenuhi`` (checked and met), ``tidak_memenuhi`` (checked, not met),
    ``perlu_diperiksa`` (cannot be checked from what the desk knows: data missing) or
    ``diperiksa_petugas`` (a fact the officer verifies, e.g. DTKS, bukan PNS).
    """

    id: str
    text: str
    status: str
    detail: str = ""
    group: str = ""

    @property
    def doubtful(self) -> bool:
        """Unmet, or not checkable: going on needs the officer's reason."""
        return self.status in ("tidak_memenuhi", "perlu_diperiksa")


@dataclass(frozen=True)
class PersonLine:
    """A person of a case besides the pemohon, in a role of the service (as entered for it)."""

    id: int
    role: str
    role_label: str
    position: int
    nik: str
    nik_masked: str
    name: str
    sex: str = ""
    birth_date: dt.date | None = None
    age: int | None = None
    address: str = ""
    phone: str = ""
    #: Relation to the pemohon or a remark ("anak kandung").
    note: str = ""


@dataclass(frozen=True)
class OrganisationInfo:
    """The organisation data of a case (lembaga: akta, pengesahan, NPWP, sekretariat)."""

    name: str = ""
    akta_no: str = ""
    akta_date: dt.date | None = None
    pengesahan_no: str = ""
    npwp: str = ""
    address: str = ""
    #: Sekretariat there since: "2015" or "2015-03-01" ("" unknown).
    since: str = ""
    #: Whole years since then, today ("± N tahun"); None when unknown.
    years: int | None = None


@dataclass(frozen=True)
class PersonInput:
    """A person as typed in the people form (strings as typed; the domain validates)."""

    role: str = ""
    nik: str = ""
    name: str = ""
    sex: str = ""
    birth_date: str = ""
    address: str = ""
    phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class OrganisationInput:
    """The organisation form as typed."""

    name: str = ""
    akta_no: str = ""
    akta_date: str = ""
    pengesahan_no: str = ""
    npwp: str = ""
    address: str = ""
    since: str = ""


@dataclass(frozen=True)
class CasePeople:
    """The people of one case as the people screen shows them (what its changes return)."""

    case_id: int
    status: str
    service_code: str
    applicant_kind: str
    member_count: int | None
    people: tuple[PersonLine, ...] = ()
    organisation: OrganisationInfo | None = None
    #: What is still missing for the lengkap decision (models.persons.people_problems).
    problems: tuple[str, ...] = ()
    #: False once the case is finished (selesai / ditolak / batal).
    editable: bool = True
    #: The pemohon (shown above the list): name and masked NIK.
    applicant_name: str = ""
    applicant_nik_masked: str = ""


@dataclass(frozen=True)
class DocumentChoice:
    """One document a case's service prints, as the case screen's document list shows it.

    state: ``terbit`` (issued: ``note`` has its number), ``siap`` (can be issued now) or
    ``konsep`` (prints only as a KONSEP now: ``note`` says why).
    """

    kind: str
    label: str
    state: str
    note: str = ""
