"""Verification of issued letters (issue 9): codes bound to a letter's registered facts.

A letter's code is an HMAC-SHA256, keyed by the installation's secret, of the facts the office
registered when it numbered the letter (office, kind, number, date, register, the pemohon's name
and NIK as printed, a digest of the body); the facts are kept with the letter (Document.facts) so
the code can be computed again. The QR code holds the office's verification URL with the code.
:func:`verify_letter` checks a code (or that URL), :func:`verify_file` a letter's PDF: asli, diubah
or tidak dikenal, and which version is in force. Letters numbered before carry a random code:
they verify by look-up only (``legacy``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from forms.validators import mask_nik
from models.dto import CaseDetail, DeskError, SessionInfo, VerifiedLetter
from models.kernel import Context, Tx
from models.permissions import Permission
from models.readmodel import case_detail, load_case
from models.tables import Document, InstallationSecret


@dataclass(frozen=True)
class Verification(VerifiedLetter):
    """What `desk verifikasi` tells: the letter as the office registered it, and the verdict."""

    #: "asli" (what was checked is what the office registered) or "diubah" (its code or number
    #: is the office's, but the file prints other facts, or the registered row no longer gives
    #: its code).
    verdict: str = "asli"
    #: Document kind ("rekomendasi", "pemberitahuan" ...) and its verification code.
    kind: str = ""
    code: str = ""
    #: A code from before codes were bound to the letter's facts: genuine by look-up only.
    legacy: bool = False
    #: What differs, in Indonesian (when diubah).
    differences: tuple[str, ...] = ()
    #: The registered NIK as printed (masked where the letter masks it).
    nik: str = ""
    #: The letter's version; void since (a later version replaced it) and why.
    version: int = 1
    voided_at: dt.datetime | None = None
    void_reason: str = ""
    #: The version in force when this one was replaced: its number, code and version.
    current_number: str = ""
    current_code: str = ""
    current_version: int = 0


#: InstallationSecret.name of the key of verification codes.
SECRET_NAME = "kode_verifikasi"
#: Crockford's base32 (no I, L, O, U: typed ones are read as 1, 1, 0, V).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPED = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
#: Kept in the facts: a later change of what a code covers leaves older codes verifiable.
FACTS_VERSION = 1
_secrets: weakref.WeakKeyDictionary[Context, bytes] = weakref.WeakKeyDictionary()


def installation_secret(ctx: Context) -> bytes:
    """The installation's secret, the key of the verification codes: made on first use, then
    shared by every desk on the database (a backup carries it). Two desks making it at the same
    moment end with one: each inserts a fresh one unless one stands (INSERT ... ON CONFLICT DO
    NOTHING), then reads the one that stands. Never printed, never logged."""
    cached = _secrets.get(ctx)
    if cached is not None:
        return cached

    def body(tx: Tx) -> str:
        (InstallationSecret.insert(name=SECRET_NAME, value=secrets.token_bytes(32).hex(), created_at=tx.now)
         .on_conflict_ignore().execute())
        return InstallationSecret.get_by_id(SECRET_NAME).value

    secret = bytes.fromhex(ctx.write(None, None, body))
    _secrets[ctx] = secret
    return secret


def _stored_secret(ctx: Context) -> bytes | None:
    """The secret when one was made (inside a read; verifying never makes one)."""
    cached = _secrets.get(ctx)
    if cached is None:
        row = InstallationSecret.get_or_none(InstallationSecret.name == SECRET_NAME)
        if row is None:
            return None
        cached = _secrets[ctx] = bytes.fromhex(row.value)
    return cached


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def verification_code(secret: bytes, facts: dict[str, Any]) -> str:
    """The verification code of a letter's registered facts: HMAC-SHA256 keyed by the
    installation's secret, its first 50 bits in Crockford base32, e.g. ``7KQ2-M9XD-4B``."""
    mac = hmac.new(secret, _canonical(facts), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:8], "big") >> 14
    raw = "".join(_ALPHABET[(bits >> shift) & 31] for shift in range(45, -1, -5))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def letter_facts(ctx: Context, detail: CaseDetail, *, kind: str, number: str, day: dt.date, content: Any,
                 identity: list[tuple[str, str]]) -> dict[str, Any]:
    """What a letter's code covers: the office, kind, number, date, register number, the
    pemohon's name and organisation, the NIK as printed (in ``identity``, the identity table the
    letter prints), and a digest of ``content`` (the letter's body, e.g. its letter_digest)."""
    a = detail.applicant
    printed = dict(identity)
    return {"v": FACTS_VERSION, "kantor": ctx.settings.code, "jenis": kind, "nomor": number,
            "tanggal": day.isoformat(), "register": detail.register_no or "", "nama": a.name,
            "lembaga": a.org_name or "", "nik": printed.get("NIK", ""),
            "isi": hashlib.sha256(_canonical(content)).hexdigest()}


