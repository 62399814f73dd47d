"""The audit trail: who did what to which record, when (UU 27/2022 on personal data).

Rows are written by :meth:`models.kernel.Tx.audit` in the transaction of the change they record;
nothing in the application updates or deletes them. Full NIKs never reach the trail.
"""

from __future__ import annotations

import re

from forms.validators import mask_nik


def mask_niks(text: str) -> str:
    """``text`` with every NIK in it masked, however it is written ("6403 0515 0780 0003",
    "6403.0515...", "NIK 6403..."): for the audit trail, which must not hold full NIKs."""

    def mask(match: re.Match[str]) -> str:
        return mask_nik(re.sub(r"\D", "", match.group(0)))

    # 16 digits, maybe grouped by spaces, dots or dashes, not part of a longer number
    text = re.sub(r"(?<!\d)\d(?:[\s.\-]?\d){15}(?!\d)", mask, text)
    # any other long run of digits (a KK number typed oddly, a NIK with a digit too many)
    return re.sub(r"\d{10,}", lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text)
