"""Finding the question behind a field: alias matching on question names (or ids), job numbers in names,
and the reader that consumes each question once and collects problems.

Form authors rename and renumber questions freely ("Job 2 title", "Title (job #2)"), so names compare in
a normalised form and a job's number is cut out of the name before its aliases are compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from matchflow.fillout.mapping.readers import Unreadable
from matchflow.fillout.models import KNOWN_QUESTION_TYPES, FilloutQuestion

__all__ = ["Reader", "normalize_name", "split_job_number"]


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
class Reader:
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
        except Unreadable as exc:
            self.problems.append(f"{field_name}: {exc}")
            return None
