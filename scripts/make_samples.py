"""Render the demo's fictional sample resumes and jobs from samples/source/*.yaml.

Why a generator instead of hand-made files: the content lives as reviewable data, the
files cover the formats and layouts the parsers must handle (one- and two-column PDFs,
PDFs with running headers/footers and several pages, DOCX with tables or with the
contact block in the page header, TXT, Markdown, CSV), and a re-run gives the same
bytes, so a test can prove the committed files still match their source.

Usage:  python scripts/make_samples.py [--out DIR] [--source DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from fpdf import FPDF
from fpdf.enums import XPos, YPos

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "samples"
SOURCE_DIR = SAMPLES_DIR / "source"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_TIME = datetime(2025, 1, 15, 9, 0, 0, tzinfo=UTC)  # stamped into every file: same bytes on re-run
GENERATOR = "matchflow sample generator"

# Rotation of resume renderings: every sixth resume shares a layout, so both languages get all of them.
RESUME_LAYOUTS: list[tuple[str, str]] = [
    ("pdf", "classic"),
    ("docx", "plain"),
    ("pdf", "two_column"),
    ("docx", "skills_table"),
    ("pdf", "banner"),
    ("docx", "header_contacts"),
]

Record = dict[str, Any]

# ---------------------------------------------------------------- wording per language

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary", "experience": "Experience", "education": "Education",
        "skills": "Skills", "languages": "Languages", "certifications": "Certifications",
        "salary_expectation": "Salary expectation", "contacts": "Contact",
        "about": "About us", "role": "About the role", "responsibilities": "Responsibilities",
        "requirements": "Requirements", "nice_to_have": "Nice to have", "benefits": "We offer",
        "company": "Company", "location": "Location", "work_format": "Work format",
        "employment": "Employment", "salary": "Salary", "present": "Present", "page": "Page",
        "footer": "Fictional sample document for the matchflow demo",
    },
    "ru": {
        "summary": "О себе", "experience": "Опыт работы", "education": "Образование",
        "skills": "Ключевые навыки", "languages": "Знание языков", "certifications": "Сертификаты",
        "salary_expectation": "Желаемая зарплата", "contacts": "Контакты",
        "about": "О компании", "role": "О вакансии", "responsibilities": "Обязанности",
        "requirements": "Требования", "nice_to_have": "Будет плюсом", "benefits": "Условия",
        "company": "Компания", "location": "Местоположение", "work_format": "Формат работы",
        "employment": "Занятость", "salary": "Зарплата", "present": "настоящее время",
        "page": "Страница", "footer": "Вымышленный пример документа для демо matchflow",
    },
}
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "ru": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
           "октябрь", "ноябрь", "декабрь"],
}
WORK_FORMAT = {
    "en": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site"},
    "ru": {"remote": "Удалённая работа", "hybrid": "Гибридный формат", "onsite": "Работа в офисе"},
}
CURRENCY_SIGN = {"USD": "$", "EUR": "€", "GBP": "£"}
PERIOD = {
    "en": {"year": "per year", "month": "per month", "hour": "per hour"},
    "ru": {"year": "в год", "month": "в месяц", "hour": "в час"},
}
# Hand-written: a 33-letter table is smaller than a transliteration dependency (file names only).
TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))


def slugify(text: str, limit: int = 48) -> str:
    """ASCII file-name slug, so sample paths travel safely through any tool."""
    latin = "".join(TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:limit].rstrip("-")


def format_month(value: Any, lang: str) -> str:
    """'2019-03' -> 'Mar 2019' / 'март 2019'; 'present' -> the language's word for it."""
    text = str(value)
    if text == "present":
        return LABELS[lang]["present"]
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = text.split("-")
        return f"{MONTHS[lang][int(month) - 1]} {year}"
    return text


def format_period(start: Any, end: Any, lang: str) -> str:
    """A date range the way resumes in that language write it."""
    dash = " — " if lang == "ru" else " – "
    return f"{format_month(start, lang)}{dash}{format_month(end, lang)}"


def _group_digits(value: float, sep: str) -> str:
    return f"{int(value):,}".replace(",", sep) if value == int(value) else f"{value:,.2f}".replace(",", sep)


