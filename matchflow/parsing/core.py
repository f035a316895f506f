"""``parse_document``: bytes in, ParsedDocument out, or one DocumentError with a reason.

Error map (every failure is a DocumentError; nothing else escapes):

    TOO_LARGE         over max_bytes (checked before anything is read)
    UNSUPPORTED_TYPE  not PDF / DOCX / DOC / text (images, spreadsheets, RTF, binary noise)
    ENCRYPTED         password-protected PDF, DOC or DOCX
    ARCHIVE_BOMB      DOCX whose zip expands implausibly (checked before decompressing)
    NO_TEXT           empty, or no text layer (a scan: OCR is needed)
    CORRUPT           damaged or truncated files, and any unexpected parser exception
    TIMEOUT           only from parse_document_bounded (see bounded.py)
"""

from __future__ import annotations

from matchflow.domain import DocumentError, DocumentKind, FailureReason, ParsedDocument
from matchflow.parsing import sniff
from matchflow.parsing.doc import parse_doc
from matchflow.parsing.docx import parse_docx
from matchflow.parsing.language import detect_language
from matchflow.parsing.normalize import normalize_text
from matchflow.parsing.pdf import parse_pdf
from matchflow.parsing.sections import split_sections
from matchflow.parsing.text import decode_text, html_to_text, markdown_to_text, text_kind

DEFAULT_MAX_BYTES = 20_000_000
MIN_TEXT_CHARS = 20  # fewer letters than this is "no text" (a scan with a stray OCR-less caption)

_LABELS = {"pdf": "PDF", "docx": "Word (.docx)", "doc": "Word 97-2003 (.doc)"}


def parse_document(
    data: bytes,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    kind: DocumentKind = DocumentKind.RESUME,
) -> ParsedDocument:
    """Parse a resume or job document of any supported type, sniffed from its bytes.

    ``filename`` is used only in messages; ``kind`` picks the section vocabulary.
    Raises DocumentError (see the module's error map) and nothing else.
    """
    try:
        return _parse(data, filename=filename, max_bytes=max_bytes, kind=kind)
    except DocumentError:
        raise
    except MemoryError as exc:
        raise DocumentError(FailureReason.TOO_LARGE, "The document needs too much memory to read.") from exc
    except RecursionError as exc:
        raise DocumentError(
            FailureReason.CORRUPT,
            "The document's structure is nested too deeply to read (damaged or hostile).",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a parser bug or odd file must become a per-document failure
        if "memory" in str(exc).casefold():  # lxml reports a failed allocation as a syntax error
            raise DocumentError(
                FailureReason.TOO_LARGE, "The document needs too much memory to read."
            ) from exc
        raise DocumentError(
            FailureReason.CORRUPT,
            f"The document is damaged or malformed and could not be read ({type(exc).__name__}).",
        ) from exc


def _parse(data: bytes, *, filename: str | None, max_bytes: int, kind: DocumentKind) -> ParsedDocument:
    name = f" '{filename}'" if filename else ""
    check_size(data, filename=filename, max_bytes=max_bytes)
    if not data.strip():
        raise DocumentError(FailureReason.NO_TEXT, f"The file{name} is empty.")
    try:
        doc_type = sniff.sniff_type(data)
    except sniff.UnsupportedKind as exc:
        raise DocumentError(
            FailureReason.UNSUPPORTED_TYPE,
            f"The file{name} is {exc.label}, not a resume document. Please upload PDF, DOCX or DOC.",
        ) from exc
    page_count: int | None = None
    warnings: list[str] = []
    if doc_type == sniff.PDF:
        raw, page_count, warnings = parse_pdf(data)
    elif doc_type == sniff.DOCX:
        raw, warnings = parse_docx(data)
    elif doc_type == sniff.DOC:
        raw = parse_doc(data)
    else:
        raw = decode_text(data)
        doc_type = text_kind(data, raw)
        if doc_type == "html":
            raw = html_to_text(raw)
        elif doc_type == "md":
            raw = markdown_to_text(raw)
    text = normalize_text(raw)
    if sum(ch.isalpha() for ch in text) < MIN_TEXT_CHARS:
        raise DocumentError(FailureReason.NO_TEXT, _no_text_message(doc_type, name))
    return ParsedDocument(
        text=text,
        doc_type=doc_type,
        language=detect_language(text),
        sections=split_sections(text, kind),
        page_count=page_count,
        warnings=warnings,
    )


def check_size(data: bytes, *, filename: str | None, max_bytes: int) -> None:
    """Raise TOO_LARGE before any parsing (also used by the bounded runner before it ships bytes)."""
    if len(data) > max_bytes:
        name = f" '{filename}'" if filename else ""
        raise DocumentError(
            FailureReason.TOO_LARGE,
            f"The file{name} is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
        )


def _no_text_message(doc_type: str, name: str) -> str:
    if doc_type == "pdf":
        return (
            f"The PDF{name} has no text layer: it looks scanned or made of images. "
            "OCR is needed, or ask the candidate for a text-based PDF or DOCX."
        )
    label = _LABELS.get(doc_type, "text")
    return f"The {label} file{name} contains no readable text."
