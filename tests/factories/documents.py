"""Generate test documents in memory: real PDF, DOCX, DOC and text files, and hostile ones.

Every factory returns ``bytes``. PDFs come from fpdf2 (DejaVu fonts for Cyrillic: CI installs
fonts-dejavu-core), DOCX from python-docx, DOC from a small hand-written writer below (a
Compound File Binary container holding a Word 97 FIB and piece table, after [MS-CFB] and
[MS-DOC]), because nothing on PyPI writes .doc files.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image, ImageDraw

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"


# --------------------------------------------------------------------------- PDF


def _lines(text: str | Sequence[str]) -> list[str]:
    return text.splitlines() if isinstance(text, str) else list(text)


def _new_pdf(header: str | None, footer: str | None) -> FPDF:
    class _PDF(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("dejavu", size=9)
                self.cell(0, 6, header, new_x="LMARGIN", new_y="NEXT", align="C")
                self.ln(4)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("dejavu", size=9)
                self.cell(0, 6, f"{footer} {self.page_no()}", align="C")

    pdf = _PDF(format="A4")
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("dejavu", size=11)
    return pdf


def make_pdf(
    text: str | Sequence[str],
    *,
    columns: int = 1,
    header: str | None = None,
    footer: str | None = None,
    pages: int = 1,
) -> bytes:
    """A text PDF. Lines are spread over ``pages`` pages; with ``columns=2`` each page's lines are
    split into a left and a right column (the left column holds the first half).
    ``footer`` gets the page number appended, like a real running footer.
    """
    lines = _lines(text)
    pdf = _new_pdf(header, footer)
    per_page = max(1, -(-len(lines) // pages))
    for p in range(pages):
        chunk = lines[p * per_page : (p + 1) * per_page]
        pdf.add_page()
        top = pdf.get_y()
        if columns == 1:
            for line in chunk:
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            continue
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / columns
        per_col = max(1, -(-len(chunk) // columns))
        for c in range(columns):
            pdf.set_xy(pdf.l_margin + c * (width + 2), top)
            for line in chunk[c * per_col : (c + 1) * per_col]:
                pdf.set_x(pdf.l_margin + c * (width + 2))
                pdf.cell(width - 4, 6, line, new_y="NEXT")
    return bytes(pdf.output())


def make_encrypted_pdf(text: str = "Jane Doe\nPython developer", *, user_password: str = "secret") -> bytes:
    """A PDF that needs a user password to open (AES-128)."""
    from fpdf.enums import EncryptionMethod

    pdf = _new_pdf(None, None)
    pdf.set_encryption(
        owner_password="owner-pw", user_password=user_password, encryption_method=EncryptionMethod.AES_128
    )
    pdf.add_page()
    for line in _lines(text):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_truncated_pdf(text: str = "Jane Doe\nPython developer", *, keep: float = 0.4) -> bytes:
    """A PDF cut off part-way (an interrupted upload): no xref, no trailer, no %%EOF."""
    data = make_pdf(text)
    return data[: int(len(data) * keep)]


def make_nested_pdf(depth: int = 50_000) -> bytes:
    """A hand-built PDF whose page resources hold an array nested ``depth`` levels deep
    (a classic parser stack/recursion attack), with a valid xref so readers do reach it.
    """
    nested = b"[" * depth + b"1" + b"]" * depth
    content = b"BT /F1 12 Tf 72 720 Td (Nested) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /Deep " + nested + b" >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _assemble_pdf(objects)


def _assemble_pdf(objects: list[bytes]) -> bytes:
    """Write numbered objects with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def make_image_only_pdf(pages: int = 1) -> bytes:
    """A 'scanned' PDF: each page is one picture of text, with no text layer."""
    pdf = _new_pdf(None, None)
    for _ in range(pages):
        image = Image.new("RGB", (600, 300), "white")
        ImageDraw.Draw(image).text((20, 20), "Jane Doe - Python developer", fill="black")
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- DOCX


