"""Turning Fillout submissions into candidate and company records.

Which question feeds which field lives in a TOML file (config/fillout_mapping.toml,
whose comments explain the alias rules and how several jobs fit in one form). Mapping
never raises on what respondents sent: every value of the wrong shape, every missing
required answer becomes a line in the returned `problems`, and the field stays empty.
Problem messages never quote answers (they may hold personal data).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from matchflow.domain import SalaryRange
from matchflow.fillout.errors import FilloutConfigError
from matchflow.fillout.files import FileRef, parse_file_values
from matchflow.fillout.masking import mask_text
from matchflow.fillout.models import KNOWN_QUESTION_TYPES, FilloutQuestion, FilloutSubmission

DEFAULT_MAPPING_PATH = Path(__file__).resolve().parents[3] / "config" / "fillout_mapping.toml"

CANDIDATE_FIELDS = frozenset(
    {
        "full_name", "first_name", "last_name", "email", "phone", "city", "country", "location",
        "salary", "salary_min", "salary_max", "salary_currency", "salary_period", "desired_roles",
        "industries", "skills", "motivation", "cover_letter", "answers", "resume", "birth_date",
        "education", "links",
    }
)  # fmt: skip
COMPANY_FIELDS = frozenset(
    {"company_name", "website", "industry", "description", "contact_name", "contact_email", "contact_phone"}
)
JOB_FIELDS = frozenset(
    {
        "title", "description", "description_files", "location", "remote", "salary", "salary_min",
        "salary_max", "salary_currency", "salary_period", "employment_type", "skills",
    }
)  # fmt: skip
MAX_JOBS = 20


# ---------------------------------------------------------------------------- shapes


class _MaskedRepr(BaseModel):
    """Reprs of these records hide e-mails and phone numbers (they end up in logs)."""

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in ("email", "phone", "contact_email", "contact_phone") and value:
                yield name, mask_text(str(value)) if "@" in str(value) else "***"
            else:
                yield name, value


class CandidateSubmission(_MaskedRepr):
    """A candidate's answers, read from the candidate form."""

    submission_id: str
    submitted_at: datetime | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    country: str | None = None
    location: str | None = None  # as typed, or "city, country"
    salary: SalaryRange | None = None
    desired_roles: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    motivation: str | None = None
    cover_letter: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)  # free text by question name
    resume_files: list[FileRef] = Field(default_factory=list)
    birth_date: date | None = None
    education: str | None = None
    links: list[str] = Field(default_factory=list)


class JobPosting(BaseModel):
    """One job of a company submission; `index` is its number in the form (1-based)."""

    index: int
    title: str | None = None
    description: str | None = None
    description_files: list[FileRef] = Field(default_factory=list)
    location: str | None = None
    remote: str | None = None  # remote | hybrid | onsite
    salary: SalaryRange | None = None
    employment_type: str | None = None
    skills: list[str] = Field(default_factory=list)


class CompanySubmission(_MaskedRepr):
    """A company and its jobs, read from the company form."""

    submission_id: str
    submitted_at: datetime | None = None
    company_name: str | None = None
    website: str | None = None
    industry: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    jobs: list[JobPosting] = Field(default_factory=list)


class FilloutMapping(BaseModel):
    """Aliases per field for each form; see config/fillout_mapping.toml."""

    candidate: dict[str, list[str]] = Field(default_factory=dict)
    company: dict[str, list[str]] = Field(default_factory=dict)
    job: dict[str, list[str]] = Field(default_factory=dict)


def load_mapping(path: str | Path | None = None) -> FilloutMapping:
    """Read a mapping file (the default one when `path` is None); bad files raise FilloutConfigError."""
    path = Path(path) if path is not None else DEFAULT_MAPPING_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FilloutConfigError(f"cannot read Fillout mapping {path}: {exc}") from exc
    company = dict(data.get("company", {}))
    job = company.pop("job", {})
    unknown_top = set(data) - {"candidate", "company"}
    if unknown_top:
        raise FilloutConfigError(f"{path}: unknown sections {sorted(unknown_top)}")
    sections = {
        "candidate": (data.get("candidate", {}), CANDIDATE_FIELDS),
        "company": (company, COMPANY_FIELDS),
    }
    sections["job"] = (job, JOB_FIELDS)
    result: dict[str, dict[str, list[str]]] = {}
    for section, (table, known) in sections.items():
        if not isinstance(table, dict):
            raise FilloutConfigError(f"{path}: [{section}] must be a table")
        unknown = set(table) - known
        if unknown:
            raise FilloutConfigError(f"{path}: unknown fields in [{section}]: {sorted(unknown)}")
        for key, aliases in table.items():
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                raise FilloutConfigError(f"{path}: [{section}].{key} must be a list of non-empty strings")
            table[key] = aliases
        result[section] = table
    return FilloutMapping(**result)


