"""The three rankers compared on every set, each answering: for these query documents, the targets in order.

    pipeline  the product: hybrid retrieval (pgvector HNSW + Postgres full-text, RRF) then the feature
              reranker - the same `search_matches` + `rerank_matches` the chains run
    lexical   the pipeline's own lexical retriever alone (`MatchConfig.lexical`: BM25 sparse vectors in Postgres,
              or ts_rank_cd full-text), the same statement the pipeline fuses
    vector    pgvector cosine only (`storage.search.search_by_vector`), the embedding model on its own
    bm25      Okapi BM25 (rank_bm25, k1=1.5, b=0.75) over the same stored texts, Snowball-stemmed per
              document language; the whole query document is the query

All three see the same targets: the pipeline and vector rankers through the search filters `store.scope`
sets, BM25 through the target ids it is given. The pipeline ranker scores with the weights the entry
point read from the settings (`ranker_functions(weights=...)`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from matchflow.domain import ChainSpec, DocumentKind
from matchflow.evaluation.ranker_names import RANKERS as RANKERS  # the names live apart, for report.py
from matchflow.pipeline.config import RETRIEVAL_POOL, MatchConfig
from matchflow.pipeline.rerank import rerank_matches, skill_idf
from matchflow.pipeline.search import search_lexical, search_matches
from storage.evaluation import document_texts
from storage.search import search_by_vector

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import EmbeddingModel

QUERY_BATCH = 64

Ranking = dict[int, list[int]]  # query document id -> target document ids, best first
Ranker = Callable[..., Ranking]


def rank_pipeline(session: Session, *, chain: ChainSpec, model: EmbeddingModel, query_ids: list[int],
                  target_ids: list[int], k: int, weights: Mapping[str, float], lexical: str = "bm25",
                  bm25_query: str = "terms") -> Ranking:
    """Hybrid retrieval + rerank, batch by batch, keeping the top k of each query (`weights`: the user's)."""
    config = MatchConfig(top_k=k, pool=max(RETRIEVAL_POOL, k), weights=dict(weights), lexical=lexical,
                         bm25_query=bm25_query)
    idf = skill_idf(session=session)
    found: Ranking = {}
    for start in range(0, len(query_ids), QUERY_BATCH):
        batch = search_matches(session=session, chain=chain, model=model, config=config,
                               query_ids=query_ids[start:start + QUERY_BATCH])
        rerank_matches(batch, config=config, skill_idf=idf)
        for query_id, ranked in batch.ranked.items():
            found[query_id] = [int(m.job_id if chain.target_kind is DocumentKind.JOB else m.resume_id)
                               for m, _ in ranked]
    return found


def rank_vector(session: Session, *, chain: ChainSpec, model: EmbeddingModel, query_ids: list[int],
                target_ids: list[int], k: int) -> Ranking:
    """pgvector cosine nearest neighbours only."""
    found: Ranking = {}
    for start in range(0, len(query_ids), QUERY_BATCH):
        hits = search_by_vector(session=session, query_ids=query_ids[start:start + QUERY_BATCH],
                                target_kind=chain.target_kind, model_id=model.id, dimension=model.dimension,
                                limit=k)
        found.update({q: [t for t, _ in targets] for q, targets in hits.items()})
    return found


def rank_lexical(session: Session, *, chain: ChainSpec, model: EmbeddingModel, query_ids: list[int],
                 target_ids: list[int], k: int, lexical: str = "bm25", bm25_query: str = "terms") -> Ranking:
    """The pipeline's lexical retriever on its own (no vectors, no rerank)."""
    config = MatchConfig(top_k=k, pool=k, lexical=lexical, bm25_query=bm25_query)
    found: Ranking = {}
    for start in range(0, len(query_ids), QUERY_BATCH):
        batch = query_ids[start:start + QUERY_BATCH]
        hits = search_lexical(session=session, query_ids=batch, target_kind=chain.target_kind, config=config)
        found.update({q: [t for t, _ in hits.get(q, [])] for q in batch})
    return found


_TOKEN = re.compile(r"[^\W_]+(?:[+#]+)?")
_STEMMERS = {"en": "english", "ru": "russian"}


@lru_cache(maxsize=4)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(_STEMMERS.get(language, "english"))


def bm25_tokens(text: str, language: str | None) -> list[str]:
    """Lower-cased word tokens (ё as е), Snowball-stemmed in the document's language; 1-letter tokens dropped."""
    words = [w for w in _TOKEN.findall((text or "").casefold().replace("ё", "е")) if len(w) > 1]
    return _stemmer(language or "en").stemWords(words)


def rank_bm25(session: Session, *, chain: str, model: EmbeddingModel, query_ids: list[int],
              target_ids: list[int], k: int) -> Ranking:
    """Okapi BM25 of each query's whole text against the targets' texts (IDF over those targets)."""
    from rank_bm25 import BM25Okapi

    rows = document_texts(session=session, document_ids=set(query_ids) | set(target_ids))
    targets = [t for t in target_ids if t in rows]
    if not targets:
        return {q: [] for q in query_ids}
    index = BM25Okapi([bm25_tokens(*rows[t]) for t in targets])
    found: Ranking = {}
    for query_id in query_ids:
        scores = index.get_scores(bm25_tokens(*rows[query_id]))
        order = sorted(range(len(targets)), key=lambda i: (-scores[i], targets[i]))
        found[query_id] = [targets[i] for i in order[:k]]
    return found


def ranker_functions(*, weights: Mapping[str, float], lexical: str = "bm25",
                     bm25_query: str = "terms") -> dict[str, Ranker]:
    """The rankers by name, all called alike; the pipeline's reranks with `weights` (settings.match_weights)
    and, like the lexical ranker, retrieves with `lexical` (settings.lexical_retriever, settings.bm25_query)."""
    return {"pipeline": partial(rank_pipeline, weights=weights, lexical=lexical, bm25_query=bm25_query),
            "lexical": partial(rank_lexical, lexical=lexical, bm25_query=bm25_query),
            "bm25": rank_bm25, "vector": rank_vector}
