"""The phrase index every matcher shares: an Aho-Corasick automaton over normalised aliases.

The automaton (``pyahocorasick``) runs over a normalised copy of the text whose keys are padded with the
separator, so raw hits only occur at whole tokens; hits of stemmed aliases are then verified by regex,
hits of strict aliases by their context rules, and overlaps resolved leftmost-longest. A 20-page resume
takes a few milliseconds. Offsets are mapped back, so spans always point into the caller's text.

Plain aliases with Russian words are also matched by lemma (`lemma_index.py`), which reaches the inflected
forms the suffix rule cannot (``владельцем продукта``); both passes' hits go through the same overlap rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from matchflow.taxonomy.aliases import AliasedEntry, alias_forms, compile_alias
from matchflow.taxonomy.context import HARD_BREAK, strict_ok
from matchflow.taxonomy.lemma_index import LemmaIndex
from matchflow.taxonomy.normalize import OffsetMap, normalize_phrase, tokenize_chars

__all__ = ["Match", "NameIndex", "PhraseIndex"]


@dataclass(frozen=True)
class _Pattern:
    entry: int  # index into the index's entries
    regex: re.Pattern[str] | None  # set for aliases with stemmed Russian words
    strict: str | None  # the exact alias text for strict and list-only aliases
    list_only: bool = False  # "~" aliases: only as a whole list item, in any case
    check_breaks: bool = False  # a multi-token alias: make sure its match spans no list or sentence break


@dataclass(frozen=True)
class Match:
    """One accepted hit: its span in the caller's text and the index of the entry it names."""

    start: int
    end: int
    entry: int


class PhraseIndex:
    """An Aho-Corasick automaton over normalised aliases, with exact-lookup tables for single phrases."""

    def __init__(self, entries: Sequence[AliasedEntry]) -> None:
        self.entries = list(entries)
        self._lookup: dict[str, int] = {}
        self._strict_lookup: dict[str, int] = {}
        table: dict[str, dict[tuple[int, str | None, str | None], _Pattern]] = {}
        self._lemmas = LemmaIndex()
        for idx, entry in enumerate(self.entries):
            for alias, mode in alias_forms(entry.name, entry.aliases):
                # strict and list-only aliases match as written: no Russian stemming
                compiled = compile_alias(alias, stem_words=not mode)
                if compiled is None:
                    continue
                key, regex = compiled
                strict = bool(mode)
                pattern = _Pattern(
                    idx,
                    None if strict else regex,
                    alias if strict else None,
                    list_only=mode == "~",
                    check_breaks=" " in normalize_phrase(alias) and not HARD_BREAK.search(alias + " "),
                )
                sig = (idx, pattern.regex.pattern if pattern.regex else None, pattern.strict)
                table.setdefault(key, {}).setdefault(sig, pattern)
                if strict:
                    self._strict_lookup.setdefault(alias, idx)
                else:
                    self._lookup.setdefault(normalize_phrase(alias), idx)
                    self._lemmas.add(alias, idx, check_breaks=pattern.check_breaks)
        self._automaton = ahocorasick.Automaton()
        for key, patterns in table.items():
            self._automaton.add_word(key, (len(key), tuple(patterns.values())))
        if table:
            self._automaton.make_automaton()
        self._lemmas.build()
        self._empty = not table

    def scan(self, text: str) -> list[Match]:
        """All non-overlapping matches in text order (leftmost-longest), spans in the caller's text."""
        if self._empty or not text:
            return []
        offsets = OffsetMap(tokenize_chars(text))
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
                if p.strict is not None and not strict_ok(text, oa, ob, p.strict, p.list_only):
                    continue
                if p.check_breaks and HARD_BREAK.search(text, oa, ob):
                    continue
                found.append((oa, -ob, p.entry))
        found += self._lemmas.scan(text, offsets)
        found.sort()
        kept: list[Match] = []
        last_end = -1
        for oa, neg_ob, entry in found:
            if oa >= last_end:
                kept.append(Match(oa, -neg_ob, entry))
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


class NameIndex:
    """Canonical lookup plus first-match scan for dictionaries without a public matcher class."""

    def __init__(self, entries: Sequence[AliasedEntry]) -> None:
        self.entries = list(entries)
        self._index = PhraseIndex(self.entries)

    def canonical(self, text: str) -> str | None:
        idx = self._index.lookup(text)
        if idx is None:
            matches = self._index.scan(text)
            idx = matches[0].entry if matches else None
        return None if idx is None else self.entries[idx].name
