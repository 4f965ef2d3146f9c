"""Identity numbers as stored by the registry (R-H1, R-S5): validate, encrypt, blind-index, mask.

``encode_identity`` is the one place that turns a recorded number into the stored columns; the roster
import, the forms and (later) the batch store all call it so their blind indexes agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from doudi.core import crypto, idnumber
from doudi.registry.models import IdStatus


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    id_enc: bytes | None
    id_index: str | None
    id_masked: str
    id_status: str
    id_problem: str
    birth_date: dt.date | None
    sex: str

    def columns(self) -> dict:
        return {
            "id_enc": self.id_enc,
            "id_index": self.id_index,
            "id_masked": self.id_masked,
            "id_status": self.id_status,
            "id_problem": self.id_problem,
        }


def index_for(raw: str | None) -> str | None:
    """Blind index used for exact lookup: of the valid 18-character form when the number is valid
    (so a legacy 15-digit number finds its upgraded twin), else of the normalised text as recorded."""
    check = idnumber.validate(raw)
    if check.problem == idnumber.IdProblem.EMPTY:
        return None
    return crypto.blind_index(check.normalized)


def encode_identity(raw: str | None) -> StoredIdentity:
    """Invalid numbers are kept as recorded (normalised) and flagged, never "fixed" (R-H1)."""
    check = idnumber.validate(raw)
    if check.problem == idnumber.IdProblem.EMPTY:
        return StoredIdentity(None, None, "", IdStatus.MISSING, "", None, "")
    if check.valid:
        status = IdStatus.UPGRADED if check.upgraded_from_15 else IdStatus.VALID
        problem = ""
    else:
        status, problem = IdStatus.INVALID, str(check.problem)
    return StoredIdentity(
        id_enc=crypto.encrypt(check.normalized),
        id_index=crypto.blind_index(check.normalized),
        id_masked=idnumber.mask(check.normalized),
        id_status=status,
        id_problem=problem,
        birth_date=check.birth_date,
        sex=check.sex or "",
    )
