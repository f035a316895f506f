"""The model's transformer exported to ONNX (fp32) and quantised to int8, once per model and recipe.

Why not sentence-transformers' own `backend="onnx"`: it needs `optimum-onnx`, whose only release pins
transformers < 4.58, while sentence-transformers 6 needs transformers >= 5; the two cannot be installed
together. The route here uses the same well-kept pieces one level down: `torch.onnx.export` (the
torch.export-based exporter, via onnxscript) writes the transformer, ONNX Runtime's `quantize_dynamic`
makes the int8 copy, and sentence-transformers' own tokenizer, pooling and normalisation modules run
around it, so only the transformer forward changes.

The exported files are built once, offline, from the installed model into
`<cache_dir>/<name>-<revision>-onnx-r<recipe>/` (the pipeline's cache_dir is MATCHFLOW_HOME/models), under a
file lock and with an atomic rename, so two processes never see half a folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchflow.embedding.backends import ONNX_BACKENDS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Bump when the export or quantisation recipe changes: the folder name changes, so a stale export is
# never loaded, and the auto choice is measured again.
ONNX_RECIPE = 1
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model_int8.onnx"}
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def onnx_dir(cache_dir: Path, model_name: str, weights_revision: str) -> Path:
    """The export folder of these weights under `cache_dir`; its name carries the recipe."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name.strip("/\\")).strip("_")[-80:] or "model"
    return Path(cache_dir) / f"{slug}-{weights_revision}-onnx-r{ONNX_RECIPE}"


def ensure_onnx_export(model: SentenceTransformer, *, model_name: str, weights_revision: str,
                       cache_dir: Path) -> Path:
    """The folder with `model.onnx` (fp32) and `model_int8.onnx`, exported from `model` on first use.

    Offline: it reads only the loaded model. Another process building the same folder waits on the lock
    and then finds it done; a crash mid-build leaves only a temporary folder that the next build removes.
    """
    from filelock import FileLock

    target = onnx_dir(cache_dir, model_name, weights_revision)
    if (target / "manifest.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock", timeout=3600):
        if (target / "manifest.json").is_file():
            return target
        for stale in target.parent.glob(target.name + ".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if target.exists():  # no manifest: an interrupted build from an older layout
            shutil.rmtree(target)
        work = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
        try:
            started = time.perf_counter()
            export_onnx(model, work / ONNX_FILES["onnx"])
            excluded = quantize_int8(work / ONNX_FILES["onnx"], work / ONNX_FILES["onnx-int8"],
                                     intermediate_size=_intermediate_size(model))
            manifest = {
                "model_name": model_name, "weights_revision": weights_revision, "recipe": ONNX_RECIPE,
                "files": {b: ONNX_FILES[b] for b in ONNX_BACKENDS}, "int8_excluded_nodes": len(excluded),
                "versions": installed_versions(), "seconds": round(time.perf_counter() - started, 1),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            work.chmod(0o755)  # mkdtemp made it private; the export is no secret
            os.replace(work, target)  # atomic: readers see the whole folder or none
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def export_onnx(model: SentenceTransformer, path: Path) -> None:
    """The model's transformer (not the pooling) as ONNX, fp32, batch and sequence length dynamic.

    The torch.export-based exporter is used because the TorchScript one bakes transformers 5's
    attention-mask code into constants and gives wrong vectors for padded batches.
    """
    import torch

    transformer = _transformer(model)
    names = model_inputs(model)

    class _TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    probe = model.tokenizer(["an example sentence for the exporter", "short"], padding=True, return_tensors="pt")
    args = tuple(probe[n] for n in names)
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", min=2, max=model.max_seq_length)
    shapes = {n: {0: batch, 1: sequence} for n in names}
    module = _TokenEmbeddings(transformer).to("cpu").eval()
    with (torch.inference_mode(False), torch.no_grad(), contextlib.redirect_stdout(io.StringIO()),
          warnings.catch_warnings(), _logger_at_least(logging.getLogger("torch.onnx"), logging.ERROR)):
        warnings.simplefilter("ignore")  # the exporter's notes on deprecated internals and axis names
        program = torch.onnx.export(module, args, dynamo=True, input_names=names, output_names=["token_embeddings"],
                                    dynamic_shapes=shapes, optimize=True, verbose=False)
    program.save(str(path), external_data=False)


def quantize_int8(source: Path, target: Path, *, intermediate_size: int | None) -> list[str]:
    """Dynamic int8 quantisation (weights per channel, activations per batch) of the weight MatMuls.

    The feed-forward output projections (weight rows == intermediate size) stay fp32: their input is
    the GELU output, whose long tail costs most of the int8 error: quantising them too is ~20% faster
    again but moves resume chunks to mean cosine 0.993 (lowest 0.984) instead of 0.997 (lowest 0.996).
    No single layer dominates that error, so all six stay fp32. Returns the excluded node names.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    shapes = {init.name: list(init.dims) for init in graph.initializer}
    excluded = [
        node.name for node in graph.node
        if node.op_type == "MatMul" and intermediate_size
        and (shapes.get(node.input[1]) or [0])[0] == intermediate_size
    ]
    # the quantizer logs a line per node, and advice, to the root logger
    with _logger_at_least(logging.getLogger(), logging.ERROR):
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=excluded)
    return excluded


@contextlib.contextmanager
def _logger_at_least(logger: logging.Logger, level: int) -> Iterator[None]:
    """Silence a chatty library logger below `level` for the duration (the exporter warns once per
    operator it cannot find, e.g. every torchvision op when torchvision is not installed)."""
    previous = logger.level
    logger.setLevel(max(previous, level))
    try:
        yield
    finally:
        logger.setLevel(previous)


def model_inputs(model: SentenceTransformer) -> list[str]:
    """input_ids and attention_mask, plus token_type_ids when the tokenizer makes them (BERT does)."""
    return [n for n in ONNX_INPUTS if n != "token_type_ids" or n in model.tokenizer.model_input_names]


def _transformer(model: SentenceTransformer) -> Any:
    first = model[0]
    inner = getattr(first, "auto_model", None)
    if inner is None or not hasattr(getattr(inner, "config", None), "hidden_size"):
        raise ValueError(f"the ONNX backends need a transformer encoder as the first module, not {type(first)}")
    return inner


def _intermediate_size(model: SentenceTransformer) -> int | None:
    return getattr(_transformer(model).config, "intermediate_size", None)


def installed_versions() -> dict[str, str]:
    """Installed versions, read from package metadata (no import: callers may want to stay light)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("torch", "onnxruntime", "transformers"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return found
