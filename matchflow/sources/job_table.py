"""Job postings from CSV or JSON tables (one job per row), with a documented column mapping.

Each logical field takes the first column present in the table, compared case-insensitively.
The defaults read matchflow's own `samples/jobs/jobs.csv`, NYC Open Data postings, Google careers
(`;`-separated) and LinkedIn exports. A row becomes a plain-text job description whose section headings
(Responsibilities / Requirements / Nice to have) the parse stage understands.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from matchflow.domain import DocumentKind
from matchflow.sources.base import IncomingDocument

JOB_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("job_id", "job id", "id"),
    "title": ("title", "business title", "job title"),
    "company": ("company", "company_name", "agency"),
    "location": ("location", "work location", "city"),
    "remote": ("remote", "remote_allowed", "work_type"),
    "salary_min": ("salary_min", "salary range from", "min_salary"),
    "salary_max": ("salary_max", "salary range to", "max_salary"),
    "currency": ("currency", "salary_currency"),
    "category": ("category", "job category"),
    "description": ("description", "job description", "responsibilities"),
    "requirements": ("requirements", "minimum qual requirements", "minimum qualifications"),
    "nice_to_have": ("nice_to_have", "preferred skills", "preferred qualifications", "skills_desc"),
}
SECTION_HEADINGS = {"description": "Responsibilities", "requirements": "Requirements",
                    "nice_to_have": "Nice to have"}


def _pick(row: dict[str, Any], field: str) -> str:
    lowered = {str(key).strip().lower(): value for key, value in row.items() if key is not None}
    for column in JOB_TABLE_COLUMNS[field]:
        value = lowered.get(column)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV (delimiter sniffed: `,` `;` or tab) or a JSON list / JSON-lines file."""
    raw = path.read_bytes().decode("utf-8-sig", errors="replace")
    if path.suffix.lower() == ".jsonl":
        return [json.loads(line) for line in raw.splitlines() if line.strip()]
    if path.suffix.lower() == ".json":
        data = json.loads(raw)
        return data if isinstance(data, list) else data.get("jobs", [])
    try:  # only the delimiter: the sniffer guesses `doublequote` wrong on quoted "" and splits rows apart
        delimiter = csv.Sniffer().sniff(raw[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return list(csv.DictReader(io.StringIO(raw), delimiter=delimiter))


def render_job_text(row: dict[str, Any]) -> str:
    """The row as a plain-text job description."""
    lines = [_pick(row, "title")]
    company, location = _pick(row, "company"), _pick(row, "location")
    if company:
        lines.append(f"Company: {company}")
    if location:
        lines.append(f"Location: {location}")
    remote = _pick(row, "remote")
    if remote and remote.lower() in ("1", "true", "yes", "remote"):
        lines.append("Remote work possible")
    low, high, currency = _pick(row, "salary_min"), _pick(row, "salary_max"), _pick(row, "currency") or ""
    if low or high:
        lines.append(f"Salary: {low or '?'} - {high or '?'} {currency}".rstrip())
    for field, heading in SECTION_HEADINGS.items():
        value = _pick(row, field)
        if value:
            lines += ["", f"{heading}:", value]
    return "\n".join(lines).strip() + "\n"


def iter_job_table(path: Path) -> Iterator[IncomingDocument]:
    """One job per row. A row's key is its id when the id is unique in the table (an edited row is then an
    update); NYC's table repeats ids (internal and external postings), so there the row's content is added."""
    rows = read_rows(path)
    id_counts = Counter(_pick(row, "id") for row in rows)
    for number, row in enumerate(rows, start=1):
        row_id = _pick(row, "id") or f"row{number}"
        key = f"{path}#{row_id}"
        if not _pick(row, "id") or id_counts[row_id] > 1:
            key += "#" + hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:12]
        yield IncomingDocument(
            source="csv", form_id=str(path), record_key=key, kind=DocumentKind.JOB,
            data=render_job_text(row).encode("utf-8"), filename=f"{path.name}#{row_id}.txt", payload={"row": row},
            structured={"title": _pick(row, "title"), "company": _pick(row, "company"),
                        "location": _pick(row, "location"), "category": _pick(row, "category")},
        )
