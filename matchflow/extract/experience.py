"""Years of experience: from statements ("5+ years of experience", "опыт работы более 3 лет") and
from date ranges ("2018 - 2021", "Jan 2019 - present", "01/2012 to 11/2015", "март 2015 — н.в."),
merged month by month so overlapping jobs are not counted twice.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "янв": 1,
    "фев": 2,
    "мар": 3,
    "апр": 4,
    "мая": 5,
    "май": 5,
    "июн": 6,
    "июл": 7,
    "авг": 8,
    "сен": 9,
    "окт": 10,
    "ноя": 11,
    "дек": 12,
}
_MONTH_WORD = r"(?:[A-Za-zА-Яа-яЁё]{3,9}\.?)"
# One end of a range: "2019", "03/2019", "03.2019", "Jan 2019", "январь 2019", "2019-03".
_POINT = rf"(?:{_MONTH_WORD}\s+\d{{4}}|\d{{1,2}}[./]\d{{4}}|\d{{4}}[./-]\d{{1,2}}(?!\d)|\d{{4}})"
_PRESENT = (
    r"(?:present|current(?:ly)?|now|today|to date|ongoing|till now|"
    r"н\.\s?в\.?|настоящее время|наст\.\s?вр\.?|по настоящее время|сейчас|текущее время)"
)
_RANGE = re.compile(
    rf"(?<![\d/.])(?:с\s+)?(?P<start>{_POINT})\s*(?:-|–|—|to|till|until|по|до)\s*"
    rf"(?P<end>{_POINT}|{_PRESENT})(?![\d/])",
    re.I,
)
_STATED_EN = re.compile(
    r"(?:over|more than|at least|minimum of|min\.?)?\s*(\d{1,2}(?:[.,]\d)?)\s*\+?\s*(?:years?|yrs?)\b"
    r"(?:\s+of)?(?:\s+[\w/+#.-]+){0,4}?\s+(?:experience|exp\b)",
    re.I,
)
_STATED_EN2 = re.compile(r"experience\s*(?:of|:)?\s*(\d{1,2}(?:[.,]\d)?)\s*\+?\s*(?:years?|yrs?)\b", re.I)
_STATED_RU = re.compile(
    r"опыт\w*(?:\s+\w+){0,4}?\s+(?:от|более|свыше|не менее|больше)?\s*(\d{1,2}(?:[.,]\d)?)\s*\+?\s*"
    r"(?:лет|года?|г\.)"
    r"|(\d{1,2}(?:[.,]\d)?)\s*\+?\s*(?:лет|года?)\s+(?:\w+\s+){0,2}?опыт",
    re.I,
)
MAX_YEARS = 50
# No posting asks for more: a larger claim in a job text is the employer's own history ("32 года опыта IT
# экспертизы", "25 years of experience serving clients"), not a requirement.
MAX_REQUIRED_YEARS = 15


def stated_years(text: str, *, limit: float = MAX_YEARS) -> float | None:
    """The largest 'N years of experience' claim in the text up to `limit`, or None."""
    values = []
    for pattern in (_STATED_EN, _STATED_EN2, _STATED_RU):
        for match in pattern.finditer(text):
            raw = next(g for g in match.groups() if g)
            value = float(raw.replace(",", "."))
            if 0 < value <= limit:
                values.append(value)
    return max(values) if values else None


def _month_index(point: str, *, is_end: bool, today: date) -> int | None:
    """Months since year 0 for one end of a range; a bare year starts in January, ends in December."""
    point = point.strip().casefold()
    if re.fullmatch(_PRESENT, point, re.I):
        return today.year * 12 + today.month - 1
    if m := re.fullmatch(r"(\d{1,2})[./](\d{4})", point):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4})[./-](\d{1,2})", point):
        year, month = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4})", point):
        year, month = int(m.group(1)), 12 if is_end else 1
    elif m := re.fullmatch(rf"({_MONTH_WORD})\s+(\d{{4}})", point, re.I):
        word, year = m.group(1).rstrip(".")[:4], int(m.group(2))
        # "since 2015": an unknown word before a year reads as the bare year
        month = MONTHS.get(word) or MONTHS.get(word[:3]) or (12 if is_end else 1)
    else:
        return None
    if not 1 <= month <= 12 or not 1950 <= year <= today.year + 1:
        return None
    return year * 12 + month - 1


def date_ranges(text: str, *, today: date | None = None) -> list[tuple[int, int]]:
    """(start, end) month indexes of every plausible date range in the text (end inclusive)."""
    today = today or date.today()
    ranges = []
    for match in _RANGE.finditer(text):
        start = _month_index(match.group("start"), is_end=False, today=today)
        end = _month_index(match.group("end"), is_end=True, today=today)
        now = today.year * 12 + today.month - 1
        if start is None or end is None:
            continue
        end = min(end, now)
        if start <= end and end - start < MAX_YEARS * 12:
            ranges.append((start, end))
    return ranges


def merged_years(ranges: list[tuple[int, int]]) -> float:
    """Total years covered by the ranges, overlaps counted once."""
    total, current_start, current_end = 0, None, None
    for start, end in sorted(ranges):
        if current_end is None or start > current_end + 1:
            if current_end is not None and current_start is not None:
                total += current_end - current_start + 1
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += current_end - current_start + 1
    return round(total / 12, 1)


def years_of_experience(experience_text: str, full_text: str, *, today: date | None = None) -> float | None:
    """The larger of the stated claim (anywhere) and the merged date ranges of the experience text."""
    stated = stated_years(full_text)
    ranges = date_ranges(experience_text, today=today)
    from_dates = merged_years(ranges) if ranges else None
    candidates = [v for v in (stated, from_dates) if v]
    return max(candidates) if candidates else None
