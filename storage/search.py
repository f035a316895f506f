"""Both-way hybrid retrieval in Postgres: pgvector HNSW cosine + full-text, for a batch of queries at once.

    search_by_vector     one statement: for every query document, its nearest targets (HNSW, LATERAL join)
    search_by_fulltext   one statement: for every query document, targets ranked by ts_rank_cd over an OR
                         query of its skills and titles, stemmed for English and Russian
    pair_similarities    cosines of given (query, target) pairs, for targets only the full-text search found

Fusing the lists (RRF) is ranking arithmetic and lives above, in `matchflow.pipeline.search`.

Filters a recruiter expects are applied inside both statements: only current, non-duplicate documents;
only open jobs / active candidates; optionally a location or remote-only.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchflow.domain import NO_FILTERS, SEARCHABLE_STATUSES, DocumentKind, SearchFilters

# Candidates the HNSW walk keeps (raised to the LIMIT when that is larger): the smallest that keeps recall@10
# >= 0.98 with a margin at 100k vectors and ef_construction 200 (90: 0.985, 1.8 ms of CPU a query; 80: 0.980;
# 100: 0.987 but 1,000 queries take 2.0-2.1 s); docs/benchmarks.md, "Search".
HNSW_EF_SEARCH = 90


SEARCHABLE_SQL = ", ".join(f"'{status.value}'" for status in SEARCHABLE_STATUSES)  # fixed words


def _kind_literal(kind: DocumentKind | str) -> str:
    """A document kind as an SQL literal: one of two fixed words, checked here, never user text."""
    if kind not in tuple(DocumentKind):
        raise ValueError(f"unknown document kind {kind!r}")
    return f"'{DocumentKind(kind).value}'"


def _target_filter_sql(target_kind: DocumentKind | str, filters: SearchFilters) -> str:
    """The targets' filters; every value the user gives (location) stays a bind parameter."""
    clauses = ["d.is_current", f"d.status IN ({SEARCHABLE_SQL})", f"d.kind = {_kind_literal(target_kind)}"]
    if target_kind == DocumentKind.JOB:
        job = ["j.id = d.job_id", "j.status = 'open'"]
        if filters.remote_only:
            job.append("j.remote = 'remote'")
        if filters.location:
            job.append("j.location_text ILIKE :location")
        clauses.append(f"EXISTS (SELECT 1 FROM jobs j WHERE {' AND '.join(job)})")  # noqa: S608 - fixed fragments
    else:
        clauses.append("EXISTS (SELECT 1 FROM candidates c WHERE c.id = d.candidate_id AND c.status = 'active')")
        if filters.location:
            clauses.append("d.fields->>'location' ILIKE :location")
    return " AND ".join(clauses)


