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
    target = spec.after_step or spec.at_step or 0
    for _ in range(40):
        if not gate(detail, spec):
            return detail
        running = detail.current_step
        assert running is not None, f"no running step of case {case_id}; {gate(detail, spec)}"
        outcome = _toward(running, target) if running.decision_question else None
        detail = desk.finish_step(session, case_id, outcome=outcome, step_no=running.no, reason="uji")
    raise AssertionError("the document never became issuable")


def _toward(step, target: int) -> bool:
    """The outcome of ``step``'s decision whose branch goes on towards step ``target``."""
    def goes_on(action) -> bool:
        kind, to_step, _, _ = action
        return kind == "lanjut" and (to_step is None or to_step <= target)

    for outcome, action in ((True, step.decision_yes_action), (False, step.decision_no_action)):
        if action[0] == "lanjut" and action[1] == target:
            return outcome
    if goes_on(step.decision_yes_action):
        return True
    if goes_on(step.decision_no_action):
        return False
    return step.decision_yes_action[0] in ("lanjut", "selesai")
