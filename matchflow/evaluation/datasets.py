"""The real-data sets the evaluation reads from `../shared/data`, as plain records.

    resume_labels       resumes_pdf/labels.csv -> (id, category, path) of the dev PDFs
    category_postings   job tables + category_map.toml -> postings standing for a resume category
    talent_match        talent_match_ru/dev.json -> vacancies with their confirmed/failed resumes, as text

Nothing here touches the database; the runners ingest what these return.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matchflow.sources.job_table import JOB_TABLE_COLUMNS, read_rows, render_job_text

CATEGORY_MAP = Path(__file__).with_name("category_map.toml")


class DataMissingError(FileNotFoundError):
    """The shared data folder (or a file in it) is absent; the message says where it was looked for."""


def default_data_dir() -> Path:
    """<repo>/../shared/data, beside the project."""
    return (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()


def require(path: Path) -> Path:
    if not path.exists():
        raise DataMissingError(f"{path} not found: pass --data pointing at the shared data folder "
                               f"(expected layout in {default_data_dir()}/README.md)")
    return path


# ---------------------------------------------------------------- resumes with categories


@dataclass(frozen=True)
class LabelledResume:
    id: str
    category: str
    path: Path


def resume_labels(data_dir: Path, *, split: str = "dev", categories: list[str] | None = None,
                  per_category: int | None = None) -> list[LabelledResume]:
    """The split's resumes from labels.csv, optionally only some categories and the first N of each (by id)."""
    root = require(data_dir / "resumes_pdf")
    with require(root / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row["split"] == split]
    wanted = {c.upper() for c in categories} if categories else None
    taken: dict[str, int] = defaultdict(int)
    resumes = []
    for row in sorted(rows, key=lambda r: (r["category"], r["id"])):
        if wanted is not None and row["category"] not in wanted:
            continue
        if per_category is not None and taken[row["category"]] >= per_category:
            continue
        taken[row["category"]] += 1
        resumes.append(LabelledResume(id=row["id"], category=row["category"], path=root / row["path"]))
    return resumes


# ---------------------------------------------------------------- postings mapped to categories


@dataclass(frozen=True)
class Rule:
    category: str
    title: re.Pattern[str] | None = None
    columns: frozenset[str] | None = None
    sources: frozenset[str] | None = None

    def matches(self, source: str, title: str, column: str) -> bool:
        if self.sources is not None and source not in self.sources:
            return False
        if self.columns is not None and column not in self.columns:
            return False
        return self.title is None or bool(self.title.search(title))


@dataclass(frozen=True)
class CategoryMap:
    sources: dict[str, str]  # name -> path under the data folder
    rules: list[Rule]
    per_category: int
    source_categories: dict[str, frozenset[str]] = field(default_factory=dict)  # source -> allowed categories
    min_body_chars: int = 200  # description + requirements; shorter postings are left out

    def categories_of(self, source: str, title: str, column: str) -> set[str]:
        found = {rule.category for rule in self.rules if rule.matches(source, title, column)}
        allowed = self.source_categories.get(source)
        return found & allowed if allowed is not None else found


def load_category_map(path: Path = CATEGORY_MAP) -> CategoryMap:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for raw in data.get("rule", []):
        unknown = set(raw) - {"category", "title", "columns", "sources"}
        if unknown or "category" not in raw or not ({"title", "columns"} & set(raw)):
            raise ValueError(f"bad rule in {path}: {raw} (needs category and title and/or columns)")
        rules.append(Rule(category=raw["category"],
                          title=re.compile(raw["title"], re.IGNORECASE) if raw.get("title") else None,
                          columns=frozenset(raw["columns"]) if raw.get("columns") else None,
                          sources=frozenset(raw["sources"]) if raw.get("sources") else None))
    return CategoryMap(sources=dict(data["sources"]), rules=rules, per_category=int(data.get("per_category", 10)),
                       source_categories={k: frozenset(v) for k, v in data.get("source_categories", {}).items()},
                       min_body_chars=int(data.get("min_body_chars", 200)))


@dataclass(frozen=True)
class Posting:
    key: str  # "<source>:<row number>", stable while the table is
    source: str
    category: str  # the resume category it stands for
    title: str
    text: str  # rendered by matchflow.sources.job_table.render_job_text, as `matchflow ingest` would
    row: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


def _column(row: dict[str, Any], name: str) -> str:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    return next((str(lowered[c]).strip() for c in JOB_TABLE_COLUMNS[name] if lowered.get(c)), "")


def category_postings(data_dir: Path, *, mapping: CategoryMap | None = None, per_category: int | None = None,
                      categories: list[str] | None = None) -> list[Posting]:
    """Up to `per_category` postings per resume category (see category_map.toml for the rules)."""
    mapping = mapping or load_category_map()
    limit = per_category if per_category is not None else mapping.per_category
    wanted = {c.upper() for c in categories} if categories else None
    queues: dict[str, dict[str, list[Posting]]] = defaultdict(lambda: defaultdict(list))  # category -> source ->
    for source, relative in mapping.sources.items():
        for number, row in enumerate(read_rows(require(data_dir / relative)), start=1):
            title = _column(row, "title")
            body = sum(len(_column(row, name)) for name in ("description", "requirements", "nice_to_have"))
            if not title or body < mapping.min_body_chars:
                continue  # a bare title (most NYC rows) says too little to stand for a category
            found = mapping.categories_of(source, title, _column(row, "category"))
            if len(found) != 1:
                continue  # unmapped or ambiguous
            category = found.pop()
            if wanted is None or category in wanted:
                queues[category][source].append(Posting(key=f"{source}:{number}", source=source, category=category,
                                                        title=title, text=render_job_text(row), row=row))
    picked: list[Posting] = []
    seen_titles: set[str] = set()
    seen_texts: set[str] = set()
    for category in sorted(queues):
        by_source = [list(reversed(queues[category][s])) for s in mapping.sources if queues[category].get(s)]
        taken = 0
        while taken < limit and any(by_source):
            for pending in by_source:
                if not pending or taken >= limit:
                    continue
                posting = pending.pop()
                title_key = " ".join(posting.title.casefold().split())
                text_key = hashlib.sha256(" ".join(posting.text.split()).encode()).hexdigest()
                if title_key in seen_titles or text_key in seen_texts:
                    continue
                seen_titles.add(title_key)
                seen_texts.add(text_key)
                picked.append(posting)
                taken += 1
    return picked


