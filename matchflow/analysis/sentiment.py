"""Sentiment of free-text answers (motivation, cover letter), English and Russian.

CPU implementation: a lexicon approach in the spirit of VADER, deterministic and dependency-light
(only the Snowball stemmer, so Russian inflections match). Each sentiment word from
`lexicon.py` contributes ±1 (±2 for strong words); a negator ("not", "never", "не", "без") up to
three words before it flips and damps it (the first such word only); an intensifier ("very",
"очень") multiplies it by 1.5, a softener ("slightly", "немного") by 0.5; after "but"/"но" words
count 1.5x and before it 0.5x.
The sum s is squashed to [-1, 1] as s / sqrt(s² + 15), VADER's normalisation.

A model-based analyzer (a multilingual sentiment classifier on the GPU pool) can replace this
behind the same `Analyzer` interface; this one is the always-available default.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Literal

import snowballstemmer
from pydantic import BaseModel

from matchflow.analysis import lexicon
from matchflow.scoring import SENTIMENT_NEGATIVE_THRESHOLD, SENTIMENT_POSITIVE_THRESHOLD

IMPLEMENTATION = "cpu-lexicon"
NEGATION_WINDOW = 3  # words a negator reaches forward
NEGATION_FACTOR = -0.75  # "not good" is less negative than "bad" is
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
NORMALISATION_ALPHA = 15.0
MIN_STEM_LENGTH = 4  # shorter stems ("рад" from "ради") match by exact form only

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|[.!?;:,()\n]")
_CLAUSE_END = frozenset(".!?;:()\n")


class Sentiment(BaseModel):
    label: Literal["positive", "neutral", "negative"]
    score: float  # -1 (negative) .. 1 (positive)
    language: str  # ISO 639-1 of the text: en | ru
    hits: int = 0  # sentiment words found; 0 means "no signal", hence neutral
    implementation: str = IMPLEMENTATION


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def text_language(text: str) -> str:
    """"ru" when Cyrillic letters outnumber Latin ones, else "en".

    Unlike parsing.language (documents, with a 20-letter minimum) this also decides short
    answers such as "Очень рад!".
    """
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ru" if cyrillic > latin else "en"


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("russian" if language == "ru" else "english")


def _normal(word: str) -> str:
    return word.casefold().replace("ё", "е").replace("'", "")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, dict[str, float]], dict[str, set[str]]]:
    """Exact-form valences, per-language stem valences, and stems listed with both signs (dropped)."""
    exact: dict[str, float] = {}
    stems: dict[str, dict[str, float]] = {"en": {}, "ru": {}}
    conflicts: dict[str, set[str]] = {"en": set(), "ru": set()}
    groups = [
        ("en", lexicon.EN_POSITIVE_STRONG, 2.0), ("en", lexicon.EN_POSITIVE, 1.0),
        ("en", lexicon.EN_NEGATIVE_STRONG, -2.0), ("en", lexicon.EN_NEGATIVE, -1.0),
        ("ru", lexicon.RU_POSITIVE_STRONG, 2.0), ("ru", lexicon.RU_POSITIVE, 1.0),
        ("ru", lexicon.RU_NEGATIVE_STRONG, -2.0), ("ru", lexicon.RU_NEGATIVE, -1.0),
    ]
    for language, words, valence in groups:
        for raw in words.split():
            word = _normal(raw)
            exact.setdefault(word, valence)
            stem = _stemmer(language).stemWord(word)
            if len(stem) < MIN_STEM_LENGTH:
                continue
            known = stems[language].get(stem)
            if known is not None and (known > 0) != (valence > 0):
                conflicts[language].add(stem)
            elif known is None or abs(valence) > abs(known):
                stems[language][stem] = valence
    for language, clashing in conflicts.items():
        for stem in clashing:
            stems[language].pop(stem, None)
    return exact, stems, conflicts


def lexicon_conflicts() -> dict[str, set[str]]:
    """Stems that the lexicon lists as both positive and negative (they match by exact form only)."""
    return _tables()[2]


def word_valence(word: str) -> float:
    """The lexicon valence of one word (any inflection), 0 for words with no sentiment."""
    form = _normal(word)
    if form in lexicon.IGNORED_FORMS:
        return 0.0
    exact, stems, _ = _tables()
    if form in exact:
        return exact[form]
    language = "ru" if _is_cyrillic(form) else "en"
    return stems[language].get(_stemmer(language).stemWord(form), 0.0)


def analyze_sentiment(text: str, language: str | None = None) -> Sentiment:
    """Label a free-text answer positive, neutral or negative, with a score in [-1, 1].

    `language` (en | ru) is reported as given; when None it is read from the script. Both
    lexicons always apply, so a Russian answer with English words is scored in full.
    """
    tokens = [t.replace("’", "'") for t in _TOKEN.findall(text.replace("’", "'"))]
    contributions: list[float] = []
    contrast_at: int | None = None  # index into contributions where the last "but" clause begins
    negate_until = -1
    boost = 1.0
    for index, token in enumerate(tokens):
        if token in _CLAUSE_END or token == ",":
            negate_until, boost = -1, 1.0
            continue
        form = _normal(token)
        if token.casefold() in lexicon.CONTRAST_WORDS:
            contrast_at = len(contributions)
            negate_until, boost = -1, 1.0
            continue
        if form in lexicon.EN_NEGATORS or form in lexicon.RU_NEGATORS or token.casefold().endswith("n't"):
            negate_until = index + NEGATION_WINDOW
            continue
        if form in lexicon.INTENSIFIERS:
            boost *= lexicon.INTENSIFIERS[form]
            continue
        valence = word_valence(token)
        if valence == 0.0:
            continue
        value = valence * boost
        if index <= negate_until:
            value *= NEGATION_FACTOR
            negate_until = -1  # a negator binds to the first sentiment word after it
        contributions.append(value)
        boost = 1.0
    if contrast_at is not None:
        contributions = [
            v * (CONTRAST_BEFORE if i < contrast_at else CONTRAST_AFTER) for i, v in enumerate(contributions)
        ]
    total = sum(contributions)
    score = total / math.sqrt(total * total + NORMALISATION_ALPHA) if contributions else 0.0
    if score >= SENTIMENT_POSITIVE_THRESHOLD:
        label = "positive"
    elif score <= SENTIMENT_NEGATIVE_THRESHOLD:
        label = "negative"
    else:
        label = "neutral"
    return Sentiment(
        label=label, score=round(score, 4), language=language or text_language(text), hits=len(contributions),
    )


class SentimentAnalyzer:
    """The `Analyzer` wrapper: name "sentiment", the lexicon implementation."""

    name = "sentiment"
    implementation = IMPLEMENTATION

    def analyze(self, text: str, language: str | None = None) -> Sentiment:
        return analyze_sentiment(text, language)
