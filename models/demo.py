"""Demo data: staff accounts and a few tickets and cases, so a new user can try the desk at once."""

from __future__ import annotations

from models.dto import ApplicantInput, DeskError
from models.desk import DeskService

#: Demo accounts: username, full name, password, role.
DEMO_STAFF = (
    ("petugas", "Rina Wulandari", "petugas123", "petugas"),
    ("petugas2", "Agus Salim", "petugas123", "petugas"),
    ("supervisor", "Hendra Gunawan, S.Sos.", "supervisor123", "supervisor"),
    ("admin", "Administrator", "admin12345", "admin"),
)


def prepare_demo(service: DeskService, *, with_samples: bool = True) -> dict[str, int]:
    """Create demo staff (idempotent) and, once, sample tickets and a waiting case.

    Args:
        service: An opened DeskService.
        with_samples: Also create sample tickets and a case waiting for documents.

    Returns:
        Counts of what was created.
    """
    system = service.principal("sistem")
    for username, name, password, role in DEMO_STAFF:
        service.add_staff(system, username, name, password, role)
    created = {"petugas": len(DEMO_STAFF), "tiket": 0, "berkas": 0}
    if not with_samples or service.counts(system)["berkas"] > 0:
        return created
    codes = [s.code for s in service.office_info().services]
    wanted = [c for c in ("REK-PUB", "REK-LKS", "VETERAN") if c in codes] or codes[:3]
    kiosk = service.principal("kiosk")
    for code in wanted:
        service.issue_ticket(kiosk, code)
        created["tiket"] += 1
    session = service.login("petugas", "petugas123", None)
    if "REK-LKS" in codes:
        try:
            case = service.open_case(session, "REK-LKS", ApplicantInput(
                kind="organisasi", nik="6403051507800003", name="Budi Santoso",
                address="Jl. Mulawarman No. 12", desa="Timbau", kecamatan="Tenggarong",
                kabupaten="Kutai Kartanegara", phone="081234567890", org_name="Yayasan Peduli Sesama",
            ))
            for line in case.checklist[:3]:
                service.set_item(session, case.id, line.item_id, True)
            service.decide(session, case.id)
            created["berkas"] += 1
        except DeskError:
            pass
    return created
