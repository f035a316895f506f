"""Keep personal data out of what recruiters read and, when asked, out of what matching scores.

Two uses:
- match explanations and skill evidence (`redact`, on by default through `MATCHFLOW_REDACT_EXPLANATIONS`);
- the text that is embedded, full-text indexed and cross-encoded (`redact_for_scoring`, opt-in through
  `MATCHFLOW_REDACT_SCORING_TEXT`): names, contacts, birth dates and age, street addresses, photo captions and
  personal-detail lines (gender, marital status, citizenship, nationality) carry no job-relevant signal, so
  removing them reduces the room for bias. Extraction still reads the original text (identity needs contacts),
  and the city stays in the extracted location used by the location filter.

Hand-written regexes (English and Russian): the few spaCy/natasha models on PyPI that find names and
addresses cost hundreds of MB and still miss the labelled lines that matter most here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matchflow.domain import ExtractedFields

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]*")  # also a clipped one ("ivan@exampl")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_MIN_PHONE_DIGITS = 9  # fewer digits are years, amounts or dates

# "Label: value" lines whose value is personal, not professional; the whole value is dropped.
_PERSONAL_LABELS = (
    r"date\s+of\s+birth|birth\s*date|d\.?o\.?b\.?|born|age|gender|sex|marital\s+status|family\s+status|"
    r"citizenship|nationality|religion|address|home\s+address|street|photo|photograph|"
    r"дата\s+рождения|год\s+рождения|родил(?:ся|ась)|возраст|пол|семейное\s+положение|дети|гражданство|"
    r"национальность|вероисповедание|адрес|адрес\s+проживания|место\s+жительства|фото(?:графия)?"
)
_PERSONAL_LINE = re.compile(rf"(?im)^(?P<label>[ \t•\-*]*(?:{_PERSONAL_LABELS}))\s*[:\-–—]\s*(?P<value>.+)$")
_BIRTH_PHRASE = re.compile(
    r"(?i)\b(?:born\s+(?:on\s+|in\s+)?|родил(?:ся|ась)\s+)"
    r"(?:\d{1,2}[./\s]\s*)?(?:[A-Za-zА-Яа-яё]+\s+)?(?:\d{1,2}[./,\s]\s*)?\d{4}(?:\s*(?:г\.?|года))?"
)
# "35 years old"; the job-board header "Мужчина, 35 лет" / "Female, 35" (a bare "35 лет" is often experience)
_AGE_PHRASE = re.compile(r"(?i)\b\d{2}\s*(?:years?\s+old|y\.o\.)"
                         r"|\b(?:мужчина|женщина|male|female)\s*,\s*\d{2}(?:\s*(?:год|года|лет|years?(?:\s+old)?)\b)?")
_STREET = re.compile(
    r"(?i)\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way)\b\.?"
    r"(?:,?\s*(?:apt|suite|unit)\.?\s*\w+)?"
    r"|\b(?:ул(?:ица)?|пр(?:оспект|-т)?|пер(?:еулок)?|ш(?:оссе)?|б-р|бульвар|наб(?:ережная)?)\.?\s+"
    r"[А-ЯЁ][\w\-ё]+(?:\s+[А-ЯЁ][\w\-ё]+)?,?\s*(?:д(?:ом)?\.?\s*)?\d+[а-я]?(?:,?\s*(?:кв|корп|стр)\.?\s*\d+)*"
)
_PHOTO_FILE = re.compile(r"(?i)\b[\w\-]+\.(?:jpe?g|png|gif|heic|webp)\b")


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


def redact_personal_details(text: str) -> str:
    """Drop birth dates, age, street addresses, photo captions and personal-detail lines; keep the rest as is."""
    text = _PERSONAL_LINE.sub(lambda m: f"{m.group('label')}: [personal]", text)
    text = _BIRTH_PHRASE.sub("[birth date]", text)
    text = _AGE_PHRASE.sub("[age]", text)
    text = _STREET.sub("[address]", text)
    return _PHOTO_FILE.sub("[photo]", text)


def redact_for_scoring(text: str, fields: ExtractedFields) -> str:
    """The text matching may score: personal details, the person's name and contacts removed."""
    return redact(redact_personal_details(text), [fields.person_name], [*fields.emails, *fields.phones])
