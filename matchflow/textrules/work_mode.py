"""Work mode (remote | hybrid | onsite) from text: one vocabulary and one tie rule for every reader.

Postings (matchflow.extract), form answers (matchflow.fillout.mapping) and the reranker's remote and
location fields (matchflow.rerank) each had their own word list and their own answer to "remote or
office"; now hybrid named, or remote and onsite both named, is hybrid, else remote, else onsite. Context
still decides what a word can mean, so there are two entry points: `work_mode` for prose (a whole
posting: a bare "office" is often "MS Office", "partly" any kind of partial) and `answer_work_mode` for
a short answer or field ("Remote (EU)", "Office", "Да", a location), where those words are safe too.
"""

from __future__ import annotations

import re

__all__ = ["answer_work_mode", "work_mode"]

_HYBRID = re.compile(
    r"\bhybrid\b|гибрид|частично удал|\d\s*(?:days?|дн\w*)\s*(?:in|в)\s*(?:the )?(?:office|офисе)", re.I
)
_REMOTE = re.compile(
    r"\bremote(?:ly)?\b|work from home|\bwfh\b|fully distributed|удал[её]нн?|удал[её]нка|"
    r"дистанционн",
    re.I,
)
_ONSITE = re.compile(r"\bon[- ]?site\b|\bin[- ]office\b|in the office|office[- ]based|в офисе|офис\b", re.I)

# Only in a short answer: too loose for prose.
_ANSWER_HYBRID = re.compile(r"partly|partial", re.I)
_ANSWER_REMOTE = re.compile(r"remote|удал|\banywhere\b|^(?:yes|да)$", re.I)
_ANSWER_ONSITE = re.compile(r"\boffices?\b|\bin person\b|офис|^(?:no|нет)$", re.I)


def _decide(hybrid: bool, remote: bool, onsite: bool) -> str | None:
    if hybrid or (remote and onsite):
        return "hybrid"
    if remote:
        return "remote"
    return "onsite" if onsite else None


def work_mode(text: str) -> str | None:
    """The work mode a posting's text names ("Hybrid: 2 days in the office", "Работа удалённо"), or None."""
    return _decide(bool(_HYBRID.search(text)), bool(_REMOTE.search(text)), bool(_ONSITE.search(text)))


def answer_work_mode(value: str | None) -> str | None:
    """The work mode a short answer or field names ("Remote (EU)", "удалённо", "Office", "Да"), or None."""
    if not value:
        return None
    text = value.strip()
    return _decide(
        bool(_HYBRID.search(text) or _ANSWER_HYBRID.search(text)),
        bool(_REMOTE.search(text) or _ANSWER_REMOTE.search(text)),
        bool(_ONSITE.search(text) or _ANSWER_ONSITE.search(text)),
    )
