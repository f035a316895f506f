"""BM25 weighting for the Postgres lexical retriever: hashed term ids, saturated tf per document, IDF per query.

A document's sparse vector holds w(t) = tf*(k1+1) / (tf + k1*(1-b+b*dl/avgdl)) for each of its search_tsv
lexemes (the stems of its own language's text search configuration); a query's holds idf(t) for each of its
lexemes, so the inner product of the two is the Okapi BM25 score.

Drift as documents arrive:
    idf    computed at search time from `bm25_terms` (df) and the indexed count (N): always current
    avgdl  baked into the document weights; each document records the avgdl it used, and the index stage
           reweights those more than REWEIGHT_TOLERANCE away from today's average (a bounded batch per run)

Every step is idempotent and restart-safe: documents are claimed by "no weights yet" under row locks, and a
document's weights and its df increments are written in the same transaction.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from matchflow.domain import NO_FILTERS, DocumentKind, SearchFilters
from storage.lexical import (
    add_document_frequencies,
    claim_documents_to_index,
    clear_index,
    document_frequencies,
    document_lexemes,
    documents_to_reweight,
    length_stats,
    query_lexemes,
    save_weights,
    search_by_bm25,
)
from storage.models import BM25_DIMENSION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

K1 = 1.2
B = 0.75
REWEIGHT_TOLERANCE = 0.10  # relative avgdl drift that triggers reweighting (BM25 moves little below it)
MAX_TERMS = 16_000  # pgvector's limit of non-zero entries per sparsevec; the heaviest are kept


def term_id(lexeme: str) -> int:
    """A stable id in [0, BM25_DIMENSION) for a lexeme: the same in every process, database and run."""
    digest = hashlib.blake2b(lexeme.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BM25_DIMENSION


def term_counts(lexemes: Mapping[str, int]) -> Counter[int]:
    """Occurrences per term id (lexemes that hash alike, which is rare, add up)."""
    counts: Counter[int] = Counter()
    for lexeme, count in lexemes.items():
        counts[term_id(lexeme)] += count
    return counts


def saturation_weights(counts: Mapping[int, int], avgdl: float, *, k1: float = K1, b: float = B) -> dict[int, float]:
    """The document side of BM25: tf saturated and normalised by the length relative to `avgdl`."""
    length = sum(counts.values())
    norm = k1 * (1 - b + b * length / avgdl) if avgdl > 0 else k1
    weights = {term: tf * (k1 + 1) / (tf + norm) for term, tf in counts.items() if tf > 0}
    if len(weights) > MAX_TERMS:
        weights = dict(sorted(weights.items(), key=lambda item: -item[1])[:MAX_TERMS])
    return weights


def idf(df: int, n: int) -> float:
    """Okapi IDF with Lucene's +1 inside the log, so it never goes negative for terms in most documents."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def query_weights(lexemes: Mapping[str, int], df: Mapping[int, int], n: int) -> dict[int, float]:
    """The query side: idf times the term's count in the query (Okapi with k3 -> infinity, as rank_bm25 scores
    a repeated query token), for each term that some target holds (the others cannot score)."""
    return {term: qtf * idf(df[term], n) for term, qtf in term_counts(lexemes).items() if df.get(term)}


def index_documents(*, session: Session, kind: DocumentKind, limit: int) -> int:
    """Weight up to `limit` unindexed documents of `kind` (new ones and the backfill), then reweight up to
    `limit` whose avgdl drifted; returns the documents written. Safe to rerun at any point."""
    ids = claim_documents_to_index(session=session, kind=kind, limit=limit)
    counts = {document_id: term_counts(lexemes)
              for document_id, lexemes in document_lexemes(session=session, document_ids=ids).items()}
    indexed, total = length_stats(session=session, kind=kind)
    batch_total = sum(sum(c.values()) for c in counts.values())
    avgdl = (total + batch_total) / max(indexed + len(counts), 1)
    rows = [(d, saturation_weights(c, avgdl), sum(c.values()), avgdl) for d, c in counts.items()]
    written = set(save_weights(session=session, rows=rows, only_new=True))
    add_document_frequencies(session=session, kind=kind,
                             counts=Counter(term for d in written for term in counts[d]))
    return len(written) + reweight_drifted(session=session, kind=kind, limit=limit)


def reweight_drifted(*, session: Session, kind: DocumentKind, limit: int) -> int:
    """Recompute the weights of documents whose stored avgdl is off today's by more than the tolerance."""
    indexed, total = length_stats(session=session, kind=kind)
    if not indexed:
        return 0
    avgdl = total / indexed
    ids = documents_to_reweight(session=session, kind=kind, avgdl=avgdl, tolerance=REWEIGHT_TOLERANCE, limit=limit)
    lexemes = document_lexemes(session=session, document_ids=ids)
    rows = []
    for document_id, found in lexemes.items():
        counts = term_counts(found)
        rows.append((document_id, saturation_weights(counts, avgdl), sum(counts.values()), avgdl))
    return len(save_weights(session=session, rows=rows, only_new=False))


def rebuild_index(*, session: Session, kind: DocumentKind, batch: int = 256) -> int:
    """Recount everything of `kind` from the stored lexemes (one transaction): frequencies then count only the
    current documents again. Returns the documents indexed."""
    clear_index(session=session, kind=kind)
    done = 0
    while written := index_documents(session=session, kind=kind, limit=batch):
        done += written
    return done


def search_by_bm25_text(*, session: Session, query_ids: list[int], target_kind: DocumentKind, limit: int,
                        query_mode: str, filters: SearchFilters = NO_FILTERS) -> dict[int, list]:
    """The lexical retriever: targets by BM25 of each query document's lexemes (both stemmings), best first."""
    lexemes = query_lexemes(session=session, query_ids=query_ids, mode=query_mode)
    terms = sorted({term_id(lexeme) for found in lexemes.values() for lexeme in found})
    df = document_frequencies(session=session, kind=target_kind, term_ids=terms)
    n, _ = length_stats(session=session, kind=target_kind)
    queries = {query_id: query_weights(found, df, n) for query_id, found in lexemes.items()}
    return search_by_bm25(session=session, queries=queries, target_kind=target_kind, limit=limit, filters=filters)
