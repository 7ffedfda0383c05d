"""What every result model shares: frozen models, reasons, statuses and verdicts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["met", "not_met", "not_evaluated", "not_applicable"]
VerdictValue = Literal["PASS", "FAIL"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(Frozen):
    """A stable reason code, its parameters, and the sentence rendered in both languages."""

    code: str
    zh: str
    en: str
