"""BM25 in Postgres (pgvector sparsevec): the SQL of indexing documents and of searching them.

    claim_documents_to_index  parsed documents without BM25 weights (new ones, and the backfill), row-locked
    document_lexemes          each document's search_tsv lexemes with their counts: the same stems as full-text
    query_lexemes             a query document's lexemes under both english and russian stemming
    save_weights / add_document_frequencies / length_stats / document_frequencies / documents_to_reweight
    search_by_bm25            one statement: for every query vector, the targets by inner product (`<#>`)

Term ids, weights and IDF are ranking arithmetic and live above, in `matchflow.pipeline.bm25`; here the
vectors are only written and read. Every statement is built from constants; values are bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchflow.domain import NO_FILTERS, DocumentKind, SearchFilters
from storage.embeddings import EMBEDDABLE_STATUSES
from storage.models import BM25_DIMENSION
from storage.search import _kind_literal, _target_filter_sql

INDEXABLE_SQL = ", ".join(f"'{status.value}'" for status in EMBEDDABLE_STATUSES)  # fixed words

# What a query says, by mode: its whole (redacted) text, or the skills and titles today's full-text search used
_QUERY_TEXT = {
    "text": "coalesce(qd.scoring_text, qd.text, '')",
    "terms": """coalesce((SELECT string_agg(s.name, ' ') FROM document_skills ds JOIN skills s ON s.id = ds.skill_id
                          WHERE ds.document_id = qd.id), '')
                || ' ' || coalesce((SELECT string_agg(value, ' ')
                                    FROM jsonb_array_elements_text(qd.fields->'titles')), '')""",
}


def sparse_literal(weights: Mapping[int, float]) -> str:
    """pgvector's text form of a sparse vector: 1-based `{index:value,...}/dimension`, indices ascending."""
    entries = ",".join(f"{int(term) + 1}:{float(value):.6g}" for term, value in sorted(weights.items()) if value)
    return f"{{{entries}}}/{BM25_DIMENSION}"


def claim_documents_to_index(*, session: Session, kind: DocumentKind | str, limit: int) -> list[int]:
    """Current parsed documents of `kind` with no BM25 weights yet, locked so that two workers never share one."""
    rows = session.execute(sa.text(f"""
        SELECT id FROM documents
        WHERE kind = {_kind_literal(kind)} AND is_current AND status IN ({INDEXABLE_SQL}) AND bm25 IS NULL
        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
    """), {"limit": limit})  # noqa: S608 - a checked kind and fixed words; values are bound
    return [int(document_id) for (document_id,) in rows]


def document_lexemes(*, session: Session, document_ids: list[int]) -> dict[int, dict[str, int]]:
    """lexeme -> occurrences in each document's search_tsv (its own text search configuration's stems)."""
    rows = session.execute(sa.text("""
        SELECT d.id, u.lexeme, coalesce(cardinality(u.positions), 1)
        FROM documents d CROSS JOIN LATERAL unnest(d.search_tsv) AS u
        WHERE d.id = ANY(:ids)
    """), {"ids": document_ids})
    found: dict[int, dict[str, int]] = {document_id: {} for document_id in document_ids}
    for document_id, lexeme, count in rows:
        found[int(document_id)][lexeme] = int(count)
    return found


def query_lexemes(*, session: Session, query_ids: list[int], mode: str) -> dict[int, dict[str, int]]:
    """Each query document's lexemes with their counts, stemmed both as English and as Russian (a lexeme's
    count is the larger of the two): a target is stemmed by its own language's configuration, and mixed
    documents are common, so the query carries both forms."""
    if mode not in _QUERY_TEXT:
        raise ValueError(f"unknown BM25 query mode {mode!r}")
    rows = session.execute(sa.text(f"""
        WITH q AS (SELECT qd.id, {_QUERY_TEXT[mode]} AS body FROM documents qd WHERE qd.id = ANY(:ids)),
        both_stems AS (
            SELECT q.id, u.lexeme, coalesce(cardinality(u.positions), 1) AS n
            FROM q CROSS JOIN LATERAL unnest(to_tsvector('english', q.body)) AS u
            UNION ALL
            SELECT q.id, u.lexeme, coalesce(cardinality(u.positions), 1)
            FROM q CROSS JOIN LATERAL unnest(to_tsvector('russian', q.body)) AS u
        )
        SELECT id, lexeme, max(n) FROM both_stems GROUP BY id, lexeme
    """), {"ids": query_ids})  # noqa: S608 - one of two fixed expressions; values are bound
    found: dict[int, dict[str, int]] = {query_id: {} for query_id in query_ids}
    for query_id, lexeme, count in rows:
        found[int(query_id)][lexeme] = int(count)
    return found


def length_stats(*, session: Session, kind: DocumentKind | str) -> tuple[int, int]:
    """(indexed documents, their total length in tokens) of `kind`: N of the IDF and the average length."""
    count, total = session.execute(sa.text(f"""
        SELECT count(*), coalesce(sum(bm25_length), 0) FROM documents
        WHERE kind = {_kind_literal(kind)} AND bm25 IS NOT NULL
    """)).one()  # noqa: S608 - a checked kind
    return int(count), int(total)


