"""Collect what a weight fit needs from the evaluation's corpora: every query's pool with its feature values.

The pools come from the pipeline's own `search_matches` (hybrid retrieval, RRF, the same pool size the
pipeline ranker of `rankers.py` uses), the features from `matchflow.rerank.compute_features` with the same
skill IDF, so ranking a pool by features @ DEFAULT_WEIGHTS reproduces the evaluation's pipeline figures.
The baselines (lexical, bm25, vector) are ranked in the same scoped session and scored per query.

Fold units (`group`): a category for the English sets (its postings and its resumes together), a role family
for the Russian ones (its vacancies and the resumes that applied to them), so no job and no relevant target
of a validation fold is ever seen in training (see `weights.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from matchflow.domain import CHAIN_B, ChainSpec
from matchflow.evaluation.applicant_runner import ApplicantCorpus
from matchflow.evaluation.rankers import QUERY_BATCH, ranker_functions
from matchflow.evaluation.runners import DIRECTIONS, HIRES_K, Corpus, HireCorpus, direction_sides
from matchflow.evaluation.store import scope
from matchflow.evaluation.weight_fit import HIRES, RETRIEVAL, QueryPool, Task, list_metrics, pack
from matchflow.pipeline.config import RETRIEVAL_POOL, MatchConfig
from matchflow.pipeline.rerank import pool_pairs, skill_idf
from matchflow.pipeline.search import search_matches
from matchflow.rerank import compute_features
from storage.evaluation import read_only_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BASELINES = ("lexical", "bm25", "vector")
K = 10
Pools = dict[int, tuple[list[int], list[dict[str, float]]]]  # query -> (pool targets, their features)


def feature_pools(session: Session, *, chain: ChainSpec, model, query_ids: list[int], k: int, lexical: str,
                  bm25_query: str) -> Pools:
    """Each query's reranker pool (RRF order) and every pair's features, as `rank_pipeline` would score them."""
    config = MatchConfig(top_k=k, pool=max(RETRIEVAL_POOL, k), lexical=lexical, bm25_query=bm25_query)
    idf = skill_idf(session=session)
    pools: Pools = {}
    for start in range(0, len(query_ids), QUERY_BATCH):
        batch = search_matches(session=session, chain=chain, model=model, config=config,
                               query_ids=query_ids[start:start + QUERY_BATCH])
        for query_id in batch.query_ids:
            pairs = pool_pairs(batch, query_id)
            pools[query_id] = (list(batch.pools.get(query_id, [])), [compute_features(p, idf) for p in pairs])
    return pools


def _baseline_rankings(session: Session, *, chain: ChainSpec, model, query_ids: list[int],
                       target_ids: list[int], k: int, lexical: str, bm25_query: str) -> dict[str, dict]:
    functions = ranker_functions(weights={}, lexical=lexical, bm25_query=bm25_query)
    return {name: functions[name](session, chain=chain, model=model, query_ids=query_ids, target_ids=target_ids,
                                  k=k) for name in BASELINES}


def _task(name: str, kind: str, k: int, pools: list[QueryPool], features: Sequence[str],
          baselines: Mapping[str, Mapping[int, list[int]]], candidates: Mapping[int, list[int]]) -> Task:
    """Pack the pools and score each baseline's ranking per query with the same metric definitions."""
    task = pack(name, kind, k, pools, features)
    for ranker, ranking in baselines.items():
        rows = [list_metrics(ranking.get(p.query, []), candidates.get(p.query, []), p.relevant, p.total_relevant,
                             kind, k) for p in pools]
        task.baselines[ranker] = {metric: _column(rows, metric) for metric in (rows[0] if rows else {})}
    return task


def _column(rows: list[dict[str, float]], metric: str) -> np.ndarray:
    return np.array([row[metric] for row in rows])


def category_tasks(corpus: Corpus, variant: str, *, features: Sequence[str], lexical: str,
                   bm25_query: str) -> list[Task]:
    """Both directions of one category corpus; the group of every document is its category."""
    resume_ids, job_ids = sorted(corpus.resume_label), sorted(corpus.job_label)
    tasks = []
    with read_only_session(corpus.store.engine) as session:
        scope(session, resume_ids=resume_ids, job_ids=job_ids)
        for direction, chain in DIRECTIONS.items():
            queries, targets, query_label, target_label = direction_sides(corpus, chain)
            by_label: dict[str, set[int]] = defaultdict(set)
            for target, label in target_label.items():
                by_label[label].add(target)
            asked = [q for q in queries if by_label.get(query_label[q])]  # nothing relevant: says nothing
            pools = feature_pools(session, chain=chain, model=corpus.model, query_ids=asked, k=K, lexical=lexical,
                                  bm25_query=bm25_query)
            rows = []
            for query in asked:
                targets_of, values = pools.get(query, ([], []))
                label = query_label[query]
                rows.append(QueryPool(query=query, label=label, group=f"en:{label}", targets=targets_of,
                                      target_groups=[frozenset({f"en:{target_label[t]}"}) for t in targets_of],
                                      features=values, relevant=frozenset(by_label[label]),
                                      total_relevant=len(by_label[label])))
            baselines = _baseline_rankings(session, chain=chain, model=corpus.model, query_ids=asked,
                                           target_ids=targets, k=K, lexical=lexical, bm25_query=bm25_query)
            tasks.append(_task(f"categories-{variant}/{direction}", RETRIEVAL, K, rows, features, baselines, {}))
    return tasks


