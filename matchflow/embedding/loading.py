"""The loaded model and its ONNX sessions, kept once per process.

Exists so tasks can ask for an embedder per batch at no cost: loading a sentence-transformers model
costs seconds of CPU and hundreds of MB, so each (model name, device) is loaded once and each ONNX
session opened once per (weights, cache folder, backend). Callers hold `CACHE_LOCK` around these calls.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matchflow.embedding.onnx_export import ONNX_FILES, ensure_onnx_export, model_inputs
from matchflow.embedding.onnx_runtime import OnnxTransformer, open_session
from matchflow.embedding.revision import compute_model_revision
from matchflow.embedding.source import resolve_model_source

if TYPE_CHECKING:  # sentence-transformers pulls in torch: import it only when a model is loaded
    from sentence_transformers import SentenceTransformer


@dataclass(frozen=True)
class LoadedModel:
    """A sentence-transformers model with what batching its inputs by hand needs to know."""

    model: SentenceTransformer
    revision: str  # of the weights (backend suffix not included)
    prefix: list[int]  # special tokens around a text ([CLS] ... [SEP] for BERT)
    suffix: list[int]
    pad_id: int
    inputs: tuple[str, ...]  # input_ids, attention_mask[, token_type_ids]


_MODEL_CACHE: dict[tuple[str, str], LoadedModel] = {}
_SESSION_CACHE: dict[tuple[str, str], OnnxTransformer] = {}
CACHE_LOCK = threading.RLock()  # re-entrant: auto calibration loads the other backends while holding it


def loaded_models() -> list[tuple[str, str]]:
    """(model name, device) of every model this process holds in memory."""
    return list(_MODEL_CACHE)


def load_model(model_name: str, device: str) -> LoadedModel:
    """The sentence-transformers model for (name, device), loaded once per process (caller holds the lock)."""
    loaded = _MODEL_CACHE.get((model_name, device))
    if loaded is None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a "Loading weights" bar per load: noise in run logs
        source = resolve_model_source(model_name)
        model = SentenceTransformer(source, device=device)
        model.eval()
        prefix, suffix = _special_tokens(model)
        tokenizer = model.tokenizer
        loaded = LoadedModel(model=model, revision=compute_model_revision(source, model), prefix=prefix,
                             suffix=suffix, pad_id=int(tokenizer.pad_token_id or 0),
                             inputs=tuple(model_inputs(model)))
        _MODEL_CACHE[(model_name, device)] = loaded
    return loaded


def _special_tokens(model: SentenceTransformer) -> tuple[list[int], list[int]]:
    """The ids the tokenizer puts before and after a text, found by tokenising a probe both ways."""
    tokenizer = model.tokenizer
    plain = list(tokenizer("probe text", add_special_tokens=False)["input_ids"])
    full = list(tokenizer("probe text", add_special_tokens=True)["input_ids"])
    for at in range(len(full) - len(plain) + 1):
        if full[at:at + len(plain)] == plain:
            return full[:at], full[at + len(plain):]
    raise ValueError(f"cannot locate the text between the special tokens of {type(tokenizer).__name__}")


def onnx_transformer(model_name: str, loaded: LoadedModel, backend: str, cache_dir: Path) -> OnnxTransformer:
    """The ONNX session for `backend`, exported into `cache_dir` on first use (caller holds the lock)."""
    import torch

    key = (f"{model_name}@{loaded.revision}|{Path(cache_dir).resolve()}", backend)
    session = _SESSION_CACHE.get(key)
    if session is None:
        folder = ensure_onnx_export(loaded.model, model_name=model_name, weights_revision=loaded.revision,
                                    cache_dir=cache_dir)
        session = OnnxTransformer(open_session(folder / ONNX_FILES[backend], threads=torch.get_num_threads()))
        _SESSION_CACHE[key] = session
    return session
