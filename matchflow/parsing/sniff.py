"""Decide what a file is from its bytes (magic numbers), never from its name.

A resume called ``cv.pdf`` may be a Word file, a Word file may be RTF, and an
upload may be a photo: the filename is only ever used in messages.
"""

from __future__ import annotations

import io
import zipfile

import filetype

PDF = "pdf"
DOCX = "docx"
DOC = "doc"
TEXT = "text"  # txt / md / html: decided by the text parser once decoded

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class UnsupportedKind(Exception):
    """The bytes are a known format we do not read (e.g. an image or RTF); carries a human label."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


def sniff_type(data: bytes) -> str:
    """Return one of pdf | docx | doc | text, or raise UnsupportedKind with what the bytes look like.

    PDF headers may be preceded by junk (up to 1 KiB is tolerated by readers), so
    ``%PDF-`` is searched in the first KiB, not only at offset 0.
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(_OLE2_MAGIC):
        return DOC  # the .doc parser checks for a WordDocument stream
    if data.startswith(_ZIP_MAGIC):
        if _zip_has_word_document(data):
            return DOCX
        raise UnsupportedKind(_zip_label(data))
    if data.lstrip()[:5].lower() == b"{\\rtf":
        raise UnsupportedKind("an RTF document")
    guess = filetype.guess(data[:8192])
    if guess is not None and guess.mime not in {"text/plain"}:
        raise UnsupportedKind(f"a {guess.extension.upper()} file ({guess.mime})")
    return TEXT


def _zip_has_word_document(data: bytes) -> bool:
    """A zip is a DOCX only if it holds word/document.xml (reads the central directory only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # A damaged zip cannot be classified further; the DOCX parser reports it as corrupt.
        return b"word/document.xml" in data[:65536] or b"word/" in data[:4096]


def _zip_label(data: bytes) -> str:
    """Name the zip-based format for the recruiter: spreadsheet, presentation, or plain archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "a damaged ZIP archive"
    if any(n.startswith("xl/") for n in names):
        return "an Excel spreadsheet"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    if "mimetype" in names:
        return "an OpenDocument file"
    return "a ZIP archive"
