"""Contacts and identity: emails, phone numbers (phonenumbers, Google's libphonenumber port),
links (LinkedIn, GitHub, other URLs), the person's name, and a best-effort location.
"""

from __future__ import annotations

import re

import phonenumbers

from matchflow.domain import DocumentKind
from matchflow.parsing.sections import heading_name
from matchflow.textrules.contacts import EMAIL

_URL = re.compile(
    r"(?<![@\w.-])(?:(?:https?://|www\.)[^\s<>()\"'|,;]+"
    r"|\b(?:[a-z]{2,3}\.)?linkedin\.com/[^\s<>()\"'|,;]+"
    r"|\bgithub\.com/[^\s<>()\"'|,;]+"
    r"|\b(?:gitlab\.com|t\.me|hh\.ru/resume|stackoverflow\.com/users)/[^\s<>()\"'|,;]+)",
    re.I,
)
_TRAILING = ".,;:!?)]}'\""


def find_emails(text: str) -> list[str]:
    """E-mail addresses, lower-cased, first occurrence order, no duplicates."""
    return _unique(m.group(0).lower().rstrip(".") for m in EMAIL.finditer(text))


def find_phones(text: str, language: str = "en") -> list[str]:
    """Phone numbers in E.164 (+79123456789). Numbers without a country code are read in the
    document's region (ru -> RU, so "8 (912) 345-67-89" works; otherwise US).
    """
    region = "RU" if language == "ru" else "US"
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return _unique(found)


def find_links(text: str) -> list[str]:
    """URLs (LinkedIn, GitHub and others), with https:// added where the text left it out."""
    links = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if "@" in url.split("/")[0]:
            continue  # the tail of an e-mail address
        if not re.match(r"https?://", url, re.I):
            url = "https://" + url
        links.append(url)
    return _unique(links, key=lambda u: u.casefold().rstrip("/"))


# Words that make a line a title or a heading rather than a name.
_NOT_NAME_WORDS = {
    "resume",
    "cv",
    "curriculum",
    "vitae",
    "summary",
    "profile",
    "experience",
    "education",
    "skills",
    "developer",
    "engineer",
    "manager",
    "specialist",
    "analyst",
    "consultant",
    "director",
    "assistant",
    "designer",
    "accountant",
    "teacher",
    "administrator",
    "officer",
    "associate",
    "representative",
    "coordinator",
    "technician",
    "intern",
    "senior",
    "junior",
    "lead",
    "head",
    "chef",
    "advocate",
    "sales",
    "marketing",
    "information",
    "technology",
    "professional",
    "objective",
    "contact",
    "core",
    "qualifications",
    "highlights",
    "accomplishments",
    "company",
    "name",
    "city",
    "state",
    "резюме",
    "разработчик",
    "инженер",
    "менеджер",
    "специалист",
    "аналитик",
    "руководитель",
    "директор",
    "программист",
    "опыт",
    "образование",
    "навыки",
    "контакты",
    "бухгалтер",
}
_NAME_WORD = re.compile(r"^[A-ZА-ЯЁ][a-zа-яё'’-]+$|^[A-ZА-ЯЁ]{2,}$|^[A-ZА-ЯЁ]\.$")
_NAME_LABEL = re.compile(r"^(?:name|full name|имя|фио|ф\.и\.о\.)\s*[:\-]\s*(.+)$", re.I)


def find_person_name(text: str, max_lines: int = 12) -> str | None:
    """Best effort: a "Name:" label, else the first of the top lines made of 2-4 capitalised words
    that are not title or heading words. Never reliable enough to identify a person alone.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()][:max_lines]
    for line in lines:
        labelled = _NAME_LABEL.match(line)
        if labelled:
            return " ".join(labelled.group(1).split())
    for line in lines:
        words = line.replace(",", " ").split()
        if not 2 <= len(words) <= 4:
            continue
        if any(w.casefold().strip(".") in _NOT_NAME_WORDS for w in words):
            continue
        if heading_name(line, DocumentKind.RESUME) or heading_name(line, DocumentKind.JOB):
            continue
        if all(_NAME_WORD.match(w) for w in words) and sum(len(w) > 2 for w in words) >= 2:
            return " ".join(w.title() if w.isupper() and len(w) > 2 else w for w in words)
    return None


_LOCATION_LABEL = re.compile(
    r"^(?:location|city|address|based in|residence|город|местоположение|проживание|адрес|"
    r"место проживания|локация)[ \t]*[:\-][ \t]*(.{2,80})$",  # the value on the same line, not the next
    re.I | re.M,
)
_RU_CITY = re.compile(r"\bг\.\s?([А-ЯЁ][а-яё-]+(?:[- ][А-ЯЁ][а-яё-]+)?)")


def find_location(text: str) -> str | None:
    """Best effort: a labelled location line ("Location: Berlin", "Город: Москва") or "г. Москва"."""
    labelled = _LOCATION_LABEL.search(text)
    if labelled:
        value = labelled.group(1).strip(" .;|")
        return value.split("|")[0].strip() or None
    city = _RU_CITY.search(text)
    return city.group(1) if city else None


def _unique(items, key=lambda x: x) -> list[str]:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if k and k not in seen:
            seen.add(k)
            out.append(item)
    return out
