"""Keep personal data out of match explanations and evidence shown to recruiters.

Hand-written (three regexes and a name replace): explanations are built from skills, titles,
cities and amounts, never from contacts, but a location or title typed into a form can carry an
e-mail or phone, so every sentence goes through `redact` before it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]*")  # also a clipped one ("ivan@exampl")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_MIN_PHONE_DIGITS = 9  # fewer digits are years, amounts or dates


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if digits >= _MIN_PHONE_DIGITS else match.group(0)


def redact(text: str, names: Iterable[str | None] = (), literals: Iterable[str | None] = ()) -> str:
    """Replace e-mails, links, phone numbers, the given person names (and their parts) and literals.

    `literals` are the document's own contacts (e-mails, phones as written), removed verbatim.
    """
    for literal in literals:
        if literal and len(literal.strip()) >= 3:
            text = text.replace(literal, "[redacted]")
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[link]", text)
    text = _PHONE.sub(_phone, text)
    for name in names:
        if not name:
            continue
        parts = sorted({name.strip(), *name.split()}, key=len, reverse=True)
        for part in parts:
            if len(part) >= 3:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[name]", text, flags=re.IGNORECASE)
    return text
