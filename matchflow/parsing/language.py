"""Document language by script: the share of Cyrillic among all letters.

Why not a language-identification model: the pipeline only needs ru vs en to pick
heading vocabularies, phone regions and the embedding model, and Russian IT resumes
are full of Latin tech words (Python, SQL), which confuses n-gram detectors on
short texts. A letter-ratio rule is predictable and documented here:

    ru  when Cyrillic letters are at least 20% of all letters
    en  otherwise, and for texts with fewer than 20 letters
"""

from __future__ import annotations

CYRILLIC_SHARE_FOR_RU = 0.20
MIN_LETTERS = 20


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code, "ru" or "en", from the Cyrillic-vs-Latin letter ratio."""
    cyrillic = latin = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
            latin += 1
    letters = cyrillic + latin
    if letters < MIN_LETTERS:
        return "en"
    return "ru" if cyrillic / letters >= CYRILLIC_SHARE_FOR_RU else "en"
