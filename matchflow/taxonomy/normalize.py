"""The matching form of text: lowercase tokens, everything else a separator, with offsets kept.

Every matcher scans this form, and spans must point into the caller's text, so normalisation keeps the
length (one character in, one out) until whitespace runs collapse, and `OffsetMap` maps positions in the
collapsed text back.
"""

from __future__ import annotations

import bisect
import re

__all__ = ["OffsetMap", "lower", "normalize_phrase", "tokenize_chars", "words"]

_NON_TOKEN = re.compile(r"[^\w+#&.]")  # becomes a separator
_LONE_DOT = re.compile(r"\.(?!\w)")  # a dot that does not lead into a word char ends the token
_MOJIBAKE_NBSP = re.compile(r"â(?=\s)")  # "Â\xa0" (a UTF-8 NBSP read as Latin-1), lowercased
_SPACE_RUN = re.compile(r" {2,}")


def words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string (how the rule tables are spelled)."""
    return frozenset(text.split())


def lower(text: str) -> str:
    """Lowercase with ``ё`` read as ``е``, keeping the length."""
    low = text.lower()
    if len(low) != len(text):  # a few characters ("İ") lower to two; keep those as they are
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.replace("ё", "е")


def tokenize_chars(text: str) -> str:
    """Lowercase and turn every non-token character into a space, keeping the length."""
    low = lower(text)
    if "â" in low:
        low = _MOJIBAKE_NBSP.sub(" ", low)
    low = _NON_TOKEN.sub(" ", low)
    return _LONE_DOT.sub(" ", low)


def normalize_phrase(text: str) -> str:
    """The matching form of a phrase: lowercase tokens separated by single spaces (used for lookups)."""
    return _SPACE_RUN.sub(" ", tokenize_chars(text)).strip()


class OffsetMap:
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
