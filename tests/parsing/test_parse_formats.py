"""Each supported format, generated in memory, parses to the text that was put in."""

from __future__ import annotations

import pytest

from matchflow.domain import DocumentError, FailureReason
from matchflow.parsing import parse_document
from tests.factories.documents import (
    make_cp1251_txt,
    make_doc,
    make_docx,
    make_docx_with_cells,
    make_pdf,
    make_utf16_txt,
)

RESUME_EN = [
    "Jane Doe",
    "Senior Python Developer",
    "Summary",
    "Backend engineer with nine years of experience building data platforms.",
    "Experience",
    "Acme Corp, Python developer, Jan 2019 - present",
    "Education",
    "BSc Computer Science, 2014",
    "Skills",
    "Python, PostgreSQL, Docker, Kubernetes",
]
RESUME_RU = [
    "Иван Петров",
    "О себе",
    "Опытный разработчик на Python, люблю чистый код и автоматизацию.",
    "Опыт работы",
    "ООО Ромашка, разработчик Python, 2015 - н.в.",
    "Образование",
    "МГУ, факультет ВМК, бакалавр",
    "Ключевые навыки",
    "Python, Django, PostgreSQL",
]


def test_pdf_text_sections_and_page_count() -> None:
    parsed = parse_document(make_pdf(RESUME_EN, pages=2))
    assert parsed.doc_type == "pdf"
    assert parsed.page_count == 2
    assert parsed.language == "en"
    assert "Kubernetes" in parsed.sections["skills"]
    assert "Acme Corp" in parsed.sections["experience"]
    assert "BSc Computer Science" in parsed.sections["education"]
    assert parsed.sections["contacts"].startswith("Jane Doe")


def test_pdf_two_columns_read_column_by_column() -> None:
    left = [f"left column line {i}" for i in range(6)]
    right = [f"right column line {i}" for i in range(6)]
    text = parse_document(make_pdf(left + right, columns=2)).text
    lines = text.splitlines()
    assert lines.index("left column line 5") < lines.index("right column line 0")
    assert all(line in lines for line in left + right)  # no line is merged with its neighbour column


def test_pdf_running_header_and_footer_are_removed() -> None:
    body = [f"Achievement number {i} at Acme" for i in range(30)]
    text = parse_document(make_pdf(body, header="Jane Doe - Curriculum Vitae", footer="Page", pages=3)).text
    assert text.count("Jane Doe - Curriculum Vitae") == 1  # kept once, dropped on pages 2 and 3
    assert "Page 2" not in text and "Page 3" not in text
    assert all(line in text for line in body)


def test_pdf_cyrillic_is_russian() -> None:
    parsed = parse_document(make_pdf(RESUME_RU))
    assert parsed.language == "ru"
    assert "Django" in parsed.sections["skills"]
    assert "ООО Ромашка" in parsed.sections["experience"]
    assert "бакалавр" in parsed.sections["education"]
    assert "чистый код" in parsed.sections["summary"]


def test_docx_paragraphs_tables_header_footer() -> None:
    data = make_docx(
        RESUME_EN,
        tables=[[["Company", "Role", "Years"], ["Globex", "Data engineer", "2016 - 2019"]]],
        header="jane.doe@example.com",
        footer="Confidential resume",
    )
    parsed = parse_document(data)
    assert parsed.doc_type == "docx"
    lines = parsed.text.splitlines()
    assert lines[0] == "jane.doe@example.com"  # the header comes first, as on the page
    assert lines[-1] == "Confidential resume"
    assert "Globex | Data engineer | 2016 - 2019" in lines  # a row reads left to right


def test_docx_merged_cell_is_read_once() -> None:
    data = make_docx(
        ["Jane Doe", "Python developer"],
        tables=[[["Work history", "", ""], ["Acme", "Engineer", "2019"]]],
        merge_first_row=True,
    )
    text = parse_document(data).text
    assert text.count("Work history") == 1


def test_docx_with_ten_thousand_cells_reads_every_cell() -> None:
    text = parse_document(make_docx_with_cells(10_000)).text
    assert "r0c0" in text and "r99c99" in text
    assert text.count("|") == 100 * 99


def test_doc_word97_compressed_pieces() -> None:
    parsed = parse_document(make_doc(RESUME_EN))
    assert parsed.doc_type == "doc"
    assert parsed.text.splitlines() == RESUME_EN
    assert "Kubernetes" in parsed.sections["skills"]


def test_doc_word97_unicode_pieces_and_fields() -> None:
    parsed = parse_document(make_doc(RESUME_RU, with_field=True))
    assert parsed.language == "ru"
    assert parsed.text.splitlines() == RESUME_RU  # the HYPERLINK field code is hidden, its text kept
    assert "HYPERLINK" not in parsed.text


def test_doc_forced_utf16_for_latin_text() -> None:
    assert parse_document(make_doc(RESUME_EN, compressed=False)).text.splitlines() == RESUME_EN


def test_doc_encrypted_flag_is_reported() -> None:
    with pytest.raises(DocumentError) as err:
        parse_document(make_doc(RESUME_EN, encrypted=True))
    assert err.value.reason == FailureReason.ENCRYPTED


@pytest.mark.parametrize(
    "encode",
    [make_cp1251_txt, make_utf16_txt, lambda t: t.encode("utf-8"), lambda t: t.encode("utf-8-sig")],
    ids=["cp1251", "utf16-bom", "utf8", "utf8-bom"],
)
def test_russian_text_in_any_common_encoding(encode) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(RESUME_RU)
    parsed = parse_document(encode(text))
    assert parsed.doc_type == "txt"
    assert parsed.text == text
    assert parsed.language == "ru"


def test_markdown_and_html_are_recognised_by_content() -> None:
    md = (
        "# Jane Doe\n\n## Skills\n\n- Python\n- **PostgreSQL** and Docker\n\n"
        "## Experience\n\nAcme, 2019 - 2021\n"
    )
    parsed = parse_document(md.encode(), filename="resume.txt")
    assert parsed.doc_type == "md"
    assert parsed.text.splitlines()[0] == "Jane Doe"
    assert "PostgreSQL and Docker" in parsed.sections["skills"]
    html = (
        "<html><head><style>p{}</style></head>"
        "<body><h1>Jane Doe</h1><p>Python developer at Acme</p></body></html>"
    )
    parsed = parse_document(html.encode())
    assert parsed.doc_type == "html"
    assert parsed.text == "Jane Doe\n\nPython developer at Acme"


def test_type_comes_from_bytes_not_from_a_lying_extension() -> None:
    parsed = parse_document(make_docx(RESUME_EN), filename="resume.pdf")
    assert parsed.doc_type == "docx"
    parsed = parse_document(make_pdf(RESUME_EN), filename="resume.docx")
    assert parsed.doc_type == "pdf"
