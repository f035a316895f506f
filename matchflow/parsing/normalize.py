"""Text normalisation shared by parsing (clean output) and dedup (content hash).

Two renderings of the same resume (PDF vs DOCX, different fonts, curly vs straight
quotes, NBSP vs space) must normalise to the same string, so the content hash
matches. ``normalize_text`` is idempotent: normalising twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

# Dashes and minus signs -> "-"; quotes -> ' or ".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"), "-")
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
}
_BULLETS = dict.fromkeys(
    map(ord, "\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u00b7\uf0b7\uf0a7\uf076\uf0d8"), "-"
)
_TRANSLATE = {**_BULLETS, **_DASHES, **_QUOTES}

_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace except newline
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Return ``text`` in a canonical form: NFKC, one kind of dash/quote/bullet, no control chars.

    Line breaks are kept (single blank lines too) because section detection needs
    them; runs of spaces/tabs collapse to one space and lines are stripped.
    Never raises for any ``str`` input.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Vertical tab / form feed / line & paragraph separators are line breaks.
    text = re.sub(r"[\v\f\u2028\u2029\x85]", "\n", text)
    text = text.translate(_TRANSLATE)
    text = "".join(ch for ch in text if ch in "\n\t" or not _is_dropped(ch))
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    # NFKC of the replacements above is stable, but re-normalise to be safe for idempotence.
    return unicodedata.normalize("NFKC", text)


def _is_dropped(ch: str) -> bool:
    """Control, format (zero-width, soft hyphen, BOM), surrogate, private-use and unassigned characters."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}
