"""The lemma pass of the phrase index: plain aliases with Russian words, matched lemma by lemma.

A second Aho-Corasick automaton whose keys are aliases with each Cyrillic word replaced by its lemma
(`morphology.py`), run over the text with each Cyrillic token replaced likewise. It adds what the suffix rule
misses (``владельцем продукта``, ``разработок``, ``кода``) and leaves English alone: Latin tokens stay as
written on both sides, and an alias without a Cyrillic word is not in this automaton at all. Hits come back
as spans in the caller's text, for `PhraseIndex` to merge with its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

import ahocorasick

from matchflow.taxonomy.aliases import lemma_key
from matchflow.taxonomy.context import HARD_BREAK
from matchflow.taxonomy.morphology import is_abbreviation, is_cyrillic, text_lemma
from matchflow.taxonomy.normalize import OffsetMap

__all__ = ["LemmaIndex"]

_MEMO_LIMIT = 200_000  # tokens memoised per index before the memo starts over
_HAS_CYRILLIC = re.compile(r"[а-яё]")


class LemmaIndex:
    """Aliases in lemma form -> (entry, whether the match must not span a break); `build` before `scan`."""

    def __init__(self) -> None:
        self._table: dict[str, dict[tuple[int, bool], None]] = {}
        self._known: set[str] = set()  # the Cyrillic lemmas the aliases use: what a text token may become
        self._automaton: ahocorasick.Automaton | None = None
        self._memo: dict[str, str] = {}  # text token -> its lemma here

    def add(self, alias: str, entry: int, *, check_breaks: bool) -> None:
        key = lemma_key(alias)
        if key is None:
            return
        self._table.setdefault(key, {})[(entry, check_breaks)] = None
        self._known.update(word for word in key.split() if is_cyrillic(word))

    def build(self) -> None:
        if not self._table:
            return
        self._automaton = ahocorasick.Automaton()
        for key, patterns in self._table.items():
            self._automaton.add_word(key, (len(key), tuple(patterns)))
        self._automaton.make_automaton()

    def _lemma(self, word: str) -> str:
        """The token's lemma for this index, memoised: after the first documents a dict lookup per token."""
        lemma = self._memo.get(word)
        if lemma is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            lemma = self._memo[word] = text_lemma(word, self._known)
        return lemma

    def scan(self, text: str, offsets: OffsetMap) -> list[tuple[int, int, int]]:
        """(start, -end, entry) of every lemma hit, spans in `text` (the form PhraseIndex sorts)."""
        collapsed = offsets.collapsed
        if self._automaton is None or not _HAS_CYRILLIC.search(collapsed):
            return []
        words = collapsed.split(" ")  # single spaces; "" at the ends when the text starts or ends with one
        lemmas = [self._lemma(word) for word in words]
        hits = list(self._automaton.iter(" " + " ".join(lemmas) + " "))
        if not hits:
            return []
        # token i starts at word_starts[i] in `collapsed` and at lemma_starts[i] + 1 in the padded lemma text
        word_starts = [0, *accumulate(len(word) + 1 for word in words)]
        lemma_starts = [0, *accumulate(len(lemma) + 1 for lemma in lemmas)]
        original = offsets.original
        found: list[tuple[int, int, int]] = []
        for end, (key_len, patterns) in hits:
            first = bisect_left(lemma_starts, end - key_len + 1)
            last = bisect_left(lemma_starts, end) - 1
            if any(lemmas[i] != words[i] and self._abbreviation(text, offsets, word_starts[i], words[i])
                   for i in range(first, last + 1)):
                continue  # "МиСУ" is not a case of "МИС"
            oa = original(word_starts[first])
            ob = original(word_starts[last] + len(words[last]) - 1) + 1
            for entry, check_breaks in patterns:
                if check_breaks and HARD_BREAK.search(text, oa, ob):
                    continue
                found.append((oa, -ob, entry))
        return found

    @staticmethod
    def _abbreviation(text: str, offsets: OffsetMap, start: int, word: str) -> bool:
        """Whether the token at `start` in the collapsed text is written as an abbreviation in `text`."""
        oa = offsets.original(start)
        return is_abbreviation(text[oa:offsets.original(start + len(word) - 1) + 1])
