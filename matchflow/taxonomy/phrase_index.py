"""Dictionaries (skills, roles, industries, locations, hiring stages) and fast phrase matchers over them.

The dictionaries are CSV files in ``storage/seed/`` (shipped with the package); aliases in them are
``|``-separated. Matching rules, which the CSV files cannot carry as comments:

* Plain aliases (and the canonical name) match case-insensitively on whole tokens. A token is a run of
  word characters plus ``+ # & .`` inside it, so ``C++``, ``C#``, ``.NET``, ``Node.js``, ``R&D`` and
  ``ASP.NET`` are single tokens: ``Java`` never matches inside ``JavaScript``, ``SQL`` never inside
  ``PostgreSQL``, ``JS`` never inside ``Node.js``. Any other punctuation and any run of whitespace count
  as one separator, so ``CI/CD`` matches ``CI CD`` and ``machine\\nlearning`` matches ``machine learning``.
* Russian morphology: in an alias, each Cyrillic word of 4+ letters is cut to a stem (its longest
  inflectional ending removed, keeping 3+ letters) and matches that stem plus any one inflectional
  ending, so ``управление проектами`` also finds ``управления проектами`` and ``управлением проектов``.
  A word with nothing to cut (it ends in a consonant: ``технолог``, ``брокер``) is a masculine noun and
  takes only noun case endings, so ``технолог`` finds ``технологом`` but not ``технологий``.
  Shorter Cyrillic words (``БД``, ``ТЗ``, ``гит``) match exactly. ``ё`` is read as ``е``. This is a cheap
  suffix rule, not a full stemmer: derived words (``стрессоустойчивость``) need their own alias.
* Strict aliases start with ``=`` (``=Go``, ``=R``, ``=C``, ``=Excel``, ``=REST``, ``=SOLID``...): for
  skills whose name is a single letter or an everyday word. They match only with the exact case written,
  only between list-like separators (space, start/end, ``, ; : / | ( ) [ ] " *`` bullets), never before
  ``-``, ``&``, ``+``, ``'`` (``C-level``, ``R&D``), and not when the next word is a function word such
  as ``to``/``the``/``back`` (``Go to the store``). A single letter also never stands before ``.``
  (initials like ``John R. Smith``), next to ``&`` (``R & D``), across a slash from another single letter
  or a number (``C/O``, ``R/C``, ``23/C``; ``C/C++`` is fine), after a label word (``vitamin``,
  ``grade``, ``section``) or before one (``C level``, ``C class``). Strict aliases of two or more letters
  also match in any case as a whole list item (``java, go, sql``).
* List-only aliases start with ``~`` (``~Spring``, ``~Room``, ``~Vault``): words too common to find in
  prose, taken only as a whole list item (``Kotlin, Room, Retrofit``), in any case.
* When a strict or list-only alias spells the name, the name follows that rule too (``Go``, ``SOLID``).
* A match never spans a list or sentence break (``, ; | ( ) ! ?`` or ``.``/``:`` before a space), so
  ``retail, sales`` is not ``Retail sales``; it may span spaces, hyphens, slashes and line breaks.
* A canonical name containing ``(`` (``Compliance (IT)``) is display-only: its aliases do the matching.
* Overlapping matches resolve leftmost-longest: ``SQL Server`` wins over ``SQL``, ``React Native`` over
  ``React``; each canonical entry is reported once, at its first occurrence.

The scan uses an Aho-Corasick automaton (``pyahocorasick``) over a normalised copy of the text whose
keys are padded with the separator, so raw hits only occur at whole tokens; a 20-page resume takes a
few milliseconds. Offsets are mapped back to the caller's text, so spans always point into it.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import ahocorasick

from matchflow.domain import SkillHit

__all__ = [
    "HiringStage",
    "Industry",
    "Location",
    "Role",
    "RoleMatcher",
    "Skill",
    "SkillMatcher",
    "canonical_industry",
    "canonical_location",
    "canonical_role",
    "canonical_skill",
    "find_alias_conflicts",
    "load_hiring_stages",
    "load_industries",
    "load_locations",
    "load_roles",
    "load_skills",
    "normalize_phrase",
    "seed_dir",
]

EVIDENCE_CONTEXT = 30  # characters of context kept on each side of a hit's evidence
TITLE_LINE_BONUS = 100  # RoleMatcher.best: a role on the first line outweighs any count further down


# ---------------------------------------------------------------------------------------------------------
# Records and loaders
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A dictionary entry: a canonical name, a grouping (skill category, role family, industry, or a location's
    country code) and its English and Russian aliases."""

    name: str
    category: str
    aliases_en: tuple[str, ...] = ()
    aliases_ru: tuple[str, ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.aliases_en + self.aliases_ru


Skill = Role = Industry = Entry  # one shape; the names say which dictionary a list came from


class Location(Entry):
    """A place; its `category` is the ISO 3166-1 alpha-2 country code ("" for Remote)."""

    @property
    def country_code(self) -> str:
        return self.category


@dataclass(frozen=True)
class HiringStage:
    name: str
    position: int


def seed_dir() -> Path:
    """The packaged ``storage/seed`` folder, found relative to this file so it works from a wheel too."""
    return Path(__file__).resolve().parents[2] / "storage" / "seed"


def _rows(path: Path | str | None, default_name: str) -> list[dict[str, str]]:
    file = Path(path) if path is not None else seed_dir() / default_name
    with file.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


def load_skills(path: Path | str | None = None) -> list[Skill]:
    """Canonical skills with English and Russian aliases, in file order."""
    return [
        Skill(r["name"], r["category"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "skills.csv")
    ]


def load_roles(path: Path | str | None = None) -> list[Role]:
    """Canonical job roles (titles) with aliases, in file order."""
    return [
        Role(r["name"], r["category"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "roles.csv")
    ]


def load_industries(path: Path | str | None = None) -> list[Industry]:
    """Industries with aliases, in file order."""
    return [
        Industry(r["name"], "industry", _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "industries.csv")
    ]


def load_locations(path: Path | str | None = None) -> list[Location]:
    """Cities (and ``Remote``) with ISO 3166-1 alpha-2 country codes and aliases, in file order."""
    return [
        Location(r["name"], r["country_code"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "locations.csv")
    ]


def load_hiring_stages(path: Path | str | None = None) -> list[HiringStage]:
    """Hiring pipeline stages sorted by position."""
    stages = [HiringStage(r["name"], int(r["position"])) for r in _rows(path, "hiring_stages.csv")]
    return sorted(stages, key=lambda s: s.position)


# ---------------------------------------------------------------------------------------------------------
# Normalisation (length-preserving until whitespace runs collapse; offsets are mapped back)
# ---------------------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NON_TOKEN = re.compile(r"[^\w+#&.]")  # becomes a separator
_LONE_DOT = re.compile(r"\.(?!\w)")  # a dot that does not lead into a word char ends the token
_MOJIBAKE_NBSP = re.compile(r"â(?=\s)")  # "Â\xa0" (a UTF-8 NBSP read as Latin-1), lowercased
_SPACE_RUN = re.compile(r" {2,}")
_CYRILLIC_WORD = re.compile(r"[а-я]+")

# Russian inflectional endings (nouns and adjectives), longest first so stripping takes the longest.
_RU_ENDINGS = tuple(
    sorted(
        _words(
            "а я о е ы и у ю ь й ом ем ой ей ью ам ям ах ях ов ев ий ия ие ию ии ья ье ьи ый ая яя "
            "ое ее ые ую юю ых их ым им ами ями ием иям иях ией ьев ьям ого его ому ему ыми ими иями ьями"
        ),
        key=len,
        reverse=True,
    )
)
_RU_ENDING_RX = "(?:" + "|".join(_RU_ENDINGS) + ")?"
# A word that ends in a consonant (nothing to cut: "технолог", "аналитик", "брокер") is a masculine noun, and
# takes only a noun's case endings; with every ending it would also find its feminine abstract sibling
# ("технологий", "методологии", "стоматологией", "аудитории").
_RU_CONSONANT_ENDINGS = tuple(sorted(_words("а у ом ем е ы и ов ев ам ами ах ей"), key=len, reverse=True))
_RU_CONSONANT_ENDING_RX = "(?:" + "|".join(_RU_CONSONANT_ENDINGS) + ")?"
_MIN_STEM = 3
_MIN_STEMMED_WORD = 4


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters ("İ") lower to two; keep those as they are
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.replace("ё", "е")


def _tokenize_chars(text: str) -> str:
    """Lowercase and turn every non-token character into a space, keeping the length."""
    low = _lower(text)
    if "â" in low:
        low = _MOJIBAKE_NBSP.sub(" ", low)
    low = _NON_TOKEN.sub(" ", low)
    return _LONE_DOT.sub(" ", low)


def normalize_phrase(text: str) -> str:
    """The matching form of a phrase: lowercase tokens separated by single spaces (used for lookups)."""
    return _SPACE_RUN.sub(" ", _tokenize_chars(text)).strip()


class _OffsetMap:
    """Maps positions in the whitespace-collapsed text back to the original text."""

    def __init__(self, text: str) -> None:
        self.after: list[int] = []  # collapsed index of the first char after each collapsed run
        self.shift: list[int] = []  # characters removed up to and including that run
        parts: list[str] = []
        removed = prev = 0
        for m in _SPACE_RUN.finditer(text):
            parts.append(text[prev : m.start() + 1])
            removed += m.end() - m.start() - 1
            prev = m.end()
            self.after.append(m.end() - removed)
            self.shift.append(removed)
        parts.append(text[prev:])
        self.collapsed = "".join(parts) if self.after else text

    def original(self, index: int) -> int:
        k = bisect.bisect_right(self.after, index) - 1
        return index + (self.shift[k] if k >= 0 else 0)


def _stem(word: str) -> str:
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def _is_stemmable(word: str) -> bool:
    return len(word) >= _MIN_STEMMED_WORD and _CYRILLIC_WORD.fullmatch(word) is not None


# ---------------------------------------------------------------------------------------------------------
# Strict-alias context rules
# ---------------------------------------------------------------------------------------------------------

_STRICT_EDGE = frozenset(',;:()[]{}|"*/<>•·●▪■◦►–—')
_LIST_EDGE = frozenset(",;|\n\r•·●▪■◦►")
_STOP_NEXT = _words(
    "to the a an ahead back through beyond out over into away live further forward above along about off "
    "around down up"
)
_STOP_PREV = _words(
    "vitamin grade class section type plan part level appendix group building block unit phase schedule "
    "form division category tier option model size room floor wing hall row column exhibit figure table "
    "lot zone area hepatitis ward suite step stage item point"
)
_STOP_NEXT_LETTER = _words(
    "level levels class department grade section block wing building ward suite shift corp company "
    "student students"
)
_WORD_AT = re.compile(r"[^\W\d_]+")
_TOKEN_AT = re.compile(r"[\w+#.]*[\w+#]")
_TOKEN_BEFORE = re.compile(r"[\w+#.]*[\w+#]$")
# A multi-word match may span spaces, hyphens, slashes and line breaks, never a list or sentence break.
_HARD_BREAK = re.compile(r"[,;|•!?()\[\]]|[.:]\s")


def _next_word(text: str, index: int) -> str:
    while index < len(text) and text[index] in " \t":
        index += 1
    m = _WORD_AT.match(text, index)
    return m.group(0) if m else ""


def _prev_word(text: str, index: int) -> str:
    j = index
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    i = j
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return text[i:j]


def _is_list_item(text: str, start: int, end: int) -> bool:
    """True when the span is a whole item of a list: only separators (or the text's ends) around it."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    left_ok = i == 0 or text[i - 1] in _LIST_EDGE
    right_ok = j == len(text) or text[j] in _LIST_EDGE or (text[j] == "." and j + 1 == len(text))
    return left_ok and right_ok


def _real_token(token: str) -> bool:
    """A neighbour across a slash that makes a single letter a list item: ``C/C++`` yes, ``C/O`` no."""
    return len(token) >= 2 and any(ch.isalpha() for ch in token)


def _letter_ok(text: str, start: int, end: int) -> bool:
    """Extra rules for one-letter strict aliases (``C``, ``R``): initials, grades, ``R & D``, ``C/O``."""
    if end < len(text) and text[end] == "/":
        m = _TOKEN_AT.match(text, end + 1)
        if m is None or not _real_token(m.group(0)):
            return False
    if start > 0 and text[start - 1] == "/":
        m = _TOKEN_BEFORE.search(text, max(0, start - 40), start - 1)
        if m is None or not _real_token(m.group(0)):
            return False
    right = text[end : end + 3].lstrip(" \t")
    left = text[max(0, start - 3) : start].rstrip(" \t")
    if right.startswith("&") or left.endswith("&"):
        return False
    nxt = _next_word(text, end).lower()
    return nxt not in _STOP_NEXT_LETTER and _prev_word(text, start).lower() not in _STOP_PREV


def _strict_ok(text: str, start: int, end: int, alias: str, list_only: bool = False) -> bool:
    if list_only or text[start:end] != alias:
        if len(alias) == 1:  # a lowercase "c" or "r" in a list is too often noise
            return False
        return text[start:end].lower() == alias.lower() and _is_list_item(text, start, end)
    prev = text[start - 1] if start > 0 else " "
    nxt = text[end] if end < len(text) else " "
    if not (prev.isspace() or prev in _STRICT_EDGE):
        return False
    if nxt in ".:":
        after = text[end + 1] if end + 1 < len(text) else " "
        if (len(alias) == 1 and nxt == ".") or not after.isspace():
            return False
    elif not (nxt.isspace() or nxt in _STRICT_EDGE):
        return False
    if len(alias) == 1 and not _letter_ok(text, start, end):
        return False
    if _is_list_item(text, start, end):
        return True
    return _next_word(text, end).lower() not in _STOP_NEXT


# ---------------------------------------------------------------------------------------------------------
# The phrase index shared by every matcher
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    entry: int  # index into the index's entries
    regex: re.Pattern[str] | None  # set for aliases with stemmed Russian words
    strict: str | None  # the exact alias text for strict and list-only aliases
    list_only: bool = False  # "~" aliases: only as a whole list item, in any case
    check_breaks: bool = False  # a multi-token alias: make sure its match spans no list or sentence break


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    entry: int


class _Entry(Protocol):
    """What a matcher needs of a record: a canonical name, a category and aliases."""

    @property
    def name(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


def _alias_forms(name: str, aliases: Iterable[str]) -> list[tuple[str, str]]:
    """(alias, mode) pairs for one entry, mode being "" (plain), "=" (strict) or "~" (list item only).

    The name joins as a plain alias unless it holds "(" or a strict/list-only alias spells it."""
    forms: list[tuple[str, str]] = []
    marked = {a[1:].strip().lower() for a in aliases if a[:1] in "=~"}
    if "(" not in name and name.lower() not in marked:
        forms.append((name, ""))
    for alias in aliases:
        if alias[:1] in "=~":
            forms.append((alias[1:].strip(), alias[0]))
        else:
            forms.append((alias, ""))
    return [(a, mode) for a, mode in forms if a]


def _stemmed_rx(word: str) -> str:
    """The regex for one stemmable Cyrillic word: its stem and one inflectional ending."""
    stem = _stem(word)
    return re.escape(stem) + (_RU_CONSONANT_ENDING_RX if stem == word else _RU_ENDING_RX)


def _compile_alias(alias: str, *, stem: bool = True) -> tuple[str, re.Pattern[str] | None] | None:
    """The automaton key for an alias, and a verifying regex when it has stemmed Russian words."""
    words = normalize_phrase(alias).split(" ")
    if words == [""]:
        return None
    first_stem = next((i for i, w in enumerate(words) if _is_stemmable(w)), None) if stem else None
    if first_stem is None:
        return " " + " ".join(words) + " ", None
    key = " " + " ".join(words[:first_stem] + [_stem(words[first_stem])])
    parts = [_stemmed_rx(w) if _is_stemmable(w) else re.escape(w) for w in words]
    return key, re.compile(" ".join(parts) + "(?= )")


class _PhraseIndex:
    """An Aho-Corasick automaton over normalised aliases, with exact-lookup tables for single phrases."""

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self.entries = list(entries)
        self._lookup: dict[str, int] = {}
        self._strict_lookup: dict[str, int] = {}
        table: dict[str, dict[tuple[int, str | None, str | None], _Pattern]] = {}
        for idx, entry in enumerate(self.entries):
            for alias, mode in _alias_forms(entry.name, entry.aliases):
                # strict and list-only aliases match as written: no Russian stemming
                compiled = _compile_alias(alias, stem=not mode)
                if compiled is None:
                    continue
                key, regex = compiled
                strict = bool(mode)
                pattern = _Pattern(
                    idx,
                    None if strict else regex,
                    alias if strict else None,
                    list_only=mode == "~",
                    check_breaks=" " in normalize_phrase(alias) and not _HARD_BREAK.search(alias + " "),
                )
                sig = (idx, pattern.regex.pattern if pattern.regex else None, pattern.strict)
                table.setdefault(key, {}).setdefault(sig, pattern)
                if strict:
                    self._strict_lookup.setdefault(alias, idx)
                else:
                    self._lookup.setdefault(normalize_phrase(alias), idx)
        self._automaton = ahocorasick.Automaton()
        for key, patterns in table.items():
            self._automaton.add_word(key, (len(key), tuple(patterns.values())))
        if table:
            self._automaton.make_automaton()
        self._empty = not table

    def scan(self, text: str) -> list[_Match]:
        """All non-overlapping matches in text order (leftmost-longest), spans in the caller's text."""
        if self._empty or not text:
            return []
        offsets = _OffsetMap(_tokenize_chars(text))
        padded = " " + offsets.collapsed + " "
        original = offsets.original
        found: list[tuple[int, int, int]] = []
        for end, (key_len, patterns) in self._automaton.iter(padded):
            start = end - key_len + 1
            for p in patterns:
                if p.regex is None:
                    a, b = start + 1, end
                else:
                    m = p.regex.match(padded, start + 1)
                    if m is None:
                        continue
                    a, b = m.span()
                # padded -> collapsed (-1) -> original
                oa, ob = original(a - 1), original(b - 2) + 1
                if p.strict is not None and not _strict_ok(text, oa, ob, p.strict, p.list_only):
                    continue
                if p.check_breaks and _HARD_BREAK.search(text, oa, ob):
                    continue
                found.append((oa, -ob, p.entry))
        found.sort()
        kept: list[_Match] = []
        last_end = -1
        for oa, neg_ob, entry in found:
            if oa >= last_end:
                kept.append(_Match(oa, -neg_ob, entry))
                last_end = -neg_ob
        return kept

    def lookup(self, phrase: str) -> int | None:
        """The entry a whole phrase names (an alias in any case, or one inflected match covering it)."""
        phrase = phrase.strip()
        if not phrase:
            return None
        idx = self._lookup.get(normalize_phrase(phrase))
        if idx is None:
            idx = self._strict_lookup.get(phrase)
        if idx is not None:
            return idx
        matches = self.scan(phrase)
        if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(phrase.rstrip(" .")):
            return matches[0].entry
        return None


def find_alias_conflicts(entries: Sequence[_Entry]) -> list[tuple[str, list[str]]]:
    """Aliases (or names) that would match for two or more different entries, as (alias, entry names).

    Compared in matching form: case-folded and stemmed for plain aliases, exact text for strict ones; a
    plain alias also clashes with another entry's strict alias that it would match anyway."""
    plain: dict[tuple[str, str | None], set[str]] = {}
    marked: dict[str, set[str]] = {}
    shown: dict[tuple[str, str | None], str] = {}
    for entry in entries:
        for alias, mode in _alias_forms(entry.name, entry.aliases):
            compiled = _compile_alias(alias)
            if compiled is None:
                continue
            if mode:
                marked.setdefault(alias, set()).add(entry.name)
                continue
            sig = (compiled[0], compiled[1].pattern if compiled[1] else None)
            plain.setdefault(sig, set()).add(entry.name)
            shown.setdefault(sig, alias)
    out = [(shown[sig], sorted(names)) for sig, names in plain.items() if len(names) > 1]
    out += [(alias, sorted(names)) for alias, names in marked.items() if len(names) > 1]
    for alias, names in marked.items():
        literal = plain.get((" " + normalize_phrase(alias) + " ", None), set())
        if literal - names:
            out.append((alias, sorted(names | literal)))
    return out


def _evidence(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - EVIDENCE_CONTEXT), min(len(text), end + EVIDENCE_CONTEXT)
    return " ".join(text[lo:hi].split())


# ---------------------------------------------------------------------------------------------------------
# Public matchers
# ---------------------------------------------------------------------------------------------------------


class SkillMatcher:
    """Finds canonical skills in free text (resumes, job postings), English and Russian."""

    def __init__(self, skills: Sequence[Skill]) -> None:
        self.skills: list[Skill] = list(skills)
        self._index = _PhraseIndex(self.skills)

    @classmethod
    @functools.cache
    def default(cls) -> SkillMatcher:
        """The matcher over the packaged dictionary, built once per process."""
        return cls(load_skills())

    def find(self, text: str) -> list[SkillHit]:
        """One hit per canonical skill at its first occurrence, in text order, with span and evidence."""
        hits: list[SkillHit] = []
        seen: set[int] = set()
        for m in self._index.scan(text):
            if m.entry in seen:
                continue
            seen.add(m.entry)
            skill = self.skills[m.entry]
            hits.append(
                SkillHit(
                    skill=skill.name,
                    category=skill.category,
                    start=m.start,
                    end=m.end,
                    evidence=_evidence(text, m.start, m.end),
                )
            )
        return hits

    def counts(self, text: str) -> dict[str, int]:
        """How often each canonical skill occurs (a weight for extraction and for IDF-style rarity)."""
        out: dict[str, int] = {}
        for m in self._index.scan(text):
            name = self.skills[m.entry].name
            out[name] = out.get(name, 0) + 1
        return out

    def canonical(self, name: str) -> str | None:
        """The canonical skill a skill name or alias stands for (``psql`` -> ``PostgreSQL``)."""
        idx = self._index.lookup(name)
        return None if idx is None else self.skills[idx].name


class RoleMatcher:
    """Finds canonical job roles (titles) in free text."""

    def __init__(self, roles: Sequence[Role]) -> None:
        self.roles: list[Role] = list(roles)
        self._index = _PhraseIndex(self.roles)

    @classmethod
    @functools.cache
    def default(cls) -> RoleMatcher:
        """The matcher over the packaged dictionary, built once per process."""
        return cls(load_roles())

    def find(self, text: str) -> list[str]:
        """Canonical role names in order of first appearance."""
        seen: dict[str, None] = {}
        for m in self._index.scan(text):
            seen.setdefault(self.roles[m.entry].name, None)
        return list(seen)

    def best(self, text: str) -> str | None:
        """The role a document is about: the one named on its first line (the title line of a resume or
        a posting) when there is one, else the most frequent; ties go to the role named first."""
        matches = self._index.scan(text)
        if not matches:
            return None
        stripped = text.lstrip()
        first_line_end = len(text) - len(stripped) + (stripped.find("\n") % (len(stripped) + 1))
        score: dict[str, int] = {}
        first_seen: dict[str, int] = {}
        for m in matches:
            name = self.roles[m.entry].name
            bonus = TITLE_LINE_BONUS if m.end <= first_line_end else 0
            score[name] = score.get(name, 0) + 1 + bonus
            first_seen.setdefault(name, m.start)
        return max(score, key=lambda name: (score[name], -first_seen[name]))

    def canonical(self, title: str) -> str | None:
        """The canonical role a title stands for, when the whole title names one role."""
        idx = self._index.lookup(title)
        return None if idx is None else self.roles[idx].name


class _NameIndex:
    """Canonical lookup plus first-match scan for dictionaries without a public matcher class."""

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self.entries = list(entries)
        self._index = _PhraseIndex(self.entries)

    def canonical(self, text: str) -> str | None:
        idx = self._index.lookup(text)
        if idx is None:
            matches = self._index.scan(text)
            idx = matches[0].entry if matches else None
        return None if idx is None else self.entries[idx].name


@functools.cache
def _location_index() -> _NameIndex:
    return _NameIndex(load_locations())


@functools.cache
def _industry_index() -> _NameIndex:
    return _NameIndex(load_industries())


def canonical_skill(name: str) -> str | None:
    """Alias -> canonical skill name (``Postgres`` -> ``PostgreSQL``), or None when unknown."""
    return SkillMatcher.default().canonical(name)


def canonical_role(title: str) -> str | None:
    """Job title -> canonical role name (``SWE`` -> ``Software Engineer``), or None."""
    return RoleMatcher.default().canonical(title)


def canonical_location(text: str) -> str | None:
    """A location field or phrase -> canonical location (``СПб`` -> ``Saint Petersburg``; the first one
    named when the text names several, e.g. ``New York, NY``), or None."""
    return _location_index().canonical(text)


def canonical_industry(text: str) -> str | None:
    """An industry phrase -> canonical industry name, or None."""
    return _industry_index().canonical(text)
