"""DOCX to text with python-docx: headers, body (paragraphs and tables in reading order,
text boxes included), footers. The zip is checked for bombs before anything is decompressed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from matchflow.domain import DocumentError, FailureReason

MAX_MEMBERS = 5_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # 200 MiB: far above any real resume with photos
MAX_RATIO = 100  # uncompressed/compressed; XML compresses ~5-20x, a bomb 1000x
RATIO_CHECK_FROM = 10 * 1024 * 1024  # only large members are judged by ratio
MAX_TABLE_DEPTH = 5

_TXBX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def check_zip(data: bytes) -> None:
    """Reject archive bombs from the zip's central directory, before decompressing a byte.

    zipfile caps what it inflates at each member's declared size, so declared sizes
    are a safe bound on memory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(
            FailureReason.CORRUPT, "The Word (.docx) file is damaged and cannot be opened."
        ) from exc
    bomb = DocumentError(
        FailureReason.ARCHIVE_BOMB,
        "The Word (.docx) file expands to an implausible size (a 'zip bomb'); it was not opened.",
    )
    if len(infos) > MAX_MEMBERS:
        raise bomb
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise bomb
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise bomb


def parse_docx(data: bytes) -> tuple[str, list[str]]:
    """Return (text, warnings) for a DOCX; raises DocumentError for bombs and damaged files."""
    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError(
            FailureReason.CORRUPT, "The Word (.docx) file is damaged and cannot be opened."
        ) from exc
    blocks: list[str] = []
    seen_parts: dict[int, object] = {}
    for section in document.sections:
        for part in (section.first_page_header, section.header):
            blocks.extend(_part_text(part, seen_parts))
    blocks.extend(_blocks(document))
    for section in document.sections:
        for part in (section.footer, section.first_page_footer):
            blocks.extend(_part_text(part, seen_parts))
    return "\n".join(blocks), []


def _part_text(part: object, seen: dict[int, object]) -> list[str]:
    """Header/footer text, once per distinct part (sections usually share them)."""
    if getattr(part, "is_linked_to_previous", True):
        return []
    element = part._element  # noqa: SLF001 - python-docx exposes no public id for a part
    if id(element) in seen:
        return []
    seen[id(element)] = element
    return list(_blocks(part))


def _blocks(container: object, depth: int = 0) -> Iterator[str]:
    """Paragraph and table text of a body/cell/header in document order."""
    for item in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Paragraph):
            yield item.text
            yield from _text_boxes(item)
        elif isinstance(item, Table) and depth < MAX_TABLE_DEPTH:
            yield from _table(item, depth)


def _table(table: Table, depth: int) -> Iterator[str]:
    """Rows in order, cells left to right; a merged cell (repeated by python-docx) is read once."""
    seen: dict[int, object] = {}  # id -> element; holding the element keeps its id stable
    for row in table.rows:
        cells = []
        for cell in row.cells:
            tc = cell._tc  # noqa: SLF001 - the XML element is the cell's identity
            if id(tc) in seen:
                continue
            seen[id(tc)] = tc
            text = "\n".join(_blocks(cell, depth + 1)).strip()
            if text:
                cells.append(text)
        if cells:
            yield " | ".join(cells) if all("\n" not in c for c in cells) else "\n".join(cells)


def _text_boxes(paragraph: Paragraph) -> Iterator[str]:
    """Text boxes anchored in a paragraph (python-docx skips them); the VML fallback copy is ignored."""
    for box in paragraph._p.iter(_TXBX):  # noqa: SLF001
        if any(anc.tag == _FALLBACK for anc in box.iterancestors()):
            continue
        for p in box.iter(qn("w:p")):
            yield Paragraph(p, paragraph._parent).text  # noqa: SLF001
