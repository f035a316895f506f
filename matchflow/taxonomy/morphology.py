"""Russian lemmas (pymorphy3 with its OpenCorpora dictionary) for the forms the suffix rule cannot reach.

`stemming.py` cuts one ending and so misses every form whose stem changes: fleeting vowels (``владелец`` ->
``владельцем``, ``разработка`` -> ``разработок``, ``рынок`` -> ``рынка``), suppletion (``ребенок`` ->
``детьми``) and words too short to cut (``код`` -> ``кода``). A dictionary lemma reaches them all.

Only nominal readings count (nouns, adjectives, participles as adjectives): aliases are noun phrases, and a
verb's lemma would join ``ведет`` to ``ведущий``. A participle's lemma is its own masculine nominative
(``встраиваемых`` -> ``встраиваемый``), not pymorphy's infinitive, for the same reason. Every word is analysed
once per process (an LRU cache), so a text costs a dictionary lookup per token after the first few documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from typing import Any

__all__ = ["alias_lemma", "is_abbreviation", "is_cyrillic", "readings", "text_lemma"]

_CYRILLIC_WORD = re.compile(r"[а-яё]+")
_NOT_NOMINAL = frozenset({"VERB", "INFN", "GRND", "PRTS"})
_PARTICIPLE_LEMMA = frozenset({"sing", "masc", "nomn"})


@functools.cache
def _analyzer() -> Any:
    import pymorphy3  # loaded on first use: ~0.1 s and ~15 MB, only for texts with Russian words

    return pymorphy3.MorphAnalyzer(lang="ru")


def is_abbreviation(written: str) -> bool:
    """A word as written with a capital after its first letter (``МИС``, ``СУБД``, ``МиСУ``): an abbreviation,
    which pymorphy would read as an unknown word with a guessed ending (``МиСУ`` as a case of ``МИС``)."""
    return any(ch.isupper() for ch in written[1:])


def is_cyrillic(word: str) -> bool:
    """A lowercase, purely Cyrillic token (mixed tokens such as ``1с`` or ``c++`` are not lemmatised)."""
    return _CYRILLIC_WORD.fullmatch(word) is not None


@functools.lru_cache(maxsize=200_000)
def readings(word: str) -> tuple[str, ...]:
    """The nominal lemmas of a lowercase Cyrillic word, likeliest first, ``ё`` as ``е``; () when it has none."""
    found: list[str] = []
    for parse in _analyzer().parse(word):
        pos = parse.tag.POS
        if pos in _NOT_NOMINAL:
            continue
        if pos == "PRTF":
            inflected = parse.inflect(_PARTICIPLE_LEMMA)
            lemma = inflected.word if inflected is not None else word
        else:
            lemma = parse.normal_form
        lemma = lemma.replace("ё", "е")
        if lemma not in found:
            found.append(lemma)
    return tuple(found)


def alias_lemma(word: str) -> str:
    """An alias word's lemma: the word itself when it is already a dictionary form, else its likeliest lemma.

    Aliases are written in the nominative, so ``аналитика`` (analytics) stays itself rather than becoming
    ``аналитик`` (analyst), the likelier reading of that spelling in running text.
    """
    if not is_cyrillic(word):
        return word
    found = readings(word)
    return word if not found or word in found else found[0]


def text_lemma(word: str, known: Collection[str]) -> str:
    """A text token's lemma: its likeliest reading among the `known` alias lemmas, else the token itself.

    Preferring a reading the dictionary knows resolves ambiguous forms towards a match (``базами``: ``база`` or
    ``баз``), as the suffix rule does for any form that happens to share a stem.
    """
    if not is_cyrillic(word):
        return word
    return next((lemma for lemma in readings(word) if lemma in known), word)