def format_salary(salary: Record | None, lang: str, *, expectation: bool = False) -> str:
    """Salary text as postings and resumes print it: '$160,000 – $190,000 per year', 'от 250 000 руб.'."""
    if not salary:
        return ""
    low, high, cur = salary.get("min"), salary.get("max"), salary.get("currency", "USD")
    period = PERIOD[lang][salary.get("period", "year")]
    if lang == "ru":
        unit = "руб." if cur == "RUB" else cur
        if low and high:
            return f"от {_group_digits(low, ' ')} до {_group_digits(high, ' ')} {unit} {period}"
        suffix = " на руки" if expectation else f" {period}"
        return f"от {_group_digits(low or high, ' ')} {unit}{suffix}"
    sign = CURRENCY_SIGN.get(cur, f"{cur} ")
    if low and high:
        return f"{sign}{_group_digits(low, ',')} – {sign}{_group_digits(high, ',')} {period}"
    return f"from {sign}{_group_digits(low or high, ',')} {period}"


def skill_groups(skills: list[str] | dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Skills as (group, items); a plain list becomes one unnamed group."""
    if isinstance(skills, dict):
        return [(str(group), [str(s) for s in items]) for group, items in skills.items()]
    return [("", [str(s) for s in skills])]


def contact_lines(resume: Record) -> list[str]:
    """The contact block: e-mail, phone, location, links (all fictional)."""
    return [resume["email"], str(resume["phone"]), resume["location"], *resume.get("links", [])]


# ---------------------------------------------------------------- source

def load_source(source_dir: Path = SOURCE_DIR) -> tuple[list[Record], list[Record]]:
    """Read resumes.yaml and jobs.yaml; ids must be unique and good/partial fits must exist."""
    resumes = yaml.safe_load((source_dir / "resumes.yaml").read_text(encoding="utf-8"))["resumes"]
    jobs = yaml.safe_load((source_dir / "jobs.yaml").read_text(encoding="utf-8"))["jobs"]
    resume_ids = [r["id"] for r in resumes]
    job_ids = [j["id"] for j in jobs]
    for kind, ids in (("resume", resume_ids), ("job", job_ids)):
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate {kind} ids in {source_dir}")
    for record in resumes + jobs:
        _check_text_lists(record, record["id"])
    known = set(resume_ids)
    for job in jobs:
        missing = [rid for rid in job.get("good_fit", []) + job.get("partial_fit", []) if rid not in known]
        if missing:
            raise ValueError(f"job {job['id']} names unknown resumes {missing}")
    return resumes, jobs


TEXT_LISTS = {"bullets", "responsibilities", "requirements", "nice_to_have", "benefits", "languages",
              "certifications", "links"}


def _check_text_lists(node: Any, where: str) -> None:
    """Catch YAML's 'Label: text' bullets that silently parse as mappings instead of strings."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_LISTS and not all(isinstance(item, str) for item in value):
                raise ValueError(f"{where}.{key}: every item must be a string (quote items containing ': ')")
            _check_text_lists(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _check_text_lists(item, f"{where}[{i}]")


def resume_layout(resume: Record, index: int) -> tuple[str, str]:
    """The (format, layout) a resume is rendered with: its override, else the rotation."""
    render = resume.get("render") or {}
    fmt, layout = RESUME_LAYOUTS[index % len(RESUME_LAYOUTS)]
    return render.get("format", fmt), render.get("layout", layout)


# ---------------------------------------------------------------- PDF

class SamplePDF(FPDF):
    """FPDF with DejaVu fonts (Cyrillic), fixed metadata and an optional running header/footer."""

    def __init__(self, *, lang: str, running_title: str = "", footer_text: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.running_title = running_title
        self.footer_text = footer_text
        # Two faces only (no italic): every embedded font subset adds ~10 kB to each sample file.
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            self.add_font("DejaVu", style=style, fname=str(FONT_DIR / file))
        self.set_creation_date(FIXED_TIME)
        self.set_creator(GENERATOR)
        self.set_lang(lang)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def header(self) -> None:
        if not self.running_title:
            return
        self.set_fill_color(32, 62, 92)
        self.rect(0, 0, self.w, 14, style="F")
        self.set_xy(self.l_margin, 4)
        self.set_text_color(255, 255, 255)
        self.set_font("DejaVu", "B", 10)
        self.cell(0, 6, self.running_title, align="L")
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-13)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(110, 110, 110)
        page = f"{LABELS[self.lang]['page']} {self.page_no()}/{{nb}}"
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")
        self.set_text_color(0, 0, 0)

    # small drawing helpers, all flowing inside the current margins
    def heading(self, text: str, size: float = 12) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", size)
        self.set_text_color(32, 62, 92)
        self.multi_cell(0, size * 0.55, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 0.5
        self.set_draw_color(180, 190, 200)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def para(self, text: str, size: float = 10, style: str = "", color: int = 0, align: str = "L") -> None:
        self.set_font("DejaVu", style, size)
        self.set_text_color(color, color, color)
        self.multi_cell(0, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def bullets(self, items: Iterable[str], size: float = 10) -> None:
        self.set_font("DejaVu", "", size)
        for item in items:
            self.set_x(self.l_margin + 2)
            self.cell(4, size * 0.5, "•")
            self.multi_cell(0, size * 0.5, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.6)


def _pdf_bytes(pdf: SamplePDF, title: str, author: str) -> bytes:
    pdf.set_title(title)
    pdf.set_author(author)
    return bytes(pdf.output())


def _pdf_experience(pdf: SamplePDF, resume: Record, size: float, dates_right: bool) -> None:
    lang = resume["lang"]
    pdf.heading(LABELS[lang]["experience"])
    for job in resume["experience"]:
        period = format_period(job["start"], job["end"], lang)
        pdf.set_font("DejaVu", "B", size + 0.5)
        if dates_right:
            width = pdf.w - pdf.l_margin - pdf.r_margin
            top = pdf.get_y()
            pdf.multi_cell(width - 52, size * 0.55, job["role"], align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            below_role = pdf.get_y()
            pdf.set_xy(pdf.l_margin + width - 52, top)
            pdf.set_font("DejaVu", "", size - 1)
            pdf.cell(52, size * 0.55, period, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(max(below_role, pdf.get_y()))
            pdf.para(f"{job['company']}, {job['location']}", size - 0.5, "", 70)
        else:
            pdf.multi_cell(0, size * 0.55, job["role"], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.para(f"{job['company']} · {job['location']} · {period}", size - 0.5, "", 70)
        pdf.ln(1)
        pdf.bullets(job.get("bullets", []), size)
        pdf.ln(1.5)


def _pdf_education(pdf: SamplePDF, resume: Record, size: float) -> None:
    lang = resume["lang"]
    pdf.heading(LABELS[lang]["education"])
    for edu in resume["education"]:
        pdf.para(edu["degree"], size, "B")
        pdf.para(f"{edu['school']}, {format_period(edu['start'], edu['end'], lang)}", size - 0.5, "", 70)
        pdf.ln(1)


def _pdf_skill_block(pdf: SamplePDF, resume: Record, size: float) -> None:
    lang = resume["lang"]
    pdf.heading(LABELS[lang]["skills"], size + 1.5)
    for group, items in skill_groups(resume["skills"]):
        pdf.para(f"{group}: {', '.join(items)}" if group else ", ".join(items), size)
        pdf.ln(0.8)
    pdf.heading(LABELS[lang]["languages"], size + 1.5)
    pdf.para("\n".join(resume.get("languages", [])), size)
    if resume.get("certifications"):
        pdf.heading(LABELS[lang]["certifications"], size + 1.5)
        pdf.bullets(resume["certifications"], size)


def render_resume_pdf(resume: Record, layout: str) -> bytes:
    """One resume as a PDF in the classic, two_column or banner layout."""
    lang = resume["lang"]
    labels = LABELS[lang]
    salary = format_salary(resume.get("salary"), lang, expectation=True)
    if layout == "banner":
        pdf = SamplePDF(lang=lang, running_title=f"{resume['name']} — {resume['title']}",
                        footer_text=labels["footer"])
        pdf.add_page()
        pdf.para(resume["name"], 20, "B")
        pdf.para(resume["title"], 13, "", 60)
        pdf.ln(1)
        pdf.para("  |  ".join(contact_lines(resume)), 9, "", 60)
        if salary:
            pdf.para(f"{labels['salary_expectation']}: {salary}", 9, "", 60)
        size = 11.0
        pdf.heading(labels["summary"])
        pdf.para(resume["summary"], size, align="J")
        _pdf_experience(pdf, resume, size, dates_right=True)
        _pdf_education(pdf, resume, size)
        _pdf_skill_block(pdf, resume, size)
    elif layout == "two_column":
        pdf = SamplePDF(lang=lang, footer_text=labels["footer"])
        pdf.add_page()
        sidebar_w, gap = 56.0, 8.0
        pdf.set_fill_color(236, 240, 244)
        pdf.rect(0, 0, pdf.l_margin + sidebar_w + gap / 2, pdf.h, style="F")
        top = pdf.t_margin
        pdf.set_right_margin(pdf.w - pdf.l_margin - sidebar_w)
        pdf.set_y(top)
        pdf.heading(labels["contacts"], 10.5)
        pdf.para("\n".join(contact_lines(resume)), 8.5)
        if salary:
            pdf.heading(labels["salary_expectation"], 10.5)
            pdf.para(salary, 8.5)
        _pdf_skill_block(pdf, resume, 8.5)
        pdf.set_left_margin(pdf.l_margin + sidebar_w + gap)
        pdf.set_right_margin(18)
        pdf.set_y(top)
        pdf.para(resume["name"], 18, "B")
        pdf.para(resume["title"], 12, "", 60)
        pdf.heading(labels["summary"])
        pdf.para(resume["summary"], 9.5)
        _pdf_experience(pdf, resume, 9.5, dates_right=False)
        _pdf_education(pdf, resume, 9.5)
    else:  # classic: one column, no running header
        pdf = SamplePDF(lang=lang)
        pdf.add_page()
        pdf.para(resume["name"], 20, "B")
        pdf.para(resume["title"], 13, "", 60)
        pdf.ln(1)
        pdf.para(" · ".join(contact_lines(resume)), 9, "", 60)
        if salary:
            pdf.para(f"{labels['salary_expectation']}: {salary}", 9, "", 60)
        pdf.heading(labels["summary"])
        pdf.para(resume["summary"], 10)
        _pdf_experience(pdf, resume, 10, dates_right=False)
        _pdf_education(pdf, resume, 10)
        _pdf_skill_block(pdf, resume, 10)
    return _pdf_bytes(pdf, resume["title"], resume["name"])


def job_meta(job: Record) -> list[tuple[str, str]]:
    """The posting's key facts as (label, value) rows."""
    lang = job["lang"]
    labels = LABELS[lang]
    rows = [
        (labels["company"], job["company"]),
        (labels["location"], job["location"]),
        (labels["work_format"], WORK_FORMAT[lang][job["remote"]]),
        (labels["employment"], job.get("employment", "")),
    ]
    if job.get("salary"):
        rows.append((labels["salary"], format_salary(job["salary"], lang)))
    return [(label, value) for label, value in rows if value]


def job_sections(job: Record) -> list[tuple[str, str | list[str]]]:
    """The posting's body as (heading, paragraph or bullet list), in reading order."""
    labels = LABELS[job["lang"]]
    sections: list[tuple[str, str | list[str]]] = []
    if job.get("about"):
        sections.append((labels["about"], job["about"]))
    sections.append((labels["role"], job["summary"]))
    for key in ("responsibilities", "requirements", "nice_to_have", "benefits"):
        if job.get(key):
            sections.append((labels[key], list(job[key])))
    return sections


def render_job_pdf(job: Record, banner: bool) -> bytes:
    """One job posting as a PDF; `banner` adds the company band header and a page footer."""
    lang = job["lang"]
    pdf = SamplePDF(lang=lang, running_title=job["company"] if banner else "",
                    footer_text=LABELS[lang]["footer"] if banner else "")
    pdf.add_page()
    pdf.para(job["title"], 18, "B")
    pdf.ln(2)
    for label, value in job_meta(job):
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.cell(38, 5.5, f"{label}:")
        pdf.set_font("DejaVu", "", 9.5)
        pdf.multi_cell(0, 5.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for heading, body in job_sections(job):
        pdf.heading(heading)
        if isinstance(body, str):
            pdf.para(body, 10)
        else:
            pdf.bullets(body, 10)
    return _pdf_bytes(pdf, job["title"], job["company"])


# ---------------------------------------------------------------- DOCX

def _stable_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed entry timestamps.

    Hand-written because python-docx stamps the current time into every zip entry, which
    would make each regeneration differ in bytes although nothing changed.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _docx_bytes(doc: Any, title: str, author: str, lang: str) -> bytes:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = GENERATOR
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_printed = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    props.language = lang
    props.comments = LABELS[lang]["footer"]
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stable_zip(buffer.getvalue())


def _new_document() -> Any:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    return doc


def _docx_bullets(doc: Any, items: Iterable[str]) -> None:
    for item in items:
        doc.add_paragraph(item, style="List Bullet")


def render_resume_docx(resume: Record, layout: str) -> bytes:
    """One resume as DOCX: plain, skills_table (skills and languages in tables) or header_contacts."""
    lang = resume["lang"]
    labels = LABELS[lang]
    doc = _new_document()
    contacts = contact_lines(resume)
    salary = format_salary(resume.get("salary"), lang, expectation=True)
    if layout == "header_contacts":
        header = doc.sections[0].header
        first = header.paragraphs[0]
        first.text = resume["name"]
        first.runs[0].bold = True
        for line in contacts:
            header.add_paragraph(line)
        footer = doc.sections[0].footer.paragraphs[0]
        footer.text = labels["footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title = doc.add_paragraph()
        run = title.add_run(resume["title"])
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RGBColor(0x20, 0x3E, 0x5C)
    else:
        doc.add_heading(resume["name"], level=0)
        title = doc.add_paragraph()
        run = title.add_run(resume["title"])
        run.font.size = Pt(14)
        run.italic = layout == "plain"
        doc.add_paragraph(" | ".join(contacts))
    if salary:
        doc.add_paragraph(f"{labels['salary_expectation']}: {salary}")

    doc.add_heading(labels["summary"], level=1)
    doc.add_paragraph(resume["summary"])
    doc.add_heading(labels["experience"], level=1)
    for job in resume["experience"]:
        para = doc.add_paragraph()
        para.add_run(job["role"]).bold = True
        para.add_run(f"\n{job['company']}, {job['location']}").italic = True
        para.add_run(f"\n{format_period(job['start'], job['end'], lang)}")
        _docx_bullets(doc, job.get("bullets", []))
    doc.add_heading(labels["education"], level=1)
    for edu in resume["education"]:
        para = doc.add_paragraph()
        para.add_run(edu["degree"]).bold = True
        para.add_run(f"\n{edu['school']}, {format_period(edu['start'], edu['end'], lang)}")

    doc.add_heading(labels["skills"], level=1)
    groups = skill_groups(resume["skills"])
    if layout == "skills_table":
        if groups[0][0]:
            table = doc.add_table(rows=0, cols=2)
            for group, items in groups:
                cells = table.add_row().cells
                cells[0].text = group
                cells[1].text = ", ".join(items)
        else:  # an unnamed list: three skills per row, like many templates do
            items = groups[0][1]
            table = doc.add_table(rows=0, cols=3)
            for start in range(0, len(items), 3):
                cells = table.add_row().cells
                for cell, skill in zip(cells, items[start:start + 3], strict=False):
                    cell.text = skill
        table.style = "Table Grid"
        doc.add_heading(labels["languages"], level=1)
        lang_table = doc.add_table(rows=0, cols=1)
        lang_table.style = "Table Grid"
        for spoken in resume.get("languages", []):
            lang_table.add_row().cells[0].text = spoken
    else:
        for group, items in groups:
            doc.add_paragraph(f"{group}: {', '.join(items)}" if group else ", ".join(items))
        doc.add_heading(labels["languages"], level=1)
        _docx_bullets(doc, resume.get("languages", []))
    if resume.get("certifications"):
        doc.add_heading(labels["certifications"], level=1)
        _docx_bullets(doc, resume["certifications"])
    return _docx_bytes(doc, resume["title"], resume["name"], lang)


def render_job_docx(job: Record) -> bytes:
    """One job posting as DOCX, with its key facts in a two-column table."""
    doc = _new_document()
    doc.add_heading(job["title"], level=0)
    meta = job_meta(job)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in meta:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    for heading, body in job_sections(job):
        doc.add_heading(heading, level=1)
        if isinstance(body, str):
            doc.add_paragraph(body)
        else:
            _docx_bullets(doc, body)
    return _docx_bytes(doc, job["title"], job["company"], job["lang"])


# ---------------------------------------------------------------- text formats

def render_job_txt(job: Record) -> str:
    """A posting as plain text, the way one is pasted into an e-mail."""
    lines = [job["title"], "=" * len(job["title"]), ""]
    lines += [f"{label}: {value}" for label, value in job_meta(job)]
    for heading, body in job_sections(job):
        lines += ["", heading.upper(), ""]
        lines += [body] if isinstance(body, str) else [f"- {item}" for item in body]
    return "\n".join(lines) + "\n"


def render_job_md(job: Record) -> str:
    """A posting as Markdown, the way one sits in a careers-page repository."""
    lines = [f"# {job['title']}", ""]
    lines += [f"**{label}:** {value}  " for label, value in job_meta(job)]
    for heading, body in job_sections(job):
        lines += ["", f"## {heading}", ""]
        lines += [body] if isinstance(body, str) else [f"- {item}" for item in body]
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["job_id", "title", "company", "location", "remote", "salary_min", "salary_max", "currency",
               "description"]


def job_csv_row(job: Record) -> dict[str, str]:
    """One jobs.csv row; the description holds the posting's body as plain text."""
    salary = job.get("salary") or {}
    body: list[str] = []
    for heading, section in job_sections(job):
        body.append(f"{heading}: {section}" if isinstance(section, str)
                    else f"{heading}:\n" + "\n".join(f"- {item}" for item in section))
    return {
        "job_id": job["id"], "title": job["title"], "company": job["company"],
        "location": job["location"], "remote": job["remote"],
        "salary_min": str(salary.get("min", "")), "salary_max": str(salary.get("max", "")),
        "currency": salary.get("currency", ""), "description": "\n".join(body),
    }


def render_jobs_csv(jobs: list[Record]) -> str:
    """All csv-format jobs as one CSV file (RFC 4180 quoting, '\\n' line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for job in jobs:
        writer.writerow(job_csv_row(job))
    return out.getvalue()


# ---------------------------------------------------------------- build

def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def build(out_dir: Path = SAMPLES_DIR, source_dir: Path = SOURCE_DIR) -> Record:
    """Render every resume and job under out_dir/resumes, out_dir/jobs; write and return the manifest."""
    resumes, jobs = load_source(source_dir)
    for sub in ("resumes", "jobs"):  # drop files of renamed entries so the folder matches the source
        for old in (out_dir / sub).glob("*"):
            if old.is_file():
                old.unlink()
    manifest: Record = {"resumes": [], "jobs": []}
    for index, resume in enumerate(resumes):
        fmt, layout = resume_layout(resume, index)
        name = f"resumes/{resume['id']}-{slugify(resume['title'])}.{fmt}"
        render: Callable[[Record, str], bytes] = render_resume_pdf if fmt == "pdf" else render_resume_docx
        _write(out_dir / name, render(resume, layout))
        manifest["resumes"].append({"id": resume["id"], "lang": resume["lang"], "title": resume["title"],
                                    "file": name, "format": fmt, "layout": layout})
    pdf_jobs = 0
    for job in jobs:
        fmt = job["format"]
        if fmt == "csv":
            name = "jobs/jobs.csv"
        else:
            name = f"jobs/{job['id']}-{slugify(job['title'])}.{fmt}"
            if fmt == "pdf":
                data: bytes | str = render_job_pdf(job, banner=pdf_jobs % 2 == 0)
                pdf_jobs += 1
            elif fmt == "docx":
                data = render_job_docx(job)
            elif fmt == "txt":
                data = render_job_txt(job)
            elif fmt == "md":
                data = render_job_md(job)
            else:
                raise ValueError(f"job {job['id']}: unknown format {fmt!r}")
            _write(out_dir / name, data)
        manifest["jobs"].append({"id": job["id"], "lang": job["lang"], "title": job["title"], "file": name,
                                 "format": fmt, "good_fit": job.get("good_fit", []),
                                 "partial_fit": job.get("partial_fit", [])})
    _write(out_dir / "jobs" / "jobs.csv", render_jobs_csv([j for j in jobs if j["format"] == "csv"]))
    _write(out_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """CLI entry: regenerate the samples (into samples/ unless --out is given)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="output folder (default: samples/)")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="folder with resumes.yaml, jobs.yaml")
    args = parser.parse_args(argv)
    manifest = build(args.out, args.source)
    print(f"wrote {len(manifest['resumes'])} resumes and {len(manifest['jobs'])} jobs under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
