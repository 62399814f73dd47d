"""Who may do what: one table maps roles to permissions; every domain call checks one.

Staff roles today are petugas, supervisor and admin; verifikator, pekerja sosial, kepala bidang
and kepala dinas have their rows already (back-office work comes with later screens). Calls that
are anonymous by nature say so with a machine principal: the kiosk issues tickets, the waiting-room
board reads the queue, anyone may verify a letter, and the command line on the server (``sistem``)
may do everything: whoever runs it holds the database's credentials anyway.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from models.errors import DeskError

if TYPE_CHECKING:
    from models.dto import SessionInfo


class Permission(StrEnum):
    """A permission; its value is what the role table and the audit trail name."""

    QUEUE_ISSUE = "queue.issue"
    QUEUE_VIEW = "queue.view"
    QUEUE_SERVE = "queue.serve"
    QUEUE_MANAGE = "queue.manage"
    CASE_VIEW = "case.view"
    CASE_EDIT = "case.edit"
    CASE_DECIDE = "case.decide"
    STEP_FINISH = "step.finish"
    CASE_REOPEN = "case.reopen"
    DOCUMENT_PRINT = "document.print"
    LETTER_VERIFY = "letter.verify"
    REPORT_OFFICE = "report.office"
    REPORT_STAFF = "report.staff"
    OFFICE_SETTINGS = "office.settings"
    STAFF_MANAGE = "staff.manage"
    # registers and imports (issue 8)
    CASE_IMPORT = "case.import"
    REGISTER_EXPORT = "register.export"
    # the working calendar (issue 10)
    CALENDAR_EDIT = "calendar.edit"
    # the audit trail read back (issue 11)
    AUDIT_VIEW = "audit.view"


#: What each permission allows, as the refusal says it ("tidak berwenang <...>").
DESCRIPTIONS: dict[Permission, str] = {
    Permission.QUEUE_ISSUE: "mengambil tiket antrean",
    Permission.QUEUE_VIEW: "melihat antrean",
    Permission.QUEUE_SERVE: "memanggil dan melayani antrean di loketnya",
    Permission.QUEUE_MANAGE: "mengatur tiket yang dipanggil ke loket lain",
    Permission.CASE_VIEW: "melihat berkas dan data pemohon",
    Permission.CASE_EDIT: "membuka berkas dan memeriksa persyaratannya",
    Permission.CASE_DECIDE: "memutuskan kelengkapan berkas",
    Permission.STEP_FINISH: "menyelesaikan langkah SOP",
    Permission.CASE_REOPEN: "membuka kembali berkas yang sudah berakhir",
    Permission.DOCUMENT_PRINT: "mencetak dokumen",
    Permission.LETTER_VERIFY: "memeriksa keaslian surat",
    Permission.REPORT_OFFICE: "melihat angka layanan kantor",
    Permission.REPORT_STAFF: "melihat angka per petugas",
    Permission.OFFICE_SETTINGS: "mengubah pengaturan kantor dan loket",
    Permission.STAFF_MANAGE: "mengelola akun petugas",
    Permission.CASE_IMPORT: "mengimpor daftar penerima menjadi berkas",
    Permission.REGISTER_EXPORT: "melihat dan mengekspor register berkas (berisi NIK lengkap)",
    Permission.CALENDAR_EDIT: "mengubah kalender kerja kantor",
    Permission.AUDIT_VIEW: "melihat jejak audit",
}

_COUNTER = frozenset({
    Permission.QUEUE_ISSUE, Permission.QUEUE_VIEW, Permission.QUEUE_SERVE, Permission.CASE_VIEW,
    Permission.CASE_EDIT, Permission.CASE_DECIDE, Permission.STEP_FINISH,
    Permission.DOCUMENT_PRINT, Permission.LETTER_VERIFY, Permission.REPORT_OFFICE,
})
_BACK_OFFICE = frozenset({
    Permission.QUEUE_VIEW, Permission.CASE_VIEW, Permission.STEP_FINISH,
    Permission.DOCUMENT_PRINT, Permission.LETTER_VERIFY, Permission.REPORT_OFFICE,
})
_ALL = frozenset(Permission)

#: The one table of roles and their permissions. Machine principals (kiosk, papan, publik,
#: sistem) are not staff: no account has these roles.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "petugas": _COUNTER,
    "supervisor": _COUNTER | {Permission.QUEUE_MANAGE, Permission.REPORT_STAFF, Permission.CASE_REOPEN,
                              Permission.CASE_IMPORT, Permission.REGISTER_EXPORT, Permission.CALENDAR_EDIT,
                              Permission.AUDIT_VIEW},
    "admin": _ALL,
    "verifikator": _BACK_OFFICE,
    "pekerja_sosial": _BACK_OFFICE,
    "kepala_bidang": _BACK_OFFICE | {Permission.REPORT_STAFF, Permission.AUDIT_VIEW},
    "kepala_dinas": _BACK_OFFICE | {Permission.REPORT_STAFF, Permission.AUDIT_VIEW},
    "kiosk": frozenset({Permission.QUEUE_ISSUE, Permission.QUEUE_VIEW}),
    "papan": frozenset({Permission.QUEUE_VIEW}),
    "publik": frozenset({Permission.LETTER_VERIFY}),
    "sistem": _ALL,
}

#: Roles a staff account can have today (the others are reserved for the back-office screens).
STAFF_ROLES: tuple[str, ...] = ("petugas", "supervisor", "admin")

#: The machine principals and how they are named on screen and in the audit trail.
MACHINE_ROLES: dict[str, str] = {
    "kiosk": "Anjungan tiket",
    "papan": "Papan antrean",
    "publik": "Publik",
    "sistem": "Baris perintah (sistem)",
}

#: Role names for messages.
ROLE_LABELS: dict[str, str] = {
    "petugas": "petugas", "supervisor": "supervisor", "admin": "admin",
    "verifikator": "verifikator", "pekerja_sosial": "pekerja sosial",
    "kepala_bidang": "kepala bidang", "kepala_dinas": "kepala dinas",
    "kiosk": "anjungan", "papan": "papan antrean", "publik": "publik", "sistem": "sistem",
}


class PermissionDenied(DeskError):
    """The session's role does not allow the call (message in Indonesian)."""


def allowed(session: SessionInfo, permission: Permission) -> bool:
    """Whether ``session`` holds ``permission``."""
    return permission in ROLE_PERMISSIONS.get(session.role, frozenset())


def require(session: SessionInfo | None, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``session`` holds ``permission``.

    Raises:
        PermissionDenied: no session, or a role without the permission.
    """
    if session is None:
        raise PermissionDenied("Masuk dulu: tindakan ini memerlukan akun petugas.")
    if not allowed(session, permission):
        role = ROLE_LABELS.get(session.role, session.role)
        raise PermissionDenied(f"Peran {role} tidak berwenang {DESCRIPTIONS[permission]}.")


def machine_session(role: str, office_id: int, office_name: str, tz: str) -> SessionInfo:
    """A principal for a call that is anonymous by nature (kiosk, board, public, command line)."""
    if role not in MACHINE_ROLES:
        raise ValueError(f"not a machine role: {role}")
    from models.dto import SessionInfo

    return SessionInfo(staff_id=None, username=role, full_name=MACHINE_ROLES[role], role=role,
                       office_id=office_id, office_name=office_name, tz=tz)
