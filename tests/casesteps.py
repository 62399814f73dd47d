"""Walking a case through its SOP steps in tests, as the back office would."""

from __future__ import annotations

from models.issuing import gate, product_kind


def until_issuable(desk, session, case_id: int, kind: str | None = None):
    """Finish the running steps (positive outcome at decisions) until the case's document of
    ``kind`` (None: its product letter) may be issued; return the case."""
    detail = desk.case(session, case_id, record_view=False)
    svc = desk.catalog.get(detail.service.code)
    spec = svc.document(kind or product_kind(svc))
    assert spec is not None, f"{svc.code} has no document {kind}"
    for _ in range(40):
        if not gate(detail, spec):
            return detail
        running = detail.current_step
        assert running is not None, f"no running step of case {case_id}; {gate(detail, spec)}"
        detail = desk.finish_step(session, case_id, outcome=True if running.decision_question else None,
                                  step_no=running.no, reason="uji")
    raise AssertionError("the document never became issuable")