def search_by_vector(*, session: Session, query_ids: list[int], target_kind: DocumentKind | str, model_id: int,
                      dimension: int, limit: int, filters: SearchFilters = NO_FILTERS,
                      ef_search: int = HNSW_EF_SEARCH) -> dict[int, list]:
    """Nearest targets by cosine similarity for each query document, in one round trip.

    The model id, kind and dimension are written into the SQL (they are ints and a fixed word), because
    the planner only uses a partial index whose predicate it can prove from constants.
    """
    kind, dim = _kind_literal(target_kind), int(dimension)
    session.execute(sa.text(f"SET LOCAL hnsw.ef_search = {max(int(ef_search), limit)}"))
    session.execute(sa.text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    rows = session.execute(sa.text(f"""
        SELECT q.document_id AS query_id, t.document_id, 1 - t.distance AS similarity
        FROM embeddings q
        CROSS JOIN LATERAL (
            SELECT e.document_id, (e.embedding::vector({dim})) <=> (q.embedding::vector({dim})) AS distance
            FROM embeddings e JOIN documents d ON d.id = e.document_id
            WHERE e.model_id = {int(model_id)} AND e.kind = {kind} AND e.section = 'document'
              AND {_target_filter_sql(target_kind, filters)}
            ORDER BY (e.embedding::vector({dim})) <=> (q.embedding::vector({dim}))
            LIMIT :limit
        ) t
        WHERE q.model_id = :model_id AND q.section = 'document' AND q.document_id = ANY(:query_ids)
        ORDER BY q.document_id, t.distance
    """),  # noqa: S608 - ints and a checked kind (see docstring); values are bound
        {"model_id": model_id, "limit": limit, "query_ids": query_ids,
         "location": f"%{filters.location}%" if filters.location else None})
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for query_id, document_id, similarity in rows:
        found[query_id].append((document_id, float(similarity)))
    return found


def pair_similarities(*, session: Session, pairs: list[tuple[int, int]], model_id: int,
                      dimension: int) -> dict[tuple[int, int], float]:
    """Cosine similarity of the whole-document vectors of each (query, target) pair, in one round trip.

    For targets that only the full-text search found: the reranker's semantic feature needs their real
    similarity, not the 0 that "not in the vector top-K" would otherwise give them.
    """
    if not pairs:
        return {}
    dim = int(dimension)
    rows = session.execute(sa.text(f"""
        SELECT p.query_id, p.target_id, 1 - ((q.embedding::vector({dim})) <=> (t.embedding::vector({dim})))
        FROM unnest(CAST(:queries AS integer[]), CAST(:targets AS integer[])) AS p(query_id, target_id)
        JOIN embeddings q ON q.document_id = p.query_id AND q.model_id = :model_id AND q.section = 'document'
        JOIN embeddings t ON t.document_id = p.target_id AND t.model_id = :model_id AND t.section = 'document'
    """),  # noqa: S608 - the dimension is an int; values are bound
        {"queries": [q for q, _ in pairs], "targets": [t for _, t in pairs], "model_id": model_id})
    return {(int(query_id), int(target_id)): float(similarity) for query_id, target_id, similarity in rows}


def search_by_fulltext(*, session: Session, query_ids: list[int], target_kind: DocumentKind | str, limit: int,
                        filters: SearchFilters = NO_FILTERS) -> dict[int, list]:
    """Targets ranked by full-text relevance to each query's skills and titles (English + Russian stems)."""
    rows = session.execute(sa.text(f"""
        WITH q AS (
            SELECT qd.id AS query_id,
                   coalesce((SELECT string_agg(s.name, ' ') FROM document_skills ds JOIN skills s ON s.id = ds.skill_id
                             WHERE ds.document_id = qd.id), '')
                   || ' ' || coalesce((SELECT string_agg(value, ' ')
                                       FROM jsonb_array_elements_text(qd.fields->'titles')), '') AS terms
            FROM documents qd WHERE qd.id = ANY(:query_ids)
        ), tq AS (  -- OR of the terms, stemmed both ways: each target is stemmed by its own language
            SELECT query_id,
                   replace(plainto_tsquery('english', terms)::text, '&', '|')::tsquery
                   || replace(plainto_tsquery('russian', terms)::text, '&', '|')::tsquery AS query
            FROM q
        )
        SELECT tq.query_id, t.id, t.rank
        FROM tq CROSS JOIN LATERAL (
            SELECT d.id, ts_rank_cd(d.search_tsv, tq.query) AS rank
            FROM documents d
            WHERE numnode(tq.query) > 0 AND d.search_tsv @@ tq.query
              AND {_target_filter_sql(target_kind, filters)}
            ORDER BY rank DESC, d.id
            LIMIT :limit
        ) t
        ORDER BY tq.query_id, t.rank DESC
    """), {"query_ids": query_ids, "limit": limit,  # noqa: S608 - constants only; values are bound
           "location": f"%{filters.location}%" if filters.location else None})
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for query_id, document_id, rank in rows:
        found[query_id].append((document_id, float(rank)))
    return found
