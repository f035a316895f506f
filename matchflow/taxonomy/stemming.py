"""Russian inflection for aliases: a cheap suffix rule, so one alias finds its case forms.

Each Cyrillic word of 4+ letters is cut to a stem (its longest inflectional ending removed, keeping 3+
letters) and matches that stem plus any one ending; a word with nothing to cut is a masculine noun and
takes only noun endings. Not a full stemmer: derived words need their own alias.
"""

from __future__ import annotations

import re

from matchflow.taxonomy.normalize import words

__all__ = ["is_stemmable", "stem", "stemmed_rx"]

_CYRILLIC_WORD = re.compile(r"[а-я]+")

# Russian inflectional endings (nouns and adjectives), longest first so stripping takes the longest.
_RU_ENDINGS = tuple(
    sorted(
        words(
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
_RU_CONSONANT_ENDINGS = tuple(sorted(words("а у ом ем е ы и ов ев ам ами ах ей"), key=len, reverse=True))
_RU_CONSONANT_ENDING_RX = "(?:" + "|".join(_RU_CONSONANT_ENDINGS) + ")?"
_MIN_STEM = 3
_MIN_STEMMED_WORD = 4


def stem(word: str) -> str:
    """The word without its longest inflectional ending (the word itself when nothing can be cut)."""
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def is_stemmable(word: str) -> bool:
    """A normalised (lowercase) Cyrillic word long enough to inflect."""
    return len(word) >= _MIN_STEMMED_WORD and _CYRILLIC_WORD.fullmatch(word) is not None


def stemmed_rx(word: str) -> str:
    """The regex for one stemmable Cyrillic word: its stem and one inflectional ending."""
    stemmed = stem(word)
    return re.escape(stemmed) + (_RU_CONSONANT_ENDING_RX if stemmed == word else _RU_ENDING_RX)
