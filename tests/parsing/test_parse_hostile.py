"""Hostile and broken inputs: each ends as one clean DocumentError with the right reason, inside the
bounded (child-process) parse, and a batch carries on past them.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from matchflow.domain import DocumentError, FailureReason, ParsedDocument
from matchflow.parsing import parse_document, parse_document_bounded, parse_many
from tests.factories.documents import (
    make_binary_noise,
    make_doc,
    make_docx,
    make_docx_zip_bomb,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_nested_pdf,
    make_pdf,
    make_png,
    make_truncated_pdf,
)

LINES = ["Jane Doe", "Python developer", "Experience", "Acme, backend engineer, 2019 - 2023"]


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def _docx_with_broken_xml() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(make_docx(LINES)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: invalid XML
            dst.writestr(info.filename, data)
    return out.getvalue()


HOSTILE = {
    "encrypted pdf": (make_encrypted_pdf, FailureReason.ENCRYPTED, "password"),
    "truncated pdf": (make_truncated_pdf, FailureReason.CORRUPT, "damaged"),
    "scanned pdf": (make_image_only_pdf, FailureReason.NO_TEXT, "OCR"),
    "docx zip bomb": (make_docx_zip_bomb, FailureReason.ARCHIVE_BOMB, "zip bomb"),
    "docx broken xml": (_docx_with_broken_xml, FailureReason.CORRUPT, "XMLSyntaxError"),
    "truncated doc": (lambda: make_doc(LINES)[:1500], FailureReason.CORRUPT, "damaged"),
    "encrypted doc": (lambda: make_doc(LINES, encrypted=True), FailureReason.ENCRYPTED, "password"),
    "binary noise": (make_binary_noise, FailureReason.UNSUPPORTED_TYPE, "PDF"),
    "png photo": (make_png, FailureReason.UNSUPPORTED_TYPE, "PNG"),
    "excel workbook": (_xlsx, FailureReason.UNSUPPORTED_TYPE, "Excel"),
    "rtf": (lambda: b"{\\rtf1\\ansi Jane Doe}", FailureReason.UNSUPPORTED_TYPE, "RTF"),
    "empty file": (lambda: b"", FailureReason.NO_TEXT, "empty"),
    "whitespace only": (lambda: b"  \n\t ", FailureReason.NO_TEXT, "empty"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_input_is_a_clean_document_error(case: str) -> None:
    make, reason, words = HOSTILE[case]
    data = make()
    with pytest.raises(DocumentError) as in_process:
        parse_document(data, filename="upload.pdf")
    assert in_process.value.reason == reason
    assert words in in_process.value.message
    with pytest.raises(DocumentError) as bounded:
        parse_document_bounded(data, filename="upload.pdf", timeout_s=60)
    assert (bounded.value.reason, bounded.value.message) == (reason, in_process.value.message)


def test_over_the_size_cap_is_refused_before_parsing() -> None:
    data = make_pdf(LINES)
    with pytest.raises(DocumentError) as err:
        parse_document_bounded(data, filename="cv.pdf", max_bytes=len(data) - 1)
    assert err.value.reason == FailureReason.TOO_LARGE
    assert "cv.pdf" in err.value.message


def test_deeply_nested_pdf_objects_do_not_break_the_reader() -> None:
    # 50,000 nested arrays in the page resources: pdfminer's parser is iterative and reads the page.
    with pytest.raises(DocumentError) as err:
        parse_document_bounded(make_nested_pdf(50_000))
    assert err.value.reason == FailureReason.NO_TEXT  # the page holds one word: too little to be a resume


def test_slow_document_times_out_and_the_next_one_still_parses() -> None:
    many_pages = make_pdf(
        [f"Line {i}: Python, SQL and Docker at Acme Corporation" for i in range(1500)], pages=30
    )
    results = parse_many([("slow.pdf", many_pages), ("ok.pdf", make_pdf(LINES))], workers=1, timeout_s=0.05)
    assert isinstance(results[0], DocumentError)
    assert results[0].reason == FailureReason.TIMEOUT
    assert "slow.pdf" in results[0].message
    assert isinstance(results[1], ParsedDocument)  # the killed child was replaced


def test_memory_cap_turns_a_blow_up_into_too_large() -> None:
    big_text = ("Python developer with SQL and Docker skills. " * 300_000).encode()  # 13 MB of text
    with pytest.raises(DocumentError) as err:
        parse_document_bounded(big_text, max_memory_mb=4)
    assert err.value.reason == FailureReason.TOO_LARGE
    assert isinstance(parse_document_bounded(big_text, max_memory_mb=1024), ParsedDocument)


def test_parse_many_keeps_input_order_with_two_workers() -> None:
    items = [
        ("a.pdf", make_pdf(["Alice Smith", "Data analyst with SQL and Tableau experience"])),
        ("b.bin", make_binary_noise()),
        ("c.docx", make_docx(["Carol Jones", "Java developer with Spring experience"])),
        ("d.doc", make_doc(["Dmitry Ivanov", "Go developer with Kubernetes experience"])),
        ("e.pdf", make_encrypted_pdf()),
    ]
    results = parse_many(items, workers=2)
    assert [type(r).__name__ for r in results] == [
        "ParsedDocument",
        "DocumentError",
        "ParsedDocument",
        "ParsedDocument",
        "DocumentError",
    ]
    assert results[0].text.startswith("Alice Smith")  # type: ignore[union-attr]
    assert results[2].text.startswith("Carol Jones")  # type: ignore[union-attr]
    assert results[3].text.startswith("Dmitry Ivanov")  # type: ignore[union-attr]
    assert results[4].reason == FailureReason.ENCRYPTED  # type: ignore[union-attr]
    assert parse_many([], workers=2) == []
