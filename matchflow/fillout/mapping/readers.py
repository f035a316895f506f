"""Value readers: one Fillout answer, of whatever shape a respondent or question type produced, read as
the field's type, or refused with a reason.

Mapping never raises on what respondents sent, so a reader signals a wrong shape with `Unreadable`,
which the caller turns into a line in `problems`. Its message names the shape, never the value (answers
may hold personal data). Money (numbers, currencies, salaries) is in the sibling module money.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from matchflow.fillout.files import FileRef, parse_file_values
from matchflow.textrules.contacts import is_email
from matchflow.textrules.work_mode import answer_work_mode

__all__ = [
    "Unreadable",
    "address_part",
    "address_text",
    "read_date",
    "read_email",
    "read_files",
    "read_list",
    "read_phone",
    "read_remote",
    "read_text",
    "safe",
    "shape",
]


class Unreadable(ValueError):
    """A value of the wrong shape for its field; the message names the shape, not the value."""


def shape(value: Any) -> str:
    """How a value's shape is named in problem messages ("an object", "a list", "int")."""
    return {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


def safe(
    convert: Callable[[Any], Any], value: Any, problems: list[str] | None = None, field_name: str = ""
) -> Any:
    """`convert(value)`, or None with the reason appended to `problems` when the value is unreadable."""
    try:
        return convert(value)
    except Unreadable as exc:
        if problems is not None:
            problems.append(f"{field_name}: {exc}")
        return None


def read_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v).strip() for v in value if str(v).strip()) or None
    raise Unreadable(f"expected text, got {shape(value)}")


def read_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = re.split(r"[,;\n]", value)
    elif isinstance(value, list):
        items = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        items = [value]
    else:
        raise Unreadable(f"expected a list of choices, got {shape(value)}")
    out: list[str] = []
    for item in items:
        if isinstance(item, dict | list | bool):
            raise Unreadable(f"expected a list of choices, got a list holding {shape(item)}")
        text = str(item).strip() if item is not None else ""
        if text and text.casefold() not in {o.casefold() for o in out}:
            out.append(text)
    return out


def read_email(value: Any) -> str | None:
    """One e-mail address, lower-cased; the pattern is the extractor's (matchflow.textrules.contacts)."""
    text = read_text(value)
    if text is None:
        return None
    if not is_email(text):
        raise Unreadable("not an e-mail address")
    return text.lower()


def read_phone(value: Any) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    if sum(c.isdigit() for c in text) < 7:
        raise Unreadable("not a phone number (fewer than 7 digits)")
    return text


def read_date(value: Any) -> date | None:
    text = read_text(value) if not isinstance(value, int | float) else None
    if text is None:
        if value is None:
            return None
        raise Unreadable(f"expected a date, got {shape(value)}")
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            parsed = datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= date.today().year:
            raise Unreadable("date out of range")
        return parsed
    raise Unreadable("expected a date like 1990-04-21")


def read_remote(value: Any) -> str | None:
    """remote | hybrid | onsite from a yes/no question or a choice (matchflow.textrules.work_mode)."""
    if isinstance(value, bool):
        return "remote" if value else "onsite"
    text = read_text(value)
    if text is None:
        return None
    mode = answer_work_mode(text)
    if mode is None:
        raise Unreadable("expected remote / hybrid / onsite")
    return mode


def read_files(value: Any) -> list[FileRef]:
    refs, problems = parse_file_values(value)
    if problems and not refs:
        raise Unreadable("; ".join(problems))
    return refs


def address_part(value: Any, key: str) -> Any:
    """Address answers are objects; other readers want their city or country."""
    if isinstance(value, dict):
        part = value.get(key)
        return part if part not in (None, "") else None
    return value


def address_text(value: Any) -> str | None:
    """An Address answer as one line ("street, city, state, country"); any other answer as text."""
    if isinstance(value, dict):
        keys = ("address", "city", "state", "country")
        parts = [
            str(value[k]).strip()
            for k in keys
            if isinstance(value.get(k), str | int) and str(value[k]).strip()
        ]
        return ", ".join(parts) or None
    return read_text(value)
