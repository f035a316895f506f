"""Parse stage: received documents -> text, sections, extracted fields, the four hashes, candidate or job.

A document whose normalised text was seen before (content hash) becomes a `duplicate` linked to the
first one; a document that cannot be read becomes `failed` with a reason. Both are final: they are
never retried automatically, and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchflow.dedup import compute_hashes
from matchflow.domain import DocumentError, DocumentKind, DocumentStatus, ExtractedFields, ParsedDocument
from matchflow.extract import extract_fields, job_title_line
from matchflow.parsing import iter_parse_many
from matchflow.pipeline.summary import StageSummary
from matchflow.privacy import redact_for_scoring
from storage import entities
from storage.documents import claim_documents_to_parse, original_with_text, redirect_duplicates
from storage.files import read_blob
from storage.models import Document

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def parse_stored_files(documents: list[Document], *, files_dir: Path, max_bytes: int,
                    workers: int = 1) -> Iterator[ParsedDocument | DocumentError]:
    """Parse the documents' stored bytes; failures come back in place, in order, each as soon as it is ready
    (the caller records one document while the parsers read the next ones)."""
    items = [(doc.filename or f"document-{doc.id}", read_blob(files_dir, doc.file_sha256)) for doc in documents]
    kind = DocumentKind(documents[0].kind) if documents else DocumentKind.RESUME
    return iter_parse_many(items, workers=workers, max_bytes=max_bytes, kind=kind)


def _identity(fields: ExtractedFields, structured: dict[str, Any]) -> dict[str, str | None]:
    return {
        "email": structured.get("email") or (fields.emails[0] if fields.emails else None),
        "phone": structured.get("phone") or (fields.phones[0] if fields.phones else None),
        "name": structured.get("full_name") or fields.person_name,
    }


def _link_resume(session: Session, document: Document, hashes, identity: dict[str, str | None],
                 fields: ExtractedFields, structured: dict[str, Any]) -> None:
    if document.candidate_id is None:
        candidate = entities.find_or_create_candidate(
            session=session, identity_hash=hashes.metadata_hash, email=identity["email"], phone=identity["phone"],
            name=identity["name"])
        document.candidate_id = candidate.id
    if document.submission_id is None:
        document.submission_id = entities.record_candidate_submission(
            session=session, candidate_id=document.candidate_id, source_record_id=document.source_record_id,
            structured=structured, skills=[hit.skill for hit in fields.skills], location=fields.location)


def _link_job(session: Session, document: Document, fields: ExtractedFields, parsed: ParsedDocument,
              structured: dict[str, Any]) -> None:
    title = structured.get("title") or job_title_line(parsed.text) or (fields.titles[0] if fields.titles else None) \
        or _first_line(parsed.text)
    location = structured.get("location") or fields.location
    salary = fields.salary
    values = {
        "title": title[:300],
        "company_id": entities.find_or_create_company(session=session, name=structured.get("company")),
        "location_text": location,
        "location_id": entities.location_id(session=session, name=fields.location),
        "remote": structured.get("remote") or fields.remote,
        "seniority": fields.seniority,
        "salary_min": structured.get("salary_min") or (salary.minimum if salary else None),
        "salary_max": structured.get("salary_max") or (salary.maximum if salary else None),
        "salary_currency": structured.get("currency") or (salary.currency if salary else None),
    }
    key = structured.get("job_key") or f"record:{document.source_id or document.source_path or document.id}"
    job = entities.upsert_job(session=session, external_key=key, values=values)
    document.job_id = job.id
    required = fields.required_skills or ([] if fields.nice_to_have_skills else fields.skills)
    entities.record_job_details(session=session, job=job, structured=structured,
                                required=[hit.skill for hit in required],
                                nice=[hit.skill for hit in fields.nice_to_have_skills], titles=[title, *fields.titles])


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "Untitled job")


def _skill_rows(document_id: int, fields: ExtractedFields, ids: dict[str, int]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    tagged = [(hit, "required") for hit in fields.required_skills] + [
        (hit, "nice") for hit in fields.nice_to_have_skills] + [(hit, None) for hit in fields.skills]
    for hit, requirement in tagged:
        skill_id = ids.get(hit.skill)
        if skill_id is not None and skill_id not in rows:
            rows[skill_id] = {"document_id": document_id, "skill_id": skill_id, "requirement": requirement,
                              "evidence": hit.evidence[:500], "span_start": hit.start, "span_end": hit.end}
    return list(rows.values())


def apply_parse_result(*, session: Session, document: Document, result: ParsedDocument | DocumentError,
                       files_dir: Path, summary: StageSummary, skill_ids: dict[str, int],
                       redact_scoring: bool = False) -> None:
    """Record one document's parse outcome: failed, duplicate, or parsed and linked.

    With `redact_scoring` the text and sections that matching embeds and indexes lose their personal data
    (`privacy.redact_for_scoring`); `text` keeps the original for evidence and re-extraction.
    """
    name = document.filename or f"document {document.id}"
    if isinstance(result, DocumentError):
        document.status = DocumentStatus.FAILED
        document.failure_reason, document.failure_message = result.reason.value, result.message
        summary.fail(name, result.reason.value, result.message)
        summary.outcomes[document.id] = DocumentStatus.FAILED
        return
    kind = DocumentKind(document.kind)
    fields = extract_fields(result, kind)
    structured = (document.fields or {}).get("structured", {})
    identity = _identity(fields, structured) if kind is DocumentKind.RESUME else {
        "email": None, "phone": None, "name": structured.get("company")}
    hashes = compute_hashes(read_blob(files_dir, document.file_sha256), result.text, identity)
    document.content_hash, document.metadata_hash = hashes.content_hash, hashes.metadata_hash
    document.composite_hash = hashes.composite_hash
    document.text, document.language, document.doc_type = result.text, result.language, result.doc_type
    document.text_search_config = entities.text_search_config(result.language)
    document.scoring_text = redact_for_scoring(result.text, fields) if redact_scoring else None
    document.sections = {name: redact_for_scoring(text, fields) for name, text in result.sections.items()} \
        if redact_scoring else result.sections
    document.fields = {"structured": structured, **fields.model_dump(mode="json")}
    original = original_with_text(session=session, document=document, content_hash=hashes.content_hash)
    if original is not None:
        document.status, document.duplicate_of_id = DocumentStatus.DUPLICATE, original
        redirect_duplicates(session=session, from_id=document.id, to_id=original)
        summary.duplicate += 1
        summary.outcomes[document.id] = DocumentStatus.DUPLICATE
        return
    if kind is DocumentKind.RESUME:
        _link_resume(session, document, hashes, identity, fields, structured)
    else:
        _link_job(session, document, fields, result, structured)
    document.version = entities.retire_previous_versions(session=session, document=document)
    document.is_current = True
    document.status = DocumentStatus.PARSED
    session.flush()
    entities.replace_document_skills(session=session, document_id=document.id,
                                     rows=_skill_rows(document.id, fields, skill_ids))
    summary.processed += 1
    summary.outcomes[document.id] = DocumentStatus.PARSED


def parse_batch(*, session: Session, kind: DocumentKind, files_dir: Path, max_bytes: int, limit: int,
                workers: int = 1, redact_scoring: bool = False) -> StageSummary:
    """Claim up to `limit` received documents of `kind`, parse them and record the outcomes."""
    summary = StageSummary()
    documents = claim_documents_to_parse(session=session, kind=kind, limit=limit)
    if not documents:
        return summary
    results = parse_stored_files(documents, files_dir=files_dir, max_bytes=max_bytes, workers=workers)
    ids = entities.skill_ids(session=session)
    for document, result in zip(documents, results, strict=True):
        apply_parse_result(session=session, document=document, result=result, files_dir=files_dir,
                           summary=summary, skill_ids=ids, redact_scoring=redact_scoring)
    return summary