# ---------------------------------------------------------------------------- matching


def normalize_name(name: str) -> str:
    """Casefolded, single-spaced, without trailing '?', ':', '*', '.' - how aliases compare."""
    return re.sub(r"\s+", " ", name).strip().rstrip("?:*. ").strip().casefold()


_JOB_NUMBER = re.compile(r"(?<!\w)(?:#|№|no\.?\s*)?\(?(\d{1,2})\)?(?!\w)", re.IGNORECASE)


def split_job_number(name: str) -> tuple[int, str] | None:
    """('Job 2 title' -> (2, 'job title')); None when the name holds no or several numbers."""
    normalized = normalize_name(name)
    found = list(_JOB_NUMBER.finditer(normalized))
    if len(found) != 1:
        return None
    match = found[0]
    rest = normalize_name(normalized[: match.start()] + " " + normalized[match.end() :])
    return int(match.group(1)), rest


def _usable(question: FilloutQuestion) -> bool:
    return not question.type or question.type in KNOWN_QUESTION_TYPES


def _answered(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


@dataclass
class _Reader:
    """Finds the question behind each field and reads it, collecting problems."""

    questions: list[FilloutQuestion]
    problems: list[str]
    used: set[int] = field(default_factory=set)  # positions of questions consumed by a field

    def find(self, field_name: str, aliases: list[str]) -> FilloutQuestion | None:
        for alias in aliases:
            for pos, question in self._matching(alias):
                if not _answered(question.value):
                    continue
                if not _usable(question):
                    self.problems.append(f"{field_name}: question type {question.type!r} is not supported")
                    self.used.add(pos)
                    continue
                self.used.add(pos)
                return question
        return None

    def _matching(self, alias: str) -> Iterable[tuple[int, FilloutQuestion]]:
        if alias.startswith("id:"):
            wanted = alias[3:].strip()
            return [(i, q) for i, q in enumerate(self.questions) if q.id == wanted]
        wanted = normalize_name(alias)
        return [(i, q) for i, q in enumerate(self.questions) if normalize_name(q.name) == wanted]

    def read(self, field_name: str, aliases: list[str] | None, convert: Callable[[Any], Any]) -> Any:
        question = self.find(field_name, aliases or [])
        if question is None:
            return None
        try:
            return convert(question.value)
        except _Unreadable as exc:
            self.problems.append(f"{field_name}: {exc}")
            return None


class _Unreadable(ValueError):
    """A value of the wrong shape for its field; the message names the shape, not the value."""


# ---------------------------------------------------------------------------- value readers


def _shape(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


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
    raise _Unreadable(f"expected text, got {_shape(value)}")


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
        raise _Unreadable(f"expected a list of choices, got {_shape(value)}")
    out: list[str] = []
    for item in items:
        if isinstance(item, dict | list | bool):
            raise _Unreadable(f"expected a list of choices, got a list holding {_shape(item)}")
        text = str(item).strip() if item is not None else ""
        if text and text.casefold() not in {o.casefold() for o in out}:
            out.append(text)
    return out


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
        raise _Unreadable(f"expected a number, got {_shape(value)}")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unreadable("expected a finite number")
        return float(value)
    match = _NUMBER.search(value)
    number = _to_number(match.group(1), match.group(2)) if match else None
    if number is None:
        raise _Unreadable("expected a number, got text without one")
    return number


_CURRENCY_SIGNS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₽": "RUB",
    "₸": "KZT",
    "₴": "UAH",
    "₹": "INR",
    "¥": "JPY",
}
_CURRENCY_WORDS = {
    "usd": "USD", "dollar": "USD", "eur": "EUR", "euro": "EUR", "gbp": "GBP", "pound": "GBP",
    "rub": "RUB", "руб": "RUB", "р.": "RUB", "kzt": "KZT", "uah": "UAH", "chf": "CHF", "pln": "PLN",
    "czk": "CZK", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "cad": "CAD", "aud": "AUD", "inr": "INR",
    "jpy": "JPY", "cny": "CNY", "try": "TRY", "aed": "AED", "ils": "ILS", "gel": "GEL", "amd": "AMD",
    "byn": "BYN", "uzs": "UZS", "rsd": "RSD", "huf": "HUF", "ron": "RON", "bgn": "BGN",
}  # fmt: skip


def read_currency(text: str) -> str | None:
    """An ISO 4217 code from a sign, a code or a common word in `text`."""
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in text:
            return code
    lowered = text.casefold()
    for word, code in _CURRENCY_WORDS.items():
        if re.search(rf"(?<![a-zа-я]){re.escape(word)}", lowered):
            return code
    return None


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
            raise _Unreadable("expected a salary, got an object without an amount")
        return salary
    text = read_text(value)
    if text is None:
        return None
    found = [(n, _multiplier(m.group(2))) for m in _NUMBER.finditer(text) if (n := _plain_number(m.group(1)))]
    if not found:
        raise _Unreadable("expected a salary, got text without a number")
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


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def read_email(value: Any) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    if not _EMAIL.match(text):
        raise _Unreadable("not an e-mail address")
    return text.lower()


def read_phone(value: Any) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    if sum(c.isdigit() for c in text) < 7:
        raise _Unreadable("not a phone number (fewer than 7 digits)")
    return text


def read_date(value: Any) -> date | None:
    text = read_text(value) if not isinstance(value, int | float) else None
    if text is None:
        if value is None:
            return None
        raise _Unreadable(f"expected a date, got {_shape(value)}")
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            parsed = datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= date.today().year:
            raise _Unreadable("date out of range")
        return parsed
    raise _Unreadable("expected a date like 1990-04-21")


def read_remote(value: Any) -> str | None:
    if isinstance(value, bool):
        return "remote" if value else "onsite"
    text = read_text(value)
    if text is None:
        return None
    lowered = text.casefold()
    if re.search(r"hybrid|гибрид|partly|partial", lowered):
        return "hybrid"
    if re.search(r"remote|удал|anywhere|^yes$|^да$", lowered):
        return "remote"
    if re.search(r"office|on-?site|in person|офис|^no$|^нет$", lowered):
        return "onsite"
    raise _Unreadable("expected remote / hybrid / onsite")


def read_files(value: Any) -> list[FileRef]:
    refs, problems = parse_file_values(value)
    if problems and not refs:
        raise _Unreadable("; ".join(problems))
    return refs


def _address_part(value: Any, key: str) -> Any:
    """Address answers are objects; other readers want their city or country."""
    if isinstance(value, dict):
        part = value.get(key)
        return part if part not in (None, "") else None
    return value


def _address_text(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = ("address", "city", "state", "country")
        parts = [
            str(value[k]).strip()
            for k in keys
            if isinstance(value.get(k), str | int) and str(value[k]).strip()
        ]
        return ", ".join(parts) or None
    return read_text(value)


# ---------------------------------------------------------------------------- mapping


def _salary(reader: _Reader, aliases: dict[str, list[str]], prefix: str) -> SalaryRange | None:
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


def map_candidate(sub: FilloutSubmission, mapping: FilloutMapping) -> tuple[CandidateSubmission, list[str]]:
    """Read a candidate form submission; returns the record and every problem met."""
    problems = [f"payload: {p}" for p in sub.problems]
    reader = _Reader(list(sub.questions), problems)
    m = mapping.candidate
    full_name = reader.read("full_name", m.get("full_name"), read_text)
    if full_name is None:
        first = reader.read("first_name", m.get("first_name"), read_text)
        last = reader.read("last_name", m.get("last_name"), read_text)
        full_name = " ".join(p for p in (first, last) if p) or None
    location_q = reader.find("location", m.get("location", []))
    location_value = location_q.value if location_q else None
    city = reader.read("city", m.get("city"), lambda v: read_text(_address_part(v, "city")))
    country = reader.read("country", m.get("country"), lambda v: read_text(_address_part(v, "country")))
    if isinstance(location_value, dict):  # an Address answer fills what is missing
        city = city or _safe(read_text, _address_part(location_value, "city"))
        country = country or _safe(read_text, _address_part(location_value, "country"))
    location = _safe(_address_text, location_value, reader.problems, "location") if location_q else None
    location = location or (", ".join(p for p in (city, country) if p) or None)

    answers: dict[str, str] = {}
    motivation = _free_text(reader, "motivation", m.get("motivation"), answers)
    cover_letter = _free_text(reader, "cover_letter", m.get("cover_letter"), answers)
    for alias in m.get("answers", []):
        _free_text(reader, "answers", [alias], answers)

    candidate = CandidateSubmission(
        submission_id=sub.submission_id,
        submitted_at=sub.submission_time,
        full_name=full_name,
        email=reader.read("email", m.get("email"), read_email),
        phone=reader.read("phone", m.get("phone"), read_phone),
        city=city,
        country=country,
        location=location,
        salary=_salary(reader, m, ""),
        desired_roles=reader.read("desired_roles", m.get("desired_roles"), read_list) or [],
        industries=reader.read("industries", m.get("industries"), read_list) or [],
        skills=reader.read("skills", m.get("skills"), read_list) or [],
        motivation=motivation,
        cover_letter=cover_letter,
        resume_files=reader.read("resume", m.get("resume"), read_files) or [],
        birth_date=reader.read("birth_date", m.get("birth_date"), read_date),
        education=reader.read("education", m.get("education"), read_text),
        links=reader.read("links", m.get("links"), read_list) or [],
    )
    for pos, question in enumerate(sub.questions):  # other long answers are kept too
        value = question.value
        long_text = question.type == "LongAnswer" and isinstance(value, str) and value.strip()
        if pos not in reader.used and long_text and question.name:
            answers.setdefault(question.name, value.strip())
    candidate.answers = answers
    if not candidate.submission_id:
        problems.append("submission_id: missing")
    if not candidate.email and not candidate.phone:
        problems.append("email: missing (no e-mail and no phone to reach the candidate)")
    if not candidate.full_name:
        problems.append("full_name: missing")
    if not candidate.resume_files:
        problems.append("resume: no file attached")
    return candidate, problems


def _free_text(
    reader: _Reader, field_name: str, aliases: list[str] | None, answers: dict[str, str]
) -> str | None:
    question = reader.find(field_name, aliases or [])
    if question is None:
        return None
    text = _safe(read_text, question.value, reader.problems, field_name)
    if text:
        answers[question.name or question.id or field_name] = text
    return text


def _safe(
    convert: Callable[[Any], Any], value: Any, problems: list[str] | None = None, field_name: str = ""
) -> Any:
    try:
        return convert(value)
    except _Unreadable as exc:
        if problems is not None:
            problems.append(f"{field_name}: {exc}")
        return None


def map_company(sub: FilloutSubmission, mapping: FilloutMapping) -> tuple[CompanySubmission, list[str]]:
    """Read a company form submission with its numbered job blocks; returns record and problems."""
    problems = [f"payload: {p}" for p in sub.problems]
    reader = _Reader(list(sub.questions), problems)
    m = mapping.company
    company = CompanySubmission(
        submission_id=sub.submission_id,
        submitted_at=sub.submission_time,
        company_name=reader.read("company_name", m.get("company_name"), read_text),
        website=reader.read("website", m.get("website"), read_text),
        industry=reader.read("industry", m.get("industry"), read_text),
        description=reader.read("description", m.get("description"), read_text),
        contact_name=reader.read("contact_name", m.get("contact_name"), read_text),
        contact_email=reader.read("contact_email", m.get("contact_email"), read_email),
        contact_phone=reader.read("contact_phone", m.get("contact_phone"), read_phone),
    )
    for index, questions in sorted(_job_blocks(sub.questions, reader.used).items()):
        job = _map_job(index, questions, mapping.job, problems)
        if job is not None:
            company.jobs.append(job)
    if not company.submission_id:
        problems.append("submission_id: missing")
    if not company.company_name:
        problems.append("company_name: missing")
    if not company.jobs:
        problems.append("jobs: no job answered")
    return company, problems


def _job_blocks(questions: list[FilloutQuestion], used: set[int]) -> dict[int, list[FilloutQuestion]]:
    """Questions grouped by job number, each renamed to its un-numbered name."""
    blocks: dict[int, list[FilloutQuestion]] = {}
    for pos, question in enumerate(questions):
        if pos in used:
            continue
        split = split_job_number(question.name) if question.name else None
        index, name = split if split and 1 <= split[0] <= MAX_JOBS else (1, question.name)
        blocks.setdefault(index, []).append(question.model_copy(update={"name": name}))
        if split is not None:  # keep the numberless name too, for aliases that contain a number
            blocks.setdefault(1, []).append(question.model_copy())
    return blocks


def _map_job(
    index: int, questions: list[FilloutQuestion], aliases: dict[str, list[str]], problems: list[str]
) -> JobPosting | None:
    local: list[str] = []
    reader = _Reader(questions, local)
    if index != 1:  # ids are not numbered: they belong to job 1
        aliases = {k: [a for a in v if not a.startswith("id:")] for k, v in aliases.items()}
    job = JobPosting(
        index=index,
        title=reader.read("title", aliases.get("title"), read_text),
        description=reader.read("description", aliases.get("description"), read_text),
        description_files=reader.read("description_files", aliases.get("description_files"), read_files)
        or [],
        location=reader.read("location", aliases.get("location"), _address_text),
        remote=reader.read("remote", aliases.get("remote"), read_remote),
        salary=_salary(reader, aliases, ""),
        employment_type=reader.read("employment_type", aliases.get("employment_type"), read_text),
        skills=reader.read("skills", aliases.get("skills"), read_list) or [],
    )
    filled = job.model_dump(exclude={"index"}, exclude_defaults=True)
    if not filled and not local:
        return None  # an optional job block nobody filled in
    problems.extend(f"job {index} {p}" for p in local)
    if not filled:
        return None
    if not job.title and not job.description_files:
        problems.append(f"job {index} title: missing")
    return job
