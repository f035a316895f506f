"""The ONNX backends (fp32, int8), torch-bf16 and `auto`, with the real all-MiniLM-L6-v2 (exported offline once per
session for ONNX)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydantic
import pytest
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.embedding import (
    CHOICE_FILE,
    DEFAULT_EMBED_MODEL,
    MIN_MEAN_COSINE,
    ONNX_FILES,
    Embedder,
    calibration_texts,
    expected_revision,
    onnx_dir,
)
from matchflow.pipeline.config import EmbedConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, known_model, load_embedder, register_model
from matchflow.pipeline.ingest import ingest_paths
from matchflow.settings import Settings
from storage.db import session_scope
from storage.models import Embedding, EmbeddingModel
from storage.search import search_by_vector
from tests.embedding.test_embedding import LONG_RESUME

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TEXTS = [
    "Senior Python backend developer: Django, PostgreSQL, Kubernetes, eight years in payments.",
    "Повар-кондитер с опытом работы в ресторане, торты и выпечка.",
    "Registered nurse, intensive care unit, ventilator management.",
    "Data analyst: SQL, Tableau, A/B testing and retention dashboards.",
]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One export folder for the session (the export takes tens of seconds on two cores)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def int8(model_cache) -> Embedder:
    return Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=8, backend="onnx-int8", cache_dir=model_cache)


@pytest.fixture(scope="session")
def onnx(model_cache, int8) -> Embedder:  # after int8: the export writes both files at once
    return Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=8, backend="onnx", cache_dir=model_cache)


@pytest.fixture(scope="session")
def bf16() -> Embedder:
    return Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=8, backend="torch-bf16")


def _row_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_export_is_built_offline_once_and_complete(int8: Embedder, model_cache: Path) -> None:
    folder = onnx_dir(model_cache, DEFAULT_EMBED_MODEL, int8._loaded.revision)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["weights_revision"] == int8._loaded.revision
    assert manifest["int8_excluded_nodes"] == 6  # the six feed-forward output projections stay fp32
    assert all((folder / name).stat().st_size > 10_000_000 for name in ONNX_FILES.values())
    assert not list(model_cache.glob("*.tmp-*"))  # the temporary build folder was renamed into place
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    from matchflow.embedding import ensure_onnx_export

    assert ensure_onnx_export(int8._model, model_name=DEFAULT_EMBED_MODEL, weights_revision=int8._loaded.revision,
                              cache_dir=model_cache) == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp  # found, not rebuilt


def test_onnx_fp32_gives_torch_vectors(embedder: Embedder, onnx: Embedder) -> None:
    assert onnx.backend == "onnx" and onnx.device == "cpu"
    cosines = _row_cosines(onnx.embed_texts(TEXTS), embedder.embed_texts(TEXTS))
    assert cosines.min() > 0.9999
    assert onnx.model_revision == embedder.model_revision  # same weights, same function: one identity


def test_int8_vectors_stay_close_to_fp32(embedder: Embedder, int8: Embedder) -> None:
    cosines = _row_cosines(int8.embed_texts(TEXTS), embedder.embed_texts(TEXTS))
    assert cosines.mean() >= MIN_MEAN_COSINE and cosines.min() >= 0.98
    assert not np.allclose(int8.embed_texts(TEXTS), embedder.embed_texts(TEXTS), atol=1e-4)  # really int8
    docs_fp32 = embedder.embed_documents([LONG_RESUME, TEXTS[0]])
    docs_int8 = int8.embed_documents([LONG_RESUME, TEXTS[0]])
    for a, b in zip(docs_fp32, docs_int8, strict=True):
        assert a.chunks == b.chunks and a.tokens == b.tokens
        assert float(a.document @ b.document) >= MIN_MEAN_COSINE
    # retrieval barely moves: each text's nearest neighbour is the same under both backends
    fp32, quant = embedder.embed_texts(TEXTS), int8.embed_texts(TEXTS)
    assert ((fp32 @ fp32.T).argsort(axis=1)[:, -2] == (quant @ quant.T).argsort(axis=1)[:, -2]).all()


def test_int8_has_its_own_model_identity(embedder: Embedder, int8: Embedder, model_cache: Path) -> None:
    assert int8.model_revision == embedder.model_revision + "+onnx-int8"
    assert expected_revision(DEFAULT_EMBED_MODEL, backend="onnx-int8", cache_dir=model_cache) == int8.model_revision
    assert expected_revision(DEFAULT_EMBED_MODEL, backend="torch") == embedder.model_revision


def test_backend_setting_is_validated() -> None:
    assert Settings(embed_backend="onnx-int8").embed_backend == "onnx-int8"
    assert Settings(embed_backend="torch-bf16").embed_backend == "torch-bf16"
    with pytest.raises(pydantic.ValidationError, match="'auto', 'torch', 'torch-bf16', 'onnx' or 'onnx-int8'"):
        Settings(embed_backend="int8")
    with pytest.raises(ValueError, match="use one of auto, torch, torch-bf16, onnx, onnx-int8"):
        expected_revision(DEFAULT_EMBED_MODEL, backend="fast")


def test_bf16_vectors_stay_close_to_fp32(embedder: Embedder, bf16: Embedder) -> None:
    texts = calibration_texts() + TEXTS
    fp32, half = embedder.embed_texts(texts), bf16.embed_texts(texts)
    assert half.dtype == np.float32 and half.shape == fp32.shape
    assert _row_cosines(fp32, half).min() >= 0.99
    assert not np.allclose(fp32, half, atol=1e-4)  # really bf16 arithmetic, not fp32 under another name
    samples = [LONG_RESUME, *(p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "jobs").glob("j0[3478]-*")))]
    assert len(samples) == 5
    for a, b in zip(embedder.embed_documents(samples), bf16.embed_documents(samples), strict=True):
        assert a.chunks == b.chunks and a.tokens == b.tokens
        assert float(a.document @ b.document) >= 0.99


def test_bf16_has_its_own_model_identity(embedder: Embedder, bf16: Embedder) -> None:
    assert bf16.backend == "torch-bf16" and bf16.device == "cpu"
    assert bf16.model_revision == embedder.model_revision + "+bf16"
    assert expected_revision(DEFAULT_EMBED_MODEL, backend="torch-bf16") == bf16.model_revision


def test_bf16_is_chosen_by_the_setting_through_the_loader(monkeypatch, tmp_path: Path, bf16: Embedder) -> None:
    """MATCHFLOW_EMBED_BACKEND=torch-bf16 -> Settings -> EmbedConfig -> load_embedder: the pipeline's own route."""
    monkeypatch.setenv("MATCHFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("MATCHFLOW_EMBED_DEVICE", "cpu")
    monkeypatch.setenv("MATCHFLOW_EMBED_BACKEND", "torch-bf16")
    loaded = load_embedder(EmbedConfig.from_settings(Settings()))
    assert loaded.backend == "torch-bf16" and loaded.model_revision == bf16.model_revision
    np.testing.assert_allclose(loaded.embed_texts(TEXTS), bf16.embed_texts(TEXTS), atol=1e-6)


def test_auto_picks_a_passing_backend_and_caches_the_choice(embedder: Embedder, int8: Embedder,
                                                            model_cache: Path) -> None:
    assert expected_revision(DEFAULT_EMBED_MODEL, backend="auto", device="cpu", cache_dir=model_cache) is None
    chosen = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="auto", cache_dir=model_cache)
    [decision] = json.loads((model_cache / CHOICE_FILE).read_text()).values()
    assert chosen.backend == decision["choice"] in ("torch", "torch-bf16", "onnx", "onnx-int8")
    assert decision["results"][chosen.backend]["passed"]
    assert decision["texts"] == len(calibration_texts())
    assert set(decision["results"]) == {"torch", "torch-bf16", "onnx", "onnx-int8"}  # every backend was timed
    assert all(decision["results"][n]["mean_cosine"] >= MIN_MEAN_COSINE for n in ("onnx", "torch-bf16"))
    # known without loading again, and the same on the next load (no second calibration)
    assert expected_revision(DEFAULT_EMBED_MODEL, backend="auto", device="cpu",
                             cache_dir=model_cache) == chosen.model_revision
    again = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="auto", cache_dir=model_cache)
    assert again.backend == chosen.backend
    assert json.loads((model_cache / CHOICE_FILE).read_text())  # one entry, not rewritten with a new one
    assert len(json.loads((model_cache / CHOICE_FILE).read_text())) == 1