def verification_seal(ctx: Context, secret: bytes, detail: CaseDetail, *, kind: str, number: str,
                      day: dt.date, content: Any, identity: list[tuple[str, str]]) -> tuple[str, str]:
    """The code of a letter being numbered and its facts as JSON (Document.verification_code
    and Document.facts); pure computation, for the body of the numbering transaction."""
    facts = letter_facts(ctx, detail, kind=kind, number=number, day=day, content=content, identity=identity)
    return verification_code(secret, facts), json.dumps(facts, ensure_ascii=False, sort_keys=True)


def verification_url(ctx: Context, code: str) -> str:
    """What a letter's QR code holds: ``{url_verifikasi}?kode=CODE`` (the office's setting;
    by default its website + "/verifikasi"); the bare code when the office has neither."""
    s = ctx.settings
    base = s.url_verifikasi.strip() or (f"{s.website.strip().rstrip('/')}/verifikasi" if s.website.strip() else "")
    if not base or not code:
        return code
    if "://" not in base:
        base = f"https://{base}"
    return f"{base}{'&' if '?' in base else '?'}kode={code}"


def parse_code(text: str) -> str:
    """The verification code in what a person typed or scanned: the code (any case, dashes and
    spaces optional, O / I / L typed for 0 / 1), the QR code's URL, or an old QR payload
    ("DESK-VERIFIKASI:CODE"); normalised as stored ("XXXX-XXXX-XX", old codes "XXXX-XXXX")."""
    value = text.strip()
    if "kode=" in value.lower():
        query = urlsplit(value).query or value.partition("?")[2] or value
        value = {k.lower(): v for k, v in parse_qsl(query)}.get("kode", "")
    value = re.sub(r"[\s-]+", "", value.upper()).removeprefix("DESKVERIFIKASI:")
    if len(value) == 10:
        value = value.translate(_TYPED)
        return f"{value[:4]}-{value[4:8]}-{value[8:]}"
    if len(value) == 8:  # a random code of a letter numbered before codes were bound to facts
        return f"{value[:4]}-{value[4:]}"
    return value


def verify_letter(ctx: Context, session: SessionInfo, code: str) -> Verification | None:
    """Check a letter by the code printed on it, or the URL in its QR code.

    Returns:
        The letter as registered ("asli"; "diubah" when its registered facts no longer give its
        code), with its version and the version in force; None when no letter of this office has
        this code (tidak dikenal).
    """
    wanted = parse_code(code)

    def read() -> Verification | None:
        doc = _letter_by_code(ctx, wanted) if wanted else None
        return None if doc is None else _verified(ctx, doc, ())

    return ctx.read(session, Permission.LETTER_VERIFY, read)


def pdf_text(path: Path | str) -> str:
    """The text of every page of a PDF (pypdf).

    Raises:
        DeskError: the file is missing or is not a readable PDF.
    """
    from pypdf import PdfReader  # only `desk verifikasi FILE.pdf` needs it

    file = Path(path)
    if not file.is_file():
        raise DeskError(f"Berkas {file} tidak ditemukan.")
    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(file).pages)
    except Exception:  # noqa: BLE001 - whatever pypdf raises for a file that is not a PDF
        raise DeskError(f"Berkas {file} tidak dapat dibaca sebagai PDF.") from None


def verify_file(ctx: Context, session: SessionInfo, path: Path | str) -> Verification | None:
    """Check a letter's PDF: find its code (or else its number) and compare what the file prints
    (number, the pemohon's name and organisation, NIK) with the facts the office registered.

    Returns:
        "asli" when the file prints the registered facts; "diubah" when the code or number is
        the office's but the file prints something else (``differences`` says what); None when
        neither its code nor its number is known (tidak dikenal).

    Raises:
        DeskError: the file is missing or is not a readable PDF.
    """
    printed = _Printed(pdf_text(path))

    def read() -> Verification | None:
        differences: list[str] = []
        doc = next((d for d in (_letter_by_code(ctx, c) for c in printed.codes) if d is not None), None)
        if doc is None:
            for number in printed.numbers:
                doc = (Document.select().where((Document.office == ctx.office_id) & (Document.number == number)
                                               & Document.case.is_null(False)).first())
                if doc is not None:
                    shown = printed.codes[0] if printed.codes else "tidak ada"
                    differences.append(f"kode verifikasi pada berkas ({shown}) bukan kode surat ini "
                                       f"({doc.verification_code})")
                    break
        if doc is None:
            return None
        return _verified(ctx, doc, differences, printed)

    return ctx.read(session, Permission.LETTER_VERIFY, read)


