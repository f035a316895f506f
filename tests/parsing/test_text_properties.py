"""Property-based tests (hypothesis) of the text clean-up: decoding of unknown encodings, normalisation and
section spans. Complements test_parse_text_rules.py (idempotence, control characters)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchflow.domain import DocumentError, DocumentKind, FailureReason
from matchflow.parsing import normalize_text, section_spans, split_sections
from matchflow.parsing.normalize import _TRANSLATE
from matchflow.parsing.text import decode_text

# Printable text: no control characters (binary-looking), surrogates or a leading BOM character.
_printable = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff")
_texts = st.text(alphabet=_printable | st.sampled_from("\n\t"), min_size=1, max_size=300)

_RU_WORDS = ["опыт", "работы", "разработчик", "навыки", "Москва", "проекты", "команда", "данных", "система",
             "образование", "университет", "лет", "в", "и", "на", "с", "Python", "Django", "PostgreSQL"]
# At least six different words: a line of one word repeated gives no detector anything to go on.
_russian = st.lists(st.sampled_from(_RU_WORDS), min_size=12, max_size=60).filter(
    lambda words: len(set(words)) >= 6).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_round_trips_unicode_encodings(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_russian, st.sampled_from(["cp1251", "koi8_r"]))
def test_decode_reads_russian_in_legacy_code_pages(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_decode_of_any_bytes_is_text_or_one_clear_refusal(data: bytes) -> None:
    try:
        text = decode_text(data)
    except DocumentError as err:
        assert err.reason == FailureReason.UNSUPPORTED_TYPE
        assert "PDF, DOCX or DOC" in err.message
    else:
        assert isinstance(text, str)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_normalized_text_has_one_form_of_each_mark_and_clean_lines(text: str) -> None:
    out = normalize_text(text)
    assert not set(map(chr, _TRANSLATE)) & set(out)  # no typographic dashes, quotes or bullets left
    assert "\r" not in out and "\t" not in out
    assert all(line == line.strip() for line in out.split("\n"))
    assert "  " not in out


_words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;()+#"),
                 min_size=1, max_size=12)
_plain_lines = st.lists(st.lists(_words, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(_plain_lines)
def test_plain_ascii_text_is_left_alone(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert normalize_text(text) == text


_HEADINGS = ["Skills", "Experience", "Education", "Summary", "Опыт работы", "Ключевые навыки", "Requirements",
             "Nice to have", "Languages:", "PROJECTS"]
_resume_lines = st.lists(st.sampled_from(_HEADINGS) | _plain_lines.map(" ".join) | st.text(max_size=40),
                         max_size=30)


@settings(max_examples=200, deadline=None)
@given(_resume_lines, st.sampled_from(list(DocumentKind)))
def test_section_spans_are_ordered_disjoint_and_inside_the_text(lines: list[str], kind: DocumentKind) -> None:
    text = "\n".join(lines)
    spans = section_spans(text, kind)
    position = 0
    for span in spans:
        assert position <= span.start <= span.end <= len(text)
        assert text[span.start:span.end].strip()
        position = span.end
    sections = split_sections(text, kind)
    assert set(sections) == {span.name for span in spans}
    assert all(body == body.strip() and body for body in sections.values())


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_not_misread(encoding: str) -> None:
    # NUL bytes and no BOM look like a binary file: refused with the clear reason, never mojibake
    with pytest.raises(DocumentError) as err:
        decode_text("Jane Doe, Python developer".encode(encoding))
    assert err.value.reason == FailureReason.UNSUPPORTED_TYPE
