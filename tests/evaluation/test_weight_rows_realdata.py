"""The weight fit's rows on a small real subset: ranking them by the weights reproduces the pipeline ranker."""

from __future__ import annotations

import numpy as np
import pytest

from matchflow.evaluation.datasets import category_postings, resume_labels
from matchflow.evaluation.runners import build_category_corpus, evaluate_corpus
from matchflow.evaluation.weight_fit import macro, query_metrics
from matchflow.evaluation.weight_rows import category_tasks
from matchflow.scoring import DEFAULT_WEIGHTS, FEATURES
from matchflow.settings import get_settings

CATEGORIES = ["ACCOUNTANT", "HR", "TEACHER"]

pytestmark = pytest.mark.realdata


def test_weighted_pools_reproduce_the_pipeline_rankers_figures(categories_data, tmp_path):
    from matchflow.embedding import Embedder

    settings = get_settings()
    embedder = Embedder.load("sentence-transformers/all-MiniLM-L6-v2", device="cpu")
    resumes = resume_labels(categories_data, categories=CATEGORIES, per_category=5)
    postings = category_postings(categories_data, per_category=2, categories=CATEGORIES)
    corpus = build_category_corpus(tmp_path / "eval", "full", resumes, postings, embedder, settings)
    tasks = category_tasks(corpus, "full", features=FEATURES, lexical="bm25", bm25_query="terms")
    weights = {"semantic": 0.2, "required_skills": 0.1, "title": 0.5, "experience": 0.1, "location": 0.1}
    report = evaluate_corpus(corpus, k=10, weights=weights, rankers=("pipeline", "bm25"))
    vector = np.array([weights.get(name, 0.0) for name in FEATURES])
    for task in tasks:
        direction = task.name.split("/")[1]
        assert task.features.shape[2] == len(FEATURES) and task.valid.any(axis=1).all()
        scored = query_metrics(task, vector)
        for metric in ("precision", "ndcg"):
            assert macro(scored[metric], task.labels) == pytest.approx(
                report[direction]["pipeline"]["mean"][metric], abs=1e-9)
            assert macro(task.baselines["bm25"][metric], task.labels) == pytest.approx(
                report[direction]["bm25"]["mean"][metric], abs=1e-9)
        assert set(task.groups) <= {f"en:{c}" for c in CATEGORIES}
    assert len(DEFAULT_WEIGHTS) == len(FEATURES)