def make_docx(
    paragraphs: Sequence[str],
    *,
    tables: Sequence[Sequence[Sequence[str]]] = (),
    header: str | None = None,
    footer: str | None = None,
    merge_first_row: bool = False,
) -> bytes:
    """A DOCX with body paragraphs, then tables (rows of cell texts), and an optional header/footer.
    ``merge_first_row`` merges each table's first row into one cell (python-docx repeats merged cells).
    """
    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for rows in tables:
        n_cols = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=n_cols)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        if merge_first_row and n_cols > 1:
            merged = table.cell(0, 0).merge(table.cell(0, n_cols - 1))
            merged.text = rows[0][0]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_docx_with_cells(n_cells: int = 10_000, *, cols: int = 100) -> bytes:
    """A DOCX with one table of ``n_cells`` cells, each "r{row}c{col}" (the XML is written directly:
    building 10,000 cells through python-docx's API takes far longer than parsing them).
    """
    rows = -(-n_cells // cols)
    cell = '<w:tc><w:tcPr><w:tcW w:w="100" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
    grid = "".join('<w:gridCol w:w="100"/>' for _ in range(cols))
    body_rows = []
    for r in range(rows):
        cells = "".join(cell.format(f"r{r}c{c}") for c in range(cols) if r * cols + c < n_cells)
        body_rows.append(f"<w:tr>{cells}</w:tr>")
    table = f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(body_rows)}</w:tbl>"
    return _replace_body(make_docx(["Big table follows"]), table)


