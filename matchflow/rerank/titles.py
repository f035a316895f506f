"""Title features: how close the candidate's roles are to the job's, and the job's seniority level.

Role nouns are unified across spellings and languages (developer = engineer = разработчик) and seniority
words dropped from the comparison, because experience is scored by its own feature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from matchflow import scoring
from matchflow.rerank.sides import JobSide
from matchflow.scoring import NEUTRAL

__all__ = ["infer_seniority", "title_similarity"]

_ROLE_SYNONYMS = {  # one token per role noun, English and Russian
    "developer": "engineer", "programmer": "engineer", "dev": "engineer", "swe": "engineer",
    "разработчик": "engineer", "программист": "engineer", "инженер": "engineer",
    "front": "frontend", "back": "backend", "fullstack": "fullstack",
    "аналитик": "analyst", "дизайнер": "designer", "менеджер": "manager", "тестировщик": "qa",
    "tester": "qa", "тимлид": "lead", "mgr": "manager",
}
_SENIORITY_WORDS = {
    "intern": "intern", "trainee": "intern", "стажер": "intern", "стажёр": "intern",
    "junior": "junior", "jr": "junior", "младший": "junior",
    "middle": "middle", "mid": "middle",
    "senior": "senior", "sr": "senior", "старший": "senior",
    "lead": "lead", "principal": "lead", "staff": "lead", "ведущий": "lead", "тимлид": "lead",
    "head": "head", "chief": "head", "director": "head", "руководитель": "head",
}
_TITLE_STOP = {"of", "and", "the", "a", "an", "for", "in", "и", "в", "по"}
_TITLE_TOKEN = re.compile(r"[\w+#]+(?:\.[\w+#]+)*")
_JOINED_ROLE = re.compile(r"\b(front|back|full)[- ]?(end|stack)\b")  # front-end, back end -> frontend


def _title_tokens(title: str) -> frozenset[str]:
    text = _JOINED_ROLE.sub(r"\1\2", title.casefold().replace("ё", "е")).replace("-", " ")
    tokens = set()
    for token in _TITLE_TOKEN.findall(text):
        if token in _TITLE_STOP or (token in _SENIORITY_WORDS and token not in {"head", "director", "chief"}):
            continue
        tokens.add(_ROLE_SYNONYMS.get(token, token))
    return frozenset(tokens)


def title_similarity(candidate_titles: Iterable[str], job_titles: Iterable[str]) -> float:
    """Best Dice overlap of role tokens between any candidate title and any job title.

    Seniority words are dropped (experience has its own feature) and role nouns are unified
    (developer = engineer = разработчик), so canonical roles that are equal score 1.
    NEUTRAL when either side has no title.
    """
    mine = [t for t in (_title_tokens(x) for x in candidate_titles if x) if t]
    theirs = [t for t in (_title_tokens(x) for x in job_titles if x) if t]
    if not mine or not theirs:
        return NEUTRAL
    return max(2 * len(a & b) / (len(a) + len(b)) for a in mine for b in theirs)


def infer_seniority(job: JobSide) -> str | None:
    """The job's seniority: the extracted field, else a seniority word in its title."""
    if job.fields.seniority in scoring.SENIORITY_YEARS:
        return job.fields.seniority
    for title in job.titles:
        for token in _TITLE_TOKEN.findall(title.casefold().replace("ё", "е")):
            if token in _SENIORITY_WORDS:
                return _SENIORITY_WORDS[token]
    return None
