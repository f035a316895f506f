"""PDF to text with pdfminer.six: page by page, layout analysis tuned for multi-column resumes,
and repeated header/footer lines removed.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage, LTTextContainer
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from matchflow.domain import DocumentError, FailureReason

MAX_PAGES = 60  # a resume or job post longer than this is read in part, with a warning

# boxes_flow 0.5 (pdfminer's default) weighs horizontal position enough to read a left column
# fully before the right one; a slightly larger line_margin keeps a column's lines in one box;
# all_texts also reads text drawn inside figures (common in designer templates).
LAYOUT = LAParams(line_margin=0.6, char_margin=2.0, word_margin=0.1, boxes_flow=0.5, all_texts=True)

_PAGE_NUMBER = re.compile(r"^(?:page|стр\.?|страница)?\s*\d{1,3}\s*(?:(?:of|/|из)\s*\d{1,3})?$", re.I)
_EDGE_LINES = 3  # how many lines at the top and bottom of a page count as header/footer
_REPEAT_SHARE = 0.6  # a line counts as a running header/footer when on this share of pages (and >= 2)

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer warns per glyph on odd fonts


def parse_pdf(data: bytes) -> tuple[str, int, list[str]]:
    """Return (text, page_count, warnings) for a PDF, or raise DocumentError (ENCRYPTED/CORRUPT)."""
    warnings: list[str] = []
    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser, password="")
    except PDFPasswordIncorrect as exc:
        raise DocumentError(
            FailureReason.ENCRYPTED,
            "The PDF is password-protected. Ask the candidate for a copy without a password.",
        ) from exc
    except PDFEncryptionError as exc:
        raise DocumentError(
            FailureReason.ENCRYPTED,
            "The PDF uses an encryption we cannot open. Ask for an unprotected copy.",
        ) from exc
    pages: list[list[str]] = []
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAYOUT)
    interpreter = PDFPageInterpreter(manager, device)
    page_count = 0
    for page in PDFPage.create_pages(document):
        page_count += 1
        if page_count > MAX_PAGES:
            continue  # keep counting pages, stop reading them
        interpreter.process_page(page)
        pages.append(_page_lines(device.get_result()))
    if page_count > MAX_PAGES:
        warnings.append(f"only the first {MAX_PAGES} of {page_count} pages were read")
    if not data.rstrip().endswith(b"%%EOF") and b"%%EOF" not in data[-2048:]:
        warnings.append("the PDF looks truncated (no end-of-file marker)")
    pages = strip_running_lines(pages)
    text = "\n\n".join("\n".join(lines) for lines in pages)
    return text, page_count, warnings


def _page_lines(layout: LTPage) -> list[str]:
    """Text lines of one page in pdfminer's reading order."""
    chunks = [element.get_text() for element in _text_containers(layout)]
    return [line.rstrip() for line in "".join(chunks).splitlines()]


def _text_containers(layout: LTPage) -> list[LTTextContainer]:
    found: list[LTTextContainer] = []
    stack = list(reversed(list(layout)))
    while stack:  # iterative: figures can nest deeply
        element = stack.pop()
        if isinstance(element, LTTextContainer):
            found.append(element)
        elif hasattr(element, "__iter__"):
            stack.extend(reversed(list(element)))
    return found


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and header/footer lines repeated on most pages (kept once, on their first page).

    Lines are compared with the page's own number masked, so "Page 2 of 5" and "Jane Doe - 2"
    repeat too, while body lines that differ only in other numbers do not.
    """

    def key(line: str, page_no: int) -> str:
        return re.sub(rf"(?<!\d){page_no}(?!\d)", "#", " ".join(line.split()).casefold())

    def edges(lines: list[str]) -> set[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])

    counts: Counter[str] = Counter()
    for page_no, lines in enumerate(pages, start=1):
        counts.update({key(lines[i], page_no) for i in edges(lines)})
    threshold = max(2, _REPEAT_SHARE * len(pages))
    running = {k for k, n in counts.items() if n >= threshold and k}
    seen: set[str] = set()
    cleaned: list[list[str]] = []
    for page_no, lines in enumerate(pages, start=1):
        edge = edges(lines)
        kept = []
        for i, line in enumerate(lines):
            if i in edge and _PAGE_NUMBER.match(line.strip()):
                continue
            k = key(line, page_no)
            if i in edge and k in running:
                if k in seen:
                    continue
                seen.add(k)
            kept.append(line)
        cleaned.append(kept)
    return cleaned
