"""Money in form answers: numbers as people type them ("120 000", "1,5", "100k", "2 млн"), currencies,
pay periods, and whole salary phrases ("100-120k EUR", "$5000/month", "from 150 000 ₽").

Hand-written: no library reads salary phrases in several languages. Which tokens are currencies is the
shared table in matchflow.textrules.currency (the resume extractor reads the same one).
"""

from __future__ import annotations

import re
from typing import Any

from matchflow.domain import SalaryRange
from matchflow.fillout.mapping.questions import Reader
from matchflow.fillout.mapping.readers import Unreadable, read_text, shape
from matchflow.textrules.currency import find_currency

__all__ = ["parse_salary_text", "read_currency", "read_number", "read_period", "read_salary_fields"]

_NUMBER = re.compile(r"(\d[\d\s\u00a0\u202f',.]*)(\s*(?:k|к|тыс\.?|m|млн)\b)?", re.IGNORECASE)


def _to_number(digits: str, suffix: str | None) -> float | None:
    number = _plain_number(digits)
    return None if number is None else number * _multiplier(suffix)


def _plain_number(digits: str) -> float | None:
    text = re.sub(r"[\s\u00a0\u202f']", "", digits).rstrip(".,")
    if not text:
        return None
    # "120,000" / "120.000" are thousands; "1.5" / "1,5" are decimals
    parts = re.split(r"[.,]", text)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        text = "".join(parts)
    elif len(parts) == 2:
        text = f"{parts[0]}.{parts[1]}"
    else:
        text = "".join(parts)
    try:
        return float(text)
    except ValueError:
        return None


def _multiplier(suffix: str | None) -> float:
    suffix = (suffix or "").strip().casefold().rstrip(".")
    if suffix in ("k", "к", "тыс"):
        return 1_000.0
    if suffix in ("m", "млн"):
        return 1_000_000.0
    return 1.0


def read_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Unreadable(f"expected a number, got {shape(value)}")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unreadable("expected a finite number")
        return float(value)
    match = _NUMBER.search(value)
    number = _to_number(match.group(1), match.group(2)) if match else None
    if number is None:
        raise Unreadable("expected a number, got text without one")
    return number


def read_currency(text: str) -> str | None:
    """An ISO 4217 code from a sign, a code or a common word in `text` (matchflow.textrules.currency)."""
    return find_currency(text)


def read_period(text: str) -> str | None:
    lowered = text.casefold()
    if re.search(r"month|/\s*mo\b|per mo\b|мес", lowered):
        return "month"
    if re.search(r"hour|/\s*h(r)?\b|час", lowered):
        return "hour"
    if re.search(r"year|annual|/\s*y(r)?\b|год", lowered):
        return "year"
    return None


def parse_salary_text(value: Any) -> SalaryRange | None:
    """'100-120k EUR', '$5000/month', 'from 150 000 ₽' -> SalaryRange. Hand-written: no library
    reads salary phrases in several languages."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return SalaryRange(minimum=read_number(value))
    if isinstance(value, dict):  # a CurrencyInput-like object
        amount = value.get("amount", value.get("value"))
        currency = value.get("currency")
        salary = parse_salary_text(amount) if amount is not None else None
        if salary and isinstance(currency, str):
            salary.currency = read_currency(currency) or currency.upper()[:3]
        if salary is None:
            raise Unreadable("expected a salary, got an object without an amount")
        return salary
    text = read_text(value)
    if text is None:
        return None
    found = [(n, _multiplier(m.group(2))) for m in _NUMBER.finditer(text) if (n := _plain_number(m.group(1)))]
    if not found:
        raise Unreadable("expected a salary, got text without a number")
    if len(found) >= 2 and found[0][1] == 1.0 and found[1][1] > 1.0 and re.search(r"\d\s*[-–—]\s*\d", text):
        found[0] = (found[0][0], found[1][1])  # "100-120k": the second number's "k" applies to both
    numbers = [n * mult for n, mult in found]
    lowered = text.casefold()
    salary = SalaryRange(currency=read_currency(text), period=read_period(text) or "year")
    if len(numbers) >= 2:
        salary.minimum, salary.maximum = min(numbers[:2]), max(numbers[:2])
    elif re.search(r"up to|max|до\b|не более", lowered):
        salary.maximum = numbers[0]
    else:
        salary.minimum = numbers[0]
    return salary


def read_salary_fields(reader: Reader, aliases: dict[str, list[str]], prefix: str) -> SalaryRange | None:
    """The salary from its questions: a salary phrase, overridden by separate min / max / currency /
    period questions when the form has them; a minimum above the maximum is swapped, with a problem."""
    salary = reader.read(f"{prefix}salary", aliases.get("salary"), parse_salary_text)
    low = reader.read(f"{prefix}salary_min", aliases.get("salary_min"), read_number)
    high = reader.read(f"{prefix}salary_max", aliases.get("salary_max"), read_number)
    currency = reader.read(f"{prefix}salary_currency", aliases.get("salary_currency"), read_text)
    period = reader.read(f"{prefix}salary_period", aliases.get("salary_period"), read_text)
    if salary is None and low is None and high is None:
        return None
    salary = salary or SalaryRange()
    salary.minimum = low if low is not None else salary.minimum
    salary.maximum = high if high is not None else salary.maximum
    if currency:
        salary.currency = read_currency(currency) or (
            currency.upper() if len(currency) == 3 else salary.currency
        )
    if period:
        salary.period = read_period(period) or salary.period
    if salary.minimum is not None and salary.maximum is not None and salary.minimum > salary.maximum:
        reader.problems.append(f"{prefix}salary: minimum above maximum; swapped")
        salary.minimum, salary.maximum = salary.maximum, salary.minimum
    return salary
