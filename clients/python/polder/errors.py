"""The error Polder answers with: ``{"error": {"code", "message", "details"}}`` (docs/errors.md)."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional


class PolderError(Exception):
    """A request Polder refused or failed.

    ``status`` is the HTTP status, ``code`` the stable code of docs/errors.md
    (``VALIDATION_FAILED``, ``DATASTREAM_NOT_FOUND`` ...), ``details`` its details: for a 400,
    ``details["field"]`` names the parameter at fault.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Optional[Dict[str, Any]] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = details or {}
        #: Polder's x-request-id, to find the request in its logs.
        self.request_id = request_id

    @property
    def field(self) -> Optional[str]:
        """The parameter at fault of a 400 VALIDATION_FAILED, when Polder named one."""
        value = self.details.get("field")
        return value if isinstance(value, str) else None

    @classmethod
    def from_body(
        cls, status: int, reason: str, body: bytes, request_id: Optional[str] = None
    ) -> "PolderError":
        """Reads Polder's error body; anything else (a proxy's HTML page) keeps its first bytes."""
        text = body.decode("utf-8", errors="replace")
        try:
            error = json.loads(text).get("error")
        except (ValueError, AttributeError):
            error = None
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            details = error.get("details")
            return cls(
                status,
                error["code"],
                str(error.get("message", error["code"])),
                details if isinstance(details, dict) else {},
                request_id,
            )
        message = f"{reason}: {text[:200]}" if text else reason
        return cls(status, f"HTTP_{status}", message, {}, request_id)
