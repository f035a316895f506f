"""Plain text, Markdown and HTML: decode the bytes (BOM, then strict UTF-8, then charset-normalizer),
then tell txt / md / html apart from the content.
"""

from __future__ import annotations

import codecs
import re
from functools import partial
from html.parser import HTMLParser

from charset_normalizer import from_bytes

from matchflow.domain import DocumentError, FailureReason

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MD_MARK = re.compile(r"^(#{1,6}\s+\S|[-*+]\s+\S.*|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\))", re.M)
_HTML_MARK = re.compile(rb"^\s*(<!doctype html|<html|<body|<div|<p>)", re.I)
_MAX_CONTROL_SHARE = 0.05
# Legacy encodings of the Cyrillic and Western/Central European text our users send, tried first.
CYRILLIC_ENCODINGS = ("cp1251", "koi8_r", "iso8859_5", "cp866")
CYRILLIC_PROSE_SHARE = 0.6  # of non-ASCII characters lowercase Cyrillic: Russian prose (correct readings ~0.9)
USUAL_ENCODINGS = ["cp1251", "koi8_r", "cp866", "iso8859_5", "cp1252", "iso8859_15", "latin_1",
                   "cp1250", "iso8859_2"]


def decode_text(data: bytes) -> str:
    """Decode text bytes of unknown encoding; raises UNSUPPORTED_TYPE when they are not text.

    Order matters: a BOM is authoritative; strict UTF-8 almost never succeeds by
    accident on other encodings; only then is the encoding guessed (cp1251 Russian, ...).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise _not_text() from exc
    if b"\x00" in data[:4096]:
        raise _not_text()  # NUL bytes without a UTF-16/32 BOM: a binary file
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    best = from_bytes(sample, cp_isolation=None).best()
    # Short Russian texts in cp1251 or KOI8-R can read as cleanly in Greek or CJK code pages and win on
    # language statistics: our users' usual encodings win whenever they read the bytes as cleanly and either
    # with a language, or when the other reading has none, or when a Cyrillic reading is lowercase prose.
    usual = from_bytes(sample, cp_isolation=USUAL_ENCODINGS).best()
    if usual is not None and (best is None or (usual.chaos <= best.chaos + 0.02 and (
            usual.coherence > 0 or best.coherence == 0
            or max(map(partial(_lowercase_cyrillic_share, sample), CYRILLIC_ENCODINGS)) >= CYRILLIC_PROSE_SHARE))):
        best = usual
    if best is None:
        raise _not_text()
    return _checked(data.decode(_cyrillic_case_check(sample, best.encoding), errors="replace"))


def _lowercase_cyrillic_share(data: bytes, encoding: str) -> float:
    """Share of lowercase Cyrillic letters among the non-ASCII characters of `data` read in `encoding`."""
    wide = [ch for ch in data.decode(encoding, errors="replace") if ord(ch) > 127]
    return sum("\u0400" <= ch <= "\u04ff" and ch.islower() for ch in wide) / len(wide) if wide else 0.0


def _cyrillic_case_check(data: bytes, encoding: str) -> str:
    """The Cyrillic code pages read each other's bytes as Cyrillic with the case scrambled (cp1251 and KOI8-R
    swap it outright): prose is mostly lowercase letters, so the reading with the most wins; a tie keeps the
    detected encoding, then cp1251, the commoner."""
    if encoding not in CYRILLIC_ENCODINGS:
        return encoding
    return max(CYRILLIC_ENCODINGS, key=lambda c: (_lowercase_cyrillic_share(data, c), c == encoding, c == "cp1251"))


def _checked(text: str) -> str:
    """Reject decodings full of control characters (binary noise that happened to decode)."""
    sample = text[:20_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise _not_text()
    return text


def _not_text() -> DocumentError:
    return DocumentError(
        FailureReason.UNSUPPORTED_TYPE,
        "The file is not a document we can read (not PDF, Word or text). Please upload PDF, DOCX or DOC.",
    )


def text_kind(data: bytes, text: str) -> str:
    """Return "html", "md" or "txt" from the content (the filename is not trusted)."""
    if _HTML_MARK.match(data[:512]) or _HTML_MARK.match(text[:512].encode("utf-8", "ignore")):
        return "html"
    return "md" if len(_MD_MARK.findall(text[:50_000])) >= 2 else "txt"


class _HTMLText(HTMLParser):
    """Visible text of an HTML page, with block elements as line breaks."""

    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"}:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML document (stdlib parser: tolerant of broken markup)."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def markdown_to_text(md: str) -> str:
    """Drop Markdown markup that would pollute skills and headings: #, emphasis, link targets."""
    md = re.sub(r"^#{1,6}\s+", "", md, flags=re.M)
    md = re.sub(r"!?\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", md)
    md = re.sub(r"(\*\*|__)(.+?)\1", r"\2", md)
    return md