# ---------------------------------------------------------------- Russian vacancies with hired / rejected resumes


@dataclass(frozen=True)
class HireResume:
    key: str  # the resume's uuid
    hired: bool  # confirmed (True) or failed (False)
    text: str


@dataclass(frozen=True)
class Vacancy:
    key: str  # the vacancy's uuid
    text: str
    resumes: list[HireResume]


def _present(value: Any) -> bool:
    """False for the set's spellings of "no value": None, empty, and the string "None"."""
    return value not in (None, "", [], "None")


def _line(label: str, value: Any) -> str | None:
    text = " ".join(str(value).split()) if _present(value) else ""
    return f"{label}: {text}" if text else None


def _years_phrase(value: Any) -> str | None:
    """requested_experience (a minimum number of years: 1, 2, 3) as a posting words it: "от 2 лет"."""
    try:
        years = int(str(value).strip())
    except ValueError:
        return None
    if years <= 0:
        return None
    return f"от {years} года" if years % 10 == 1 and years % 100 != 11 else f"от {years} лет"


def render_vacancy(vacancy: dict[str, Any]) -> str:
    """Title on the first line, then keywords, required experience, description and comment, as a job text.

    The required experience is a minimum number of years (the descriptions say "от 1 года", "от 2х лет"),
    written the way a posting states it ("Требуемый опыт работы от 2 лет") so the extractor reads it.
    """
    lines = [" ".join(str(vacancy.get("name") or "Вакансия").split())]
    years = _years_phrase(vacancy.get("requested_experience"))
    lines += [x for x in (_line("Ключевые слова", vacancy.get("keywords")),
                          f"Требуемый опыт работы {years}" if years
                          else _line("Требуемый опыт работы", vacancy.get("requested_experience"))) if x]
    for heading, key in (("Описание", "description"), ("Комментарий", "comment")):
        if _present(vacancy.get(key)):
            lines += ["", f"{heading}:", " ".join(str(vacancy[key]).split())]
    return "\n".join(lines).strip() + "\n"


def _month(value: Any) -> str | None:
    """'2023-04-01' -> '04.2023', the month-and-year form Russian resumes print (and the extractor reads)."""
    match = re.match(r"(\d{4})-(\d{2})", str(value or ""))
    return f"{match.group(2)}.{match.group(1)}" if match else (str(value) if value else None)


def render_resume(resume: dict[str, Any]) -> str:
    """A plain-text resume from the structured record, in the order a recruiter reads one.

    The latest position is the first line (the title), then city, about, key skills ("Навыки"), experience
    (MM.YYYY dates, position, employer, description per item), education and languages. Names and birth date are
    left out: they are personal data and carry no signal for the match.
    """
    experience = resume.get("experienceItem") or []
    title = next((" ".join(str(e.get("position")).split()) for e in experience if e.get("position")), "Резюме")
    lines = [title]
    lines += [x for x in (_line("Город", resume.get("city")), _line("Страна", resume.get("country"))) if x]
    if _present(resume.get("about")):
        lines += ["", "О себе:", " ".join(str(resume["about"]).split())]
    if _present(resume.get("key_skills")):
        lines += ["", "Навыки:", " ".join(str(resume["key_skills"]).split())]
    if experience:
        lines += ["", "Опыт работы:"]
        for item in experience:
            period = f"{_month(item.get('starts')) or '?'} - {_month(item.get('ends')) or 'по настоящее время'}"
            head = ", ".join(x for x in (item.get("position"), item.get("employer"), item.get("city")) if x)
            lines.append(f"{period}: {' '.join(str(head).split())}")
            if item.get("description"):
                lines.append(" ".join(str(item["description"]).split()))
    education = resume.get("educationItem") or []
    if education:
        lines += ["", "Образование:"]
        for item in education:
            parts = [item.get("year"), item.get("organization"), item.get("faculty"), item.get("specialty"),
                     item.get("education_level")]
            lines.append(", ".join(" ".join(str(p).split()) for p in parts if p))
    # confirmed resumes spell the key "languageItem", failed ones "languageItems": reading only one would
    # print languages on hired resumes alone, a label leak any text ranker could pick up
    languages = [str(x) for x in resume.get("languageItem") or resume.get("languageItems") or [] if x]
    if languages:
        lines += ["", "Языки: " + "; ".join(languages)]
    return "\n".join(lines).strip() + "\n"


def talent_match(data_dir: Path, *, file: str = "talent_match_ru/dev.json") -> list[Vacancy]:
    """Each vacancy with its confirmed and failed resumes, all rendered to text."""
    records = json.loads(require(data_dir / file).read_text(encoding="utf-8"))
    vacancies = []
    for record in records:
        resumes = [HireResume(key=str(r["uuid"]), hired=hired, text=render_resume(r))
                   for hired, group in ((True, "confirmed_resumes"), (False, "failed_resumes"))
                   for r in record.get(group) or []]
        vacancies.append(Vacancy(key=str(record["vacancy"]["uuid"]), text=render_vacancy(record["vacancy"]),
                                 resumes=resumes))
    return vacancies
