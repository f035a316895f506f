"""Where a match may stand: the context rules for strict (``=``) and list-only (``~``) aliases, and the
breaks no multi-word match may span.

These read the caller's original text around a raw hit (case, punctuation, neighbouring words), which
the normalised form has thrown away; the phrase index calls them after the automaton has found a hit.
"""

from __future__ import annotations

import re

from matchflow.taxonomy.normalize import words

__all__ = ["HARD_BREAK", "strict_ok"]

_STRICT_EDGE = frozenset(',;:()[]{}|"*/<>•·●▪■◦►–—')
_LIST_EDGE = frozenset(",;|\n\r•·●▪■◦►")
_STOP_NEXT = words(
    "to the a an ahead back through beyond out over into away live further forward above along about off "
    "around down up"
)
_STOP_PREV = words(
    "vitamin grade class section type plan part level appendix group building block unit phase schedule "
    "form division category tier option model size room floor wing hall row column exhibit figure table "
    "lot zone area hepatitis ward suite step stage item point"
)
_STOP_NEXT_LETTER = words(
    "level levels class department grade section block wing building ward suite shift corp company "
    "student students"
)
_WORD_AT = re.compile(r"[^\W\d_]+")
_TOKEN_AT = re.compile(r"[\w+#.]*[\w+#]")
_TOKEN_BEFORE = re.compile(r"[\w+#.]*[\w+#]$")
# A multi-word match may span spaces, hyphens, slashes and line breaks, never a list or sentence break.
HARD_BREAK = re.compile(r"[,;|•!?()\[\]]|[.:]\s")


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


def strict_ok(text: str, start: int, end: int, alias: str, list_only: bool = False) -> bool:
    """Whether a raw hit of a strict (or, with `list_only`, a list-only) alias at text[start:end] counts."""
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