def _replace_body(docx_bytes: bytes, extra_xml: str) -> bytes:
    """Insert raw WordprocessingML before the body's final sectPr of an existing DOCX."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.rindex("<w:sectPr")
                data = (xml[:at] + extra_xml + xml[at:]).encode("utf-8")
            dst.writestr(info.filename, data)
    return out.getvalue()


def make_docx_zip_bomb(uncompressed_mb: int = 64) -> bytes:
    """A DOCX whose word/document.xml inflates to ``uncompressed_mb`` MiB of spaces (ratio ~1000:1)."""
    base = zipfile.ZipFile(io.BytesIO(make_docx(["bomb"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in base.infolist():
            if info.filename == "word/document.xml":
                continue
            dst.writestr(info.filename, base.read(info.filename))
        with dst.open("word/document.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return out.getvalue()


# --------------------------------------------------------------------------- DOC (Word 97)

_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
_SECTOR = 512
_MIN_STREAM = 4096  # streams below the mini-stream cutoff would need a mini FAT; pad instead


def make_doc(
    paragraphs: Sequence[str],
    *,
    compressed: bool | None = None,
    encrypted: bool = False,
    with_field: bool = False,
) -> bytes:
    """A Word 97-2003 .doc holding ``paragraphs``.

    The text is stored as two pieces (first paragraph, then the rest) so the reader must walk
    the piece table. ``compressed`` picks 8-bit cp1252 pieces (True) or UTF-16 (False); by
    default 8-bit when the text is cp1252-encodable (as Word does). ``with_field`` wraps the
    last paragraph in a HYPERLINK field, whose code the reader must hide.
    """
    paragraphs = list(paragraphs) or [""]
    if with_field:
        paragraphs[-1] = f'\x13 HYPERLINK "https://example.com" \x14{paragraphs[-1]}\x15'
    pieces = [paragraphs[0] + "\r", "".join(p + "\r" for p in paragraphs[1:])]
    pieces = [p for p in pieces if p]
    text = "".join(pieces)
    if compressed is None:
        try:
            text.encode("cp1252")
            compressed = True
        except UnicodeEncodeError:
            compressed = False

    fib_size = 1024
    word = bytearray(fib_size)
    plc_cps = [0]
    pcds = []
    for piece in pieces:
        offset = len(word)
        if compressed:
            word += piece.encode("cp1252")
            fc = (offset * 2) | 0x40000000
        else:
            word += piece.encode("utf-16-le")
            fc = offset
        plc_cps.append(plc_cps[-1] + len(piece))
        pcds.append(struct.pack("<HIH", 0, fc, 0))
    plc = struct.pack(f"<{len(plc_cps)}I", *plc_cps) + b"".join(pcds)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    table = bytearray(b"\x00" * 16) + clx  # a little leading data so fcClx is not zero

    # FibBase
    flags = 0x0200 | 0x0004  # fWhichTblStm (1Table) | fComplex
    if encrypted:
        flags |= 0x0100
    struct.pack_into("<HHHHH", word, 0, 0xA5EC, 0x00C1, 0, 0x0409, 0)
    struct.pack_into("<HH", word, 0x0A, flags, 0x00BF)
    # FibRgW97 (14 shorts), FibRgLw97 (22 longs), FibRgFcLcb97 (93 pairs)
    pos = 32
    struct.pack_into("<H", word, pos, 14)
    pos += 2 + 28
    struct.pack_into("<H", word, pos, 22)
    lw = pos + 2
    struct.pack_into("<i", word, lw + 0, len(word))  # cbMac
    struct.pack_into("<i", word, lw + 12, len(text))  # ccpText
    pos = lw + 22 * 4
    struct.pack_into("<H", word, pos, 0x5D)
    struct.pack_into("<II", word, pos + 2 + 33 * 8, 16, len(clx))  # fcClx, lcbClx
    return _cfb({"WordDocument": bytes(word), "1Table": bytes(table)})


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal version-3 Compound File: one FAT sector, one directory sector, regular streams only."""
    names = list(streams)
    first_data = 2  # sector 0: FAT, sector 1: directory
    fat = [_FATSECT, _ENDOFCHAIN]
    body = bytearray()
    starts = {}
    for name in names:
        data = streams[name].ljust(_MIN_STREAM, b"\x00")
        data = data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\x00")
        n = len(data) // _SECTOR
        start = first_data + len(body) // _SECTOR
        starts[name] = (start, len(streams[name].ljust(_MIN_STREAM, b"\x00")))
        fat.extend(range(start + 1, start + n))
        fat.append(_ENDOFCHAIN)
        body += data
    if len(fat) > _SECTOR // 4:
        raise ValueError("make_doc's writer holds at most ~63 KB of streams")
    fat += [_FREESECT] * (_SECTOR // 4 - len(fat))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    # Directory tree: the root's child is the first stream; siblings ordered by (length, upper-case name).
    ordered = sorted(names, key=lambda n: (len(n), n.upper()))
    ids = {name: i + 1 for i, name in enumerate(ordered)}
    directory = entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, ids[ordered[-1]], _ENDOFCHAIN, 0)
    for i, name in enumerate(ordered):  # a left-leaning chain: each entry's left sibling is the smaller one
        left = ids[ordered[i - 1]] if i > 0 else _NOSTREAM
        start, size = starts[name]
        directory += entry(name, 2, left, _NOSTREAM, _NOSTREAM, start, size)
    directory = directory.ljust(_SECTOR, b"\x00")
    if len(directory) > _SECTOR:
        raise ValueError("make_doc's writer holds at most three streams")
    # Unused directory slots must be typed empty with NOSTREAM links.
    slots = bytearray(directory)
    for slot in range(len(ordered) + 1, 4):
        slots[slot * 128 : (slot + 1) * 128] = entry("", 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, 0, 0)
        slots[slot * 128 : slot * 128 + 66] = b"\x00" * 66

    header = bytearray(_SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    struct.pack_into("<108I", header, 80, *([_FREESECT] * 108))
    return bytes(header) + struct.pack("<128I", *fat) + bytes(slots) + bytes(body)


# --------------------------------------------------------------------------- text and noise


def make_cp1251_txt(text: str) -> bytes:
    """Russian (or any Cyrillic) text in Windows-1251, as old Windows tools save it."""
    return text.encode("cp1251")


def make_utf16_txt(text: str) -> bytes:
    """UTF-16 little-endian with a BOM, as Windows Notepad saves 'Unicode'."""
    return text.encode("utf-16")


def make_binary_noise(size: int = 64 * 1024, *, seed: int = 7) -> bytes:
    """Random bytes (deterministic by seed) that are no document format at all."""
    return random.Random(seed).randbytes(size)


def make_png() -> bytes:
    """A small PNG image (a photo uploaded instead of a resume)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, format="PNG")
    return buffer.getvalue()