def russian_group(family: str | None, vacancy_key: str) -> str:
    """The fold unit of a Russian vacancy: its role family (the three DWH-analyst vacancies go together)."""
    return f"ru:{family}" if family else f"ru:vacancy:{vacancy_key}"


def hire_task(corpus: HireCorpus, *, vacancy_groups: Mapping[str, str], features: Sequence[str], lexical: str,
              bm25_query: str) -> Task:
    """Each vacancy ranks its own resumes (all of them are in its pool); relevant = hired."""
    rows, baselines, candidates = [], {name: {} for name in BASELINES}, {}
    all_resumes = sorted(corpus.resume_doc)
    for number, vacancy in enumerate(corpus.vacancies, start=1):
        query = corpus.doc_of_vacancy.get(vacancy.key)
        own = [(corpus.doc_of_resume[r.key], r.hired) for r in vacancy.resumes if r.key in corpus.doc_of_resume]
        if query is None or not own:
            continue
        own_ids = [doc for doc, _ in own]
        hired = frozenset(doc for doc, is_hired in own if is_hired)
        group = vacancy_groups[vacancy.key]
        with read_only_session(corpus.store.engine) as session:
            scope(session, resume_ids=own_ids, job_ids=[query])
            pools = feature_pools(session, chain=CHAIN_B, model=corpus.model, query_ids=[query],
                                  k=len(all_resumes), lexical=lexical, bm25_query=bm25_query)
            ranked = _baseline_rankings(session, chain=CHAIN_B, model=corpus.model, query_ids=[query],
                                        target_ids=all_resumes, k=len(all_resumes), lexical=lexical,
                                        bm25_query=bm25_query)
        for name in BASELINES:
            baselines[name][query] = [d for d in ranked[name].get(query, []) if d in set(own_ids)]
        candidates[query] = own_ids
        targets_of, values = pools.get(query, ([], []))
        rows.append(QueryPool(query=query, label=f"V{number}", group=group, targets=targets_of,
                              target_groups=[frozenset({group})] * len(targets_of), features=values,
                              relevant=hired, total_relevant=len(hired)))
    return _task("hires", HIRES, HIRES_K, rows, features, baselines, candidates)


def applicant_tasks(corpus: ApplicantCorpus, *, features: Sequence[str], lexical: str, bm25_query: str
                    ) -> list[Task]:
    """Each vacancy ranks all resumes, scored as two tasks (relevant = applied; relevant = same role family)."""
    applicants = corpus.applicants
    group_of = {v.key: russian_group(v.family, v.key) for v in applicants.vacancies}
    resume_groups = {corpus.resume_doc[r.key]: frozenset(group_of[v] for v in r.applied_to if v in group_of)
                     for r in applicants.resumes if r.key in corpus.resume_doc}
    resume_ids, vacancy_ids = sorted(corpus.resume_doc.values()), sorted(corpus.vacancy_doc.values())
    with read_only_session(corpus.store.engine) as session:
        scope(session, resume_ids=resume_ids, job_ids=vacancy_ids)
        pools = feature_pools(session, chain=CHAIN_B, model=corpus.model, query_ids=vacancy_ids, k=K,
                              lexical=lexical, bm25_query=bm25_query)
        baselines = _baseline_rankings(session, chain=CHAIN_B, model=corpus.model, query_ids=vacancy_ids,
                                       target_ids=resume_ids, k=K, lexical=lexical, bm25_query=bm25_query)
    tasks = []
    for relevance in ("applied", "family"):
        rows = []
        for number, vacancy in enumerate(applicants.vacancies, start=1):
            query = corpus.vacancy_doc.get(vacancy.key)
            relevant = frozenset(corpus.resume_doc[key] for key in applicants.relevant(vacancy, relevance)
                                 if key in corpus.resume_doc)
            if query is None or not relevant:
                continue
            targets_of, values = pools.get(query, ([], []))
            rows.append(QueryPool(query=query, label=f"V{number}", group=group_of[vacancy.key], targets=targets_of,
                                  target_groups=[resume_groups.get(t, frozenset()) for t in targets_of],
                                  features=values, relevant=relevant, total_relevant=len(relevant)))
        tasks.append(_task(f"applicants/{relevance}", RETRIEVAL, K, rows, features, baselines, {}))
    return tasks
