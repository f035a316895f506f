"""Per-model prompts: the table by model name, the override, and what a prompt does to the real MiniLM's inputs."""

from __future__ import annotations

import numpy as np
import pytest

from matchflow.embedding import DEFAULT_EMBED_MODEL, Embedder, expected_revision
from matchflow.embedding.prompts import model_prompt, prompt_revision
from matchflow.pipeline.config import EmbedConfig
from matchflow.settings import Settings
from tests.embedding.test_embedding import LONG_RESUME


@pytest.mark.parametrize(("name", "prompt"), [
    ("intfloat/multilingual-e5-small", "query: "),
    ("intfloat/e5-base-v2", "query: "),
    ("/models/multilingual-e5-large", "query: "),
    ("intfloat/multilingual-e5-large-instruct", ""),  # wants a task sentence: set MATCHFLOW_EMBED_PROMPT
    ("nomic-ai/nomic-embed-text-v1.5", "clustering: "),
    (DEFAULT_EMBED_MODEL, ""),
    ("BAAI/bge-m3", ""),
    ("some/e5lookalike", ""),
])
def test_known_prompts_by_model_name(name: str, prompt: str) -> None:
    assert model_prompt(name) == prompt


def test_override_wins_and_empty_means_none() -> None:
    assert model_prompt("intfloat/multilingual-e5-small", "passage: ") == "passage: "
    assert model_prompt("intfloat/multilingual-e5-small", "") == ""
    assert model_prompt(DEFAULT_EMBED_MODEL, "query: ") == "query: "
    assert prompt_revision("") == ""
    assert prompt_revision("query: ") != prompt_revision("passage: ")


def test_the_setting_reaches_the_embed_config() -> None:
    assert EmbedConfig.from_settings(Settings()).prompt is None
    assert EmbedConfig.from_settings(Settings(embed_prompt="query: ")).prompt == "query: "


@pytest.fixture(scope="module")
def prompted() -> Embedder:
    return Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=8, prompt="query: ")


def test_prompt_is_part_of_the_identity(embedder: Embedder, prompted: Embedder) -> None:
    assert embedder.prompt == "" and prompted.prompt == "query: "
    assert prompted.model_revision == embedder.model_revision + prompt_revision("query: ")
    assert expected_revision(DEFAULT_EMBED_MODEL, prompt="query: ") == prompted.model_revision
    assert expected_revision(DEFAULT_EMBED_MODEL) == embedder.model_revision  # no prompt: vectors stay valid


def test_prompt_goes_before_the_text_as_the_model_would_read_it(embedder: Embedder, prompted: Embedder) -> None:
    texts = ["Python backend developer, Django and PostgreSQL", "Pastry chef"]
    reference = embedder._model.encode(["query: " + t for t in texts], normalize_embeddings=True)
    np.testing.assert_allclose(prompted.embed_texts(texts), reference, atol=1e-5)
    assert not np.allclose(prompted.embed_texts(texts), embedder.embed_texts(texts), atol=1e-3)


def test_every_window_of_a_long_document_carries_the_prompt(embedder: Embedder, prompted: Embedder) -> None:
    prompt_tokens = len(embedder._model.tokenizer("query: ", add_special_tokens=False)["input_ids"])
    assert prompted.window == embedder.window - prompt_tokens
    chunks = prompted.chunk_text(LONG_RESUME)
    assert len(chunks) >= 3 and all(tokens <= prompted.window for _, tokens in chunks)
    [doc] = prompted.embed_documents([LONG_RESUME])
    assert doc.chunks == len(chunks)
    # the document vector is the token-weighted mean of the prompted windows
    windows = embedder._model.encode(["query: " + text for text, _ in chunks], normalize_embeddings=True)
    mean = (windows * np.array([tokens for _, tokens in chunks], dtype=np.float64)[:, None]).sum(axis=0)
    assert float(doc.document @ mean / np.linalg.norm(mean)) > 0.999
