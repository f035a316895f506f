"""Salary expectation or range with currency and period:
"$120,000 - $140,000", "от 200 000 руб.", "150k EUR", "до 300 тыс. ₽ в месяц", "$45/hour".

A number counts only next to a currency sign/code or after a salary word, so years and
phone numbers are not read as money. Russian amounts default to a monthly period (as
Russian salaries are quoted), others to yearly. Which tokens are currencies, and their ISO codes, is
matchflow.textrules.currency (shared with the Fillout mapper).
"""

from __future__ import annotations

import re

from matchflow.domain import SalaryRange
from matchflow.textrules.currency import PROSE_CURRENCY, currency_code

_NUM = r"\d{1,3}(?:[ ,.\u202f]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_MULT = r"(?:\s?(?:k|к|тыс\.?|thousand|m|млн\.?))?"
_AMOUNT = rf"(?:{_NUM}){_MULT}"
_SALARY = re.compile(
    rf"(?P<pre_from>\bот\b|\bfrom\b)?\s*(?P<pre_to>\bдо\b|\bup to\b)?\s*"
    rf"(?P<cur1>{PROSE_CURRENCY})?\s?(?P<a>{_AMOUNT})\s*(?P<cur1b>{PROSE_CURRENCY})?"
    rf"(?:\s*(?:-|to|до)\s*(?P<cur2>{PROSE_CURRENCY})?\s?(?P<b>{_AMOUNT}))?\s*(?P<cur3>{PROSE_CURRENCY})?",
    re.I,
)
_SALARY_WORDS = re.compile(
    r"salary|compensation|pay rate|hourly rate|зарплат|заработн|з/п|зп\b|оклад|доход|вознагражд",
    re.I,
)
_PERIODS = (
    (re.compile(r"/\s?h(?:ou)?r|per hour|an hour|hourly|в час|/час", re.I), "hour"),
    (re.compile(r"/\s?mo(?:nth)?|per month|a month|monthly|в месяц|/мес|мес\.?\b|ежемесячно", re.I), "month"),
    (re.compile(r"/\s?y(?:ea)?r|per year|a year|annual|annually|per annum|в год|/год", re.I), "year"),
)


def _amount(raw: str) -> float | None:
    raw = raw.strip().casefold()
    mult = 1.0
    if m := re.search(r"\s?(k|к|тыс\.?|thousand|m|млн\.?)$", raw):
        mult = 1_000_000.0 if m.group(1).startswith(("m", "млн")) else 1000.0
        raw = raw[: m.start()]
    digits = re.sub(r"[ ,\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):  # 200.000 as a thousands separator
        digits = digits.replace(".", "")
    try:
        return float(digits) * mult
    except ValueError:
        return None


def find_salary(text: str) -> SalaryRange | None:
    """The first salary-looking amount or range, with ISO currency and period; None if none."""
    for line in text.splitlines():
        for match in _SALARY.finditer(line):
            cur = next((match.group(g) for g in ("cur1", "cur1b", "cur2", "cur3") if match.group(g)), None)
            if cur is None and not _SALARY_WORDS.search(line):
                continue
            low, high = _amount(match.group("a")), _amount(match.group("b") or "")
            if low is None or low < 10:
                continue
            if cur is None and (1950 <= low <= 2035 or low < 100):
                continue  # a year or a count next to a salary word, not money
            if match.group("b") and high is None:
                continue
            # "120-140k": the multiplier written once applies to both ends
            if high is not None and high >= 1000 > low and re.search(r"[kк]|тыс", match.group("b"), re.I):
                low *= 1000
            currency = currency_code(cur) if cur else None
            if currency is None and re.search(r"руб|₽", line, re.I):
                currency = "RUB"
            if match.group("pre_to") and high is None:
                low, high = None, low
            tail = line[match.end() : match.end() + 25] + " " + line
            period = next(
                (p for rx, p in _PERIODS if rx.search(tail)), "month" if currency == "RUB" else "year"
            )
            return SalaryRange(minimum=low, maximum=high, currency=currency, period=period)
    return None
