"""Document parsing (pipeline step 1): bytes of a PDF / DOCX / DOC / TXT / MD / HTML file in,
``ParsedDocument`` (normalised text, sections, language, page count) out.

    parse_document          in this process; raises DocumentError (reasons: see core.py)
    parse_document_bounded  in a child process with a timeout and a memory cap
    parse_many              a batch, N children at a time, failures returned in place
    iter_parse_many         the same, yielding results in order as they are ready (overlap the caller's work)
    shutdown_parsers        stop the children kept idle between batches (done at exit anyway)
    normalize_text          the canonical text form used for the content hash
    split_sections          heading-based sections for resumes and jobs
    detect_language         ru / en by Cyrillic letter share
"""

from matchflow.parsing.bounded import iter_parse_many, parse_document_bounded, parse_many, shutdown_parsers
from matchflow.parsing.core import parse_document
from matchflow.parsing.language import detect_language
from matchflow.parsing.normalize import normalize_text
from matchflow.parsing.sections import Section, section_spans, split_sections

__all__ = [
    "Section",
    "detect_language",
    "iter_parse_many",
    "normalize_text",
    "parse_document",
    "parse_document_bounded",
    "parse_many",
    "section_spans",
    "shutdown_parsers",
    "split_sections",
]