def _letter_by_code(ctx: Context, code: str) -> Document | None:
    return (Document.select().where((Document.verification_code == code) & Document.number.is_null(False)
                                    & (Document.office == ctx.office_id) & Document.case.is_null(False)).first())


def _squash(text: str) -> str:
    return "".join(text.split())


class _Printed:
    """What a letter's PDF prints, as its text reads back: codes, numbers, identity rows."""

    _ROW = re.compile(r"^[ \t]*(Nama|Penanggung jawab|Lembaga/kelompok|NIK|Nomor)[ \t]*:[ \t]*(\S.*?)[ \t]*$",
                      re.MULTILINE)

    def __init__(self, text: str) -> None:
        self.squashed = _squash(text)
        found = re.findall(r"Kodeverifikasi:?([0-9A-Za-z]{4}-?[0-9A-Za-z]{4}(?:-?[0-9A-Za-z]{2})?)", self.squashed)
        found += re.findall(r"kode=([0-9A-Za-z-]{8,14})", self.squashed, re.IGNORECASE)
        self.codes = list(dict.fromkeys(parse_code(c) for c in found))
        self.rows: dict[str, list[str]] = {}
        for label, value in self._ROW.findall(text):
            self.rows.setdefault(label.lower(), []).append(" ".join(value.split()))
        self.numbers = list(dict.fromkeys(v.split()[0] for v in self.rows.get("nomor", []) if v.split()))

    def differs(self, label: str, what: str, registered: str) -> str | None:
        """Why the file's ``label`` rows do not print ``registered`` (None: one of them does, or
        none is printed and the text has it anyway)."""
        if not registered:
            return None
        want = " ".join(registered.split())
        rows = self.rows.get(label.lower(), [])
        if any(row == want or (want.startswith(row) and len(row) >= 3 and _squash(want) in self.squashed)
               for row in rows):
            return None
        if not rows and _squash(want) in self.squashed:
            return None
        return f"{what} pada berkas ({' / '.join(rows) or 'tidak ada'}) berbeda dari yang tercatat ({want})"


def _verified(ctx: Context, doc: Document, differences: list[str] | tuple[str, ...],
              printed: _Printed | None = None) -> Verification:
    """What the office registered about ``doc``, with what differs (inside a read)."""
    detail = case_detail(ctx, load_case(ctx, doc.case_id))
    facts = json.loads(doc.facts) if getattr(doc, "facts", "") else None
    diffs = list(differences)
    if facts is not None:
        secret = _stored_secret(ctx)
        if secret is None or not hmac.compare_digest(verification_code(secret, facts), doc.verification_code):
            diffs.append("data surat yang tercatat tidak cocok lagi dengan kode verifikasinya")
        number, name, org, nik = facts["nomor"], facts["nama"], facts["lembaga"], facts["nik"]
    else:  # an old random code: the case as it stands
        a = detail.applicant
        number, name, org, nik = doc.number, a.name, a.org_name or "", a.nik_masked
    if printed is not None:
        checks = [("nomor", "nomor surat", number), ("lembaga/kelompok", "nama lembaga", org),
                  ("penanggung jawab" if org else "nama", "nama pemohon", name), ("nik", "NIK", nik)]
        diffs += [d for d in (printed.differs(*check) for check in checks) if d]
    current = doc
    while True:  # the version in force: follow the letters that replaced this one
        later = Document.get_or_none(Document.replaces_id == current.id)
        if later is None or later.id == doc.id:
            break
        current = later
    return Verification(
        number=number, title=doc.title, issued_at=ctx.local(doc.created_at), register_no=detail.register_no,
        service_name=detail.service.name, applicant_name=f"{org} (u.p. {name})" if org else name,
        status_label=detail.status_label, verdict="diubah" if diffs else "asli", kind=doc.kind,
        code=doc.verification_code, legacy=facts is None, differences=tuple(dict.fromkeys(diffs)),
        nik=mask_nik(nik) if nik.isdigit() else nik,  # a full NIK (as printed) is shown masked
        version=doc.version or 1, voided_at=ctx.local(doc.voided_at), void_reason=doc.void_reason or "",
        current_number=current.number if current is not doc else "",
        current_code=current.verification_code if current is not doc else "",
        current_version=(current.version or 1) if current is not doc else 0,
    )