def save_weights(*, session: Session, rows: list[tuple[int, Mapping[int, float], int, float]],
                 only_new: bool) -> list[int]:
    """Write (document id, weights, length, avgdl) rows; `only_new` skips documents already indexed (a rerun
    after a crash), so their frequencies are never counted twice. Returns the ids written."""
    if not rows:
        return []
    guard = "AND d.bm25 IS NULL" if only_new else "AND d.bm25 IS NOT NULL"
    written = session.execute(sa.text(f"""
        UPDATE documents d SET bm25 = CAST(v.vec AS sparsevec), bm25_length = v.length, bm25_avgdl = v.avgdl
        FROM unnest(CAST(:ids AS integer[]), CAST(:vecs AS text[]), CAST(:lengths AS integer[]),
                    CAST(:avgdls AS double precision[])) AS v(id, vec, length, avgdl)
        WHERE d.id = v.id {guard}
        RETURNING d.id
    """), {"ids": [r[0] for r in rows], "vecs": [sparse_literal(r[1]) for r in rows],  # noqa: S608 - fixed guards
           "lengths": [r[2] for r in rows], "avgdls": [r[3] for r in rows]})
    return [int(document_id) for (document_id,) in written]


def add_document_frequencies(*, session: Session, kind: DocumentKind | str, counts: Mapping[int, int]) -> None:
    """df += count per term, in term order (concurrent batches lock rows in the same order: no deadlock)."""
    if not counts:
        return
    terms = sorted(counts)
    session.execute(sa.text("""
        INSERT INTO bm25_terms (kind, term_id, df)
        SELECT :kind, t.term_id, t.n FROM unnest(CAST(:terms AS integer[]), CAST(:counts AS integer[])) AS t(term_id, n)
        ORDER BY t.term_id
        ON CONFLICT (kind, term_id) DO UPDATE SET df = bm25_terms.df + excluded.df
    """), {"kind": DocumentKind(kind).value, "terms": terms, "counts": [counts[t] for t in terms]})


def document_frequencies(*, session: Session, kind: DocumentKind | str, term_ids: list[int]) -> dict[int, int]:
    """df of these terms among the indexed documents of `kind` (absent: 0)."""
    rows = session.execute(sa.text("SELECT term_id, df FROM bm25_terms WHERE kind = :kind AND term_id = ANY(:terms)"),
                           {"kind": DocumentKind(kind).value, "terms": term_ids})
    return {int(term_id): int(df) for term_id, df in rows}


def documents_to_reweight(*, session: Session, kind: DocumentKind | str, avgdl: float, tolerance: float,
                          limit: int) -> list[int]:
    """Indexed documents whose weights used an average length off today's by more than `tolerance` (relative)."""
    rows = session.execute(sa.text(f"""
        SELECT id FROM documents
        WHERE kind = {_kind_literal(kind)} AND bm25 IS NOT NULL AND abs(bm25_avgdl - :avgdl) > :tolerance * :avgdl
        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
    """), {"avgdl": avgdl, "tolerance": tolerance, "limit": limit})  # noqa: S608 - a checked kind
    return [int(document_id) for (document_id,) in rows]


def search_by_bm25(*, session: Session, queries: Mapping[int, Mapping[int, float]], target_kind: DocumentKind | str,
                   limit: int, filters: SearchFilters = NO_FILTERS) -> dict[int, list]:
    """For each query (term id -> IDF), the targets with the highest BM25 score (inner product), best first."""
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    queries = {q: w for q, w in queries.items() if w}
    if not queries:
        return found
    rows = session.execute(sa.text(f"""
        SELECT q.query_id, t.id, t.score
        FROM unnest(CAST(:ids AS integer[]), CAST(:vecs AS text[])) AS q0(query_id, vec)
        CROSS JOIN LATERAL (SELECT q0.query_id, CAST(q0.vec AS sparsevec) AS vec) AS q
        CROSS JOIN LATERAL (
            SELECT d.id, -(d.bm25 <#> q.vec) AS score
            FROM documents d
            WHERE d.bm25 IS NOT NULL AND (d.bm25 <#> q.vec) < 0 AND {_target_filter_sql(target_kind, filters)}
            ORDER BY d.bm25 <#> q.vec, d.id
            LIMIT :limit
        ) t
        ORDER BY q.query_id, t.score DESC, t.id
    """), {"ids": list(queries), "vecs": [sparse_literal(w) for w in queries.values()],  # noqa: S608 - constants
           "limit": limit, "location": f"%{filters.location}%" if filters.location else None})
    for query_id, document_id, score in rows:
        found[int(query_id)].append((int(document_id), float(score)))
    return found


def clear_index(*, session: Session, kind: DocumentKind | str) -> None:
    """Drop every BM25 weight and document frequency of `kind`: the index stage then rebuilds them from scratch
    (the remedy for frequencies still counting superseded documents, and the bench's cold start)."""
    session.execute(sa.text("UPDATE documents SET bm25 = NULL, bm25_length = NULL, bm25_avgdl = NULL "
                            "WHERE kind = :kind AND bm25 IS NOT NULL"), {"kind": DocumentKind(kind).value})
    session.execute(sa.text("DELETE FROM bm25_terms WHERE kind = :kind"), {"kind": DocumentKind(kind).value})
