"""Masking of secrets and personal data before anything is logged or raised.

Hand-written (a few regexes): no maintained library does "mask a signed URL's query,
an API key, e-mails and phone numbers in free text" without pulling in a PII framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit, urlunsplit

_URL_RE = re.compile(r"https?://[^\s\"'<>\\]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_PHONE_RE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_MIN_PHONE_DIGITS = 9  # fewer digits are dates, times, amounts - not worth hiding


def mask_secret(secret: str) -> str:
    """A stand-in that proves a secret was set without revealing any of it."""
    return "***" if secret else "<unset>"


def mask_url(url: str) -> str:
    """Keep scheme, host, port and path; hide the query (signatures) and any userinfo."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    netloc = parts.hostname or ""
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    port = _port(parts)
    if port is not None:
        netloc = f"{netloc}:{port}"
    query = "…" if parts.query else ""
    masked = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return f"{masked}?{query}" if query else masked


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # a port that is not a number
        return None


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@{match.group(2)}"


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [c for c in text if c.isdigit()]
    if len(digits) < _MIN_PHONE_DIGITS:
        return text
    return "***" + "".join(digits[-2:])


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask secrets, URL query strings, e-mails and phone numbers in free text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _URL_RE.sub(lambda m: mask_url(m.group(0)), text)
    text = _EMAIL_RE.sub(_mask_email, text)
    return _PHONE_RE.sub(_mask_phone, text)


def excerpt(body: bytes | str, secrets: Iterable[str] = (), limit: int = 600) -> str:
    """A short, masked start of a response body for error messages."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    short = text[:limit] + ("…" if len(text) > limit else "")
    return mask_text(short, secrets)