def test_a_quiet_run_finds_the_auto_choice_without_torch(embedder: Embedder, model_cache: Path) -> None:
    """A run with nothing to embed looks its model row up by this revision: importing torch costs seconds."""
    chosen = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="auto", cache_dir=model_cache)
    script = ("import sys; from matchflow.embedding import expected_revision; "
              f"print(expected_revision({DEFAULT_EMBED_MODEL!r}, backend='auto', device='auto', "
              f"cache_dir={str(model_cache)!r})); print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == [chosen.model_revision, "False"], done.stderr


def test_onnx_backends_run_on_cpu_only(model_cache: Path) -> None:
    with pytest.raises((ValueError, RuntimeError), match="CPU only|no CUDA"):
        Embedder.load(DEFAULT_EMBED_MODEL, device="cuda", backend="onnx-int8", cache_dir=model_cache)


def test_searches_never_mix_backends(engine, settings, tmp_path, int8: Embedder, model_cache: Path) -> None:
    """torch and int8 vectors live under two model rows; a search of one sees only its own vectors."""
    local = settings.model_copy(update={"file_store": tmp_path / "files"})
    ingest_paths(sorted((SAMPLES / "jobs").glob("j0[1-3]-*")), DocumentKind.JOB,
                 context=RunContext.from_settings(local, engine=engine))
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-2]-*")), DocumentKind.RESUME,
                 context=RunContext.from_settings(local, engine=engine))
    torch_embedder = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="torch")
    for kind in DocumentKind:
        with session_scope(engine) as session:
            embed_batch(session=session, embedder=torch_embedder, kind=kind, limit=100)
    with session_scope(engine) as session:  # int8 embeds both resumes and one of the three jobs
        assert embed_batch(session=session, embedder=int8, kind=DocumentKind.RESUME, limit=100).processed == 2
        assert embed_batch(session=session, embedder=int8, kind=DocumentKind.JOB, limit=1).processed == 1
    with session_scope(engine) as session:
        models = {m.revision: m for m in session.scalars(sa.select(EmbeddingModel))}
        assert set(models) == {torch_embedder.model_revision, int8.model_revision}
        quant = register_model(session=session, embedder=int8)
        config = EmbedConfig(DEFAULT_EMBED_MODEL, "cpu", backend="onnx-int8", cache_dir=str(model_cache))
        assert known_model(session=session, config=config).id == quant.id
        resume_ids = list(session.scalars(sa.select(Embedding.document_id).where(
            Embedding.model_id == quant.id, Embedding.kind == "resume", Embedding.section == "document")))
        assert len(resume_ids) == 2
        int8_job = session.scalars(sa.select(Embedding.document_id).where(
            Embedding.model_id == quant.id, Embedding.kind == "job", Embedding.section == "document")).one()
        found = search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=quant.id,
                                  dimension=384, limit=10)
        assert set(found) == set(resume_ids)
        assert all([job for job, _ in hits] == [int8_job] for hits in found.values())  # torch's jobs unseen
        plain = models[torch_embedder.model_revision]
        found = search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=plain.id,
                                  dimension=384, limit=10)
        assert all(len(hits) == 3 for hits in found.values())
