"""Split a document's text into named sections by recognising heading lines (English and Russian).

Resume sections: summary, experience, education, skills, languages, projects,
certifications, contacts, other. Job sections: responsibilities, requirements,
nice_to_have, benefits, about, other.

A heading is a short line whose words (after dropping bullets, markdown marks,
numbering and a trailing colon) are one of the phrases below; ``Skills: Python, SQL``
is a heading with inline content. Text before the first heading is the document's
preamble (name and contacts for a resume, title and company for a job), filed under
``contacts`` / ``about``. Unknown headings do not start a section.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from matchflow.domain import DocumentKind

RESUME_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "career summary",
        "executive summary",
        "profile",
        "professional profile",
        "personal profile",
        "objective",
        "career objective",
        "about me",
        "about",
        "overview",
        "career overview",
        "introduction",
        "о себе",
        "обо мне",
        "цель",
        "профиль",
        "резюме",
        "краткая информация",
        "общая информация",
        "дополнительная информация",
        "желаемая должность",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "professional background",
        "experience summary",
        "relevant experience summary",
        "responsibilities and experience",
        "опыт",
        "опыт работы",
        "профессиональный опыт",
        "трудовая деятельность",
        "места работы",
        "трудовой стаж",
    ),
    "education": (
        "education",
        "education and training",
        "academic background",
        "academic qualifications",
        "educational background",
        "qualifications and education",
        "education and courses",
        "образование",
        "обучение",
        "высшее образование",
        "основное образование",
    ),
    "skills": (
        "skills",
        "technical skills",
        "professional skills",
        "key skills",
        "core skills",
        "hard skills",
        "soft skills",
        "skills and abilities",
        "skill highlights",
        "highlights",
        "core competencies",
        "skills summary",
        "skills and expertise",
        "tools and tech",
        "tools and technologies",
        "expertise",
        "competencies",
        "qualifications",
        "summary of qualifications",
        "technologies",
        "tech stack",
        "технологии",
        "навыки",
        "ключевые навыки",
        "профессиональные навыки",
        "технические навыки",
        "компетенции",
        "ключевые компетенции",
        "стек",
        "стек технологий",
        "знания и навыки",
    ),
    "languages": (
        "languages",
        "language",
        "language skills",
        "languages knowledge",
        "foreign languages",
        "языки",
        "знание языков",
        "иностранные языки",
        "владение языками",
    ),
    "projects": ("projects", "personal projects", "key projects", "selected projects", "проекты"),
    "certifications": (
        "certifications",
        "certification",
        "certificates",
        "licenses",
        "licenses and certifications",
        "courses",
        "training",
        "trainings",
        "most recent courses",
        "courses and special programs",
        "сертификаты",
        "курсы",
        "повышение квалификации",
        "курсы и тренинги",
        "тренинги",
        "дополнительное образование",
    ),
    "contacts": (
        "contacts",
        "contact",
        "contact me",
        "contact me at",
        "contact information",
        "contact info",
        "personal information",
        "personal details",
        "контакты",
        "контактная информация",
        "личная информация",
    ),
    "other": (
        "accomplishments",
        "achievements",
        "awards",
        "honors",
        "interests",
        "hobbies",
        "activities",
        "volunteer experience",
        "volunteering",
        "publications",
        "references",
        "additional information",
        "affiliations",
        "recommendations",
        "достижения",
        "награды",
        "хобби",
        "интересы",
        "публикации",
        "рекомендации",
    ),
}

JOB_HEADINGS: dict[str, tuple[str, ...]] = {
    "responsibilities": (
        "responsibilities",
        "key responsibilities",
        "duties",
        "your responsibilities",
        "what you will do",
        "what you'll do",
        "the role",
        "your role",
        "role",
        "job description",
        "tasks",
        "your tasks",
        "обязанности",
        "задачи",
        "чем предстоит заниматься",
        "что нужно делать",
        "функционал",
        "ваши задачи",
        "основные задачи",
    ),
    "requirements": (
        "requirements",
        "qualifications",
        "minimum qualifications",
        "basic qualifications",
        "required qualifications",
        "required skills",
        "what we're looking for",
        "what we are looking for",
        "who you are",
        "you have",
        "must have",
        "skills",
        "experience",
        "требования",
        "мы ждем",
        "мы ждём",
        "ожидаем",
        "мы ожидаем",
        "наши ожидания",
        "требования к кандидату",
        "что мы ждем",
        "что мы ждём",
        "необходимые навыки",
    ),
    "nice_to_have": (
        "nice to have",
        "nice-to-have",
        "preferred qualifications",
        "preferred",
        "bonus points",
        "bonus",
        "pluses",
        "plus",
        "a plus",
        "it's a plus",
        "would be a plus",
        "desired skills",
        "будет плюсом",
        "будет преимуществом",
        "преимуществом будет",
        "желательно",
        "плюсом будет",
    ),
    "benefits": (
        "benefits",
        "we offer",
        "what we offer",
        "perks",
        "perks and benefits",
        "compensation",
        "условия",
        "мы предлагаем",
        "что мы предлагаем",
        "условия работы",
        "мы предлагаем вам",
    ),
    "about": (
        "about us",
        "about the company",
        "company",
        "who we are",
        "about the team",
        "about the role",
        "о компании",
        "о нас",
        "о команде",
        "описание",
        "описание вакансии",
    ),
}

PREAMBLE = {DocumentKind.RESUME: "contacts", DocumentKind.JOB: "about"}

_MAX_HEADING_CHARS = 48
_LEAD = re.compile(r"^[\s#*_\-=>\u2022\u25cf\u25aa\d.)]*")
_TRAIL = re.compile(r"[\s:*_#\-=.]*$")


def _lookup(kind: DocumentKind) -> dict[str, str]:
    table = RESUME_HEADINGS if kind == DocumentKind.RESUME else JOB_HEADINGS
    return {phrase: name for name, phrases in table.items() for phrase in phrases}


_LOOKUPS = {kind: _lookup(kind) for kind in DocumentKind}
_SQUEEZED = {kind: {k.replace(" ", ""): v for k, v in table.items()} for kind, table in _LOOKUPS.items()}
_LETTER_SPACED = re.compile(r"\w(?: (?:\w|and))+")


class Section(NamedTuple):
    """A named section and the character span of its content in the text (heading excluded)."""

    name: str
    start: int
    end: int


def heading_name(line: str, kind: DocumentKind) -> tuple[str, int] | None:
    """If ``line`` is a heading, return (section name, offset where inline content starts)."""
    lookup = _LOOKUPS[kind]
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return None
    head, sep, _rest = stripped.partition(":")
    candidates = [(stripped, len(line))]
    if sep and len(head) <= _MAX_HEADING_CHARS:
        candidates.append((head, line.index(":") + 1))
    for candidate, content_at in candidates:
        if len(candidate) > _MAX_HEADING_CHARS:
            continue
        key = _TRAIL.sub("", _LEAD.sub("", candidate)).casefold()
        key = re.sub(r"\s+", " ", key.replace("&", " and "))
        if key in lookup:
            return lookup[key], content_at
        if _LETTER_SPACED.fullmatch(key):  # "E D U C A T I O N & C O U R S E S"
            squeezed = key.replace(" ", "")
            if squeezed in _SQUEEZED[kind]:
                return _SQUEEZED[kind][squeezed], content_at
    return None


def section_spans(text: str, kind: DocumentKind = DocumentKind.RESUME) -> list[Section]:
    """Return the sections of ``text`` in order, with spans into ``text`` (for evidence offsets)."""
    sections: list[Section] = []
    current, start = PREAMBLE[kind], 0
    pos = 0
    for line in text.splitlines(keepends=True):
        found = heading_name(line.rstrip("\r\n"), kind)
        if found is not None:
            sections.append(Section(current, start, pos))
            current, start = found[0], pos + found[1]
        pos += len(line)
    sections.append(Section(current, start, len(text)))
    return [s for s in sections if text[s.start : s.end].strip()]


def split_sections(text: str, kind: DocumentKind = DocumentKind.RESUME) -> dict[str, str]:
    """Return {section name: text}; repeated sections (two 'Experience' blocks) are joined."""
    out: dict[str, list[str]] = {}
    for section in section_spans(text, kind):
        out.setdefault(section.name, []).append(text[section.start : section.end].strip())
    return {name: "\n\n".join(parts) for name, parts in out.items()}
