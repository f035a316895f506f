"""Faster CPU backends for the embedder: the model exported to ONNX (fp32 and int8), plus the `auto` choice.

Why not sentence-transformers' own `backend="onnx"`: it needs `optimum-onnx`, whose only release pins
transformers < 4.58, while sentence-transformers 6 needs transformers >= 5; the two cannot be installed
together. The route here uses the same well-kept pieces one level down: `torch.onnx.export` (the
torch.export-based exporter, via onnxscript) writes the transformer, ONNX Runtime's `quantize_dynamic`
makes the int8 copy, and sentence-transformers' own tokenizer, pooling and normalisation modules run
around it, so only the transformer forward changes.

Backends:
    torch      the PyTorch model as loaded (the reference; the only one on a GPU)
    onnx       the same fp32 weights in ONNX Runtime: same vectors (to ~1e-6), a little faster on CPU
    onnx-int8  dynamic int8 quantisation of the weight matrices: ~2-3x faster on CPU, vectors within
               cosine ~0.995 of fp32 -- different weights, so a different stored model identity
    auto       the fastest of the three that passes the quality check on this machine (cached)

The exported files are built once, offline, from the installed model into
`MATCHFLOW_HOME/models/<name>-<revision>-onnx-r<recipe>/`, under a file lock and with an atomic rename, so
two processes never see half a folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import platform
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from sentence_transformers import SentenceTransformer

BACKENDS = ("torch", "onnx", "onnx-int8")
BACKEND_CHOICES = ("auto", *BACKENDS)
ONNX_BACKENDS = ("onnx", "onnx-int8")
# Appended to the weights revision stored with each vector. fp32 ONNX computes the same function with the
# same weights (as CPU vs GPU torch does), so it shares torch's identity; int8 weights are other weights.
REVISION_SUFFIX = {"torch": "", "onnx": "", "onnx-int8": "+onnx-int8"}
# Bump when the export or quantisation recipe changes: the folder name changes, so a stale export is
# never loaded, and the auto choice is measured again.
ONNX_RECIPE = 1
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model_int8.onnx"}
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")

# The quality gate of `auto` (and of bench/embed_bench.py): vectors of a fast backend against torch fp32.
MIN_MEAN_COSINE = 0.99
MIN_COSINE = 0.98
# auto keeps torch unless a candidate is at least this much faster: timing noise must not flip the choice.
MIN_SPEEDUP = 1.1
CALIBRATION_ROUNDS = 3
CHOICE_FILE = "embed-backend-choice.json"


def validate_backend(backend: str) -> str:
    """`backend` normalised (lower case), or a ValueError that lists the valid names."""
    name = backend.strip().lower()
    if name not in BACKEND_CHOICES:
        raise ValueError(f"unknown embedding backend {backend!r}: use one of {', '.join(BACKEND_CHOICES)}")
    return name


def backend_revision(weights_revision: str, backend: str) -> str:
    """The revision stored with vectors made by `backend`; vectors of different identities are never compared."""
    return weights_revision + REVISION_SUFFIX[backend]


def default_cache_dir() -> Path:
    """`MATCHFLOW_HOME/models`, where exported models and the auto choice live."""
    from matchflow.settings import get_settings

    return get_settings().home / "models"


def onnx_dir(cache_dir: Path, model_name: str, weights_revision: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name.strip("/\\")).strip("_")[-80:] or "model"
    return Path(cache_dir) / f"{slug}-{weights_revision}-onnx-r{ONNX_RECIPE}"


# ---------------------------------------------------------------------------------------------- export


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
                "versions": _versions(), "seconds": round(time.perf_counter() - started, 1),
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


def _versions() -> dict[str, str]:
    """Installed versions, read from package metadata (no import: callers may want to stay light)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("torch", "onnxruntime", "transformers"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return found


# ---------------------------------------------------------------------------------------------- runtime


def open_session(path: Path, *, threads: int) -> onnxruntime.InferenceSession:
    """An ONNX Runtime CPU session using `threads` threads (the bench sets torch's count to the same).

    Idle worker threads sleep instead of spinning: on a machine shared with other workers, spinning
    burned a third more CPU and made batches ~30% slower; for batches of hundreds of ms it buys nothing.
    The CPU memory arena stays on (without it every run maps and faults in its buffers afresh: +50-60%
    CPU for int8); what it keeps is bounded by `OnnxTransformer` running at most ROWS_PER_RUN sequences
    at a time: ~0.4 GB peak RSS, where 32-sequence runs kept +1 GB with the arena and peaked at ~0.9 GB
    without it (bench/scale_bench.py, and 96 x 256-token sequences in isolation).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


ROWS_PER_RUN = 8  # sequences per ONNX Runtime run: same CPU time as 32 (the matrices stay 2,000 rows tall)


@dataclass(frozen=True)
class OnnxTransformer:
    """Runs the exported transformer: numpy token ids in, token embeddings (numpy) out.

    A batch is run ROWS_PER_RUN sequences at a time, so the activations (the attention scores above
    all) and the arena that keeps them stay a quarter of a 32-sequence run's.
    """

    session: onnxruntime.InferenceSession

    def __call__(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        wanted = {i.name for i in self.session.get_inputs()}
        feed = {k: v for k, v in inputs.items() if k in wanted}
        rows = len(feed["input_ids"])
        parts = [self.session.run(["token_embeddings"], {k: v[start:start + ROWS_PER_RUN] for k, v in feed.items()})[0]
                 for start in range(0, rows, ROWS_PER_RUN)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


# ---------------------------------------------------------------------------------------------- auto

# Built-in calibration texts: resume and job lines (English and Russian, like the data) of 40-250 tokens.
_CALIBRATION_LINES = (
    "Senior backend engineer: Python, Django, FastAPI, PostgreSQL, Redis, Celery, Docker and Kubernetes.",
    "Led a team of six building the payments API; cut p95 latency by 40 percent and on-call pages by half.",
    "Registered nurse with eight years in intensive care, ventilator management and patient education.",
    "Accountant: month-end close, accounts payable and receivable, IFRS reporting, SAP and Excel models.",
    "Требования: опыт разработки на Java от 3 лет, Spring Boot, микросервисы, PostgreSQL, Kafka.",
    "Pastry chef: laminated doughs, croissants, wedding cakes, food-cost control and a team of four cooks.",
    "Data analyst: SQL, Tableau, A/B tests, cohort retention dashboards for the marketing department.",
    "Менеджер по продажам B2B: холодные звонки, ведение CRM, переговоры, выполнение плана на 120 процентов.",
    "Teacher of mathematics and physics for grades 7-11; olympiad coaching; curriculum design.",
    "Civil engineer: structural design of residential buildings, AutoCAD, Revit, site supervision.",
)


def calibration_texts() -> list[str]:
    """Twelve fixed texts of 1 to 12 lines (about 25 to 300 tokens), the same on every machine."""
    lines = _CALIBRATION_LINES
    return [" ".join(lines[(start + k) % len(lines)] for k in range(1 + start % 12)) for start in range(12)]


def _cpu_threads() -> str:
    """What sets torch's and ONNX Runtime's thread count, read without importing torch (a quiet run stays
    light): OMP_NUM_THREADS, else the CPUs this process may use."""
    return os.environ.get("OMP_NUM_THREADS") or str(len(os.sched_getaffinity(0)))


def machine_key() -> str:
    """What the speed ranking depends on: CPU model, cores, threads and library versions."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    parts = [cpu, str(os.cpu_count()), _cpu_threads(), *_versions().values(), f"r{ONNX_RECIPE}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def calibrate(encoders: dict[str, Callable[[list[str]], np.ndarray]], texts: list[str],
              *, rounds: int = CALIBRATION_ROUNDS) -> dict[str, Any]:
    """Time each backend on `texts` (best of `rounds`, interleaved) and check its vectors against torch's.

    The choice is the fastest backend whose mean cosine to torch is >= MIN_MEAN_COSINE and lowest cosine
    >= MIN_COSINE; a backend other than torch must also be MIN_SPEEDUP times faster than torch.
    """
    reference = encoders["torch"](texts)
    for encode in encoders.values():
        encode(texts[:2])  # warm-up: first-call allocations do not count
    best = dict.fromkeys(encoders, float("inf"))
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name, encode in encoders.items():
            started = time.perf_counter()
            vectors[name] = encode(texts)
            best[name] = min(best[name], time.perf_counter() - started)
    results: dict[str, dict[str, Any]] = {}
    for name, found in vectors.items():
        cosines = np.sum(found * reference, axis=1)
        passed = bool(cosines.mean() >= MIN_MEAN_COSINE and cosines.min() >= MIN_COSINE)
        results[name] = {"seconds": round(best[name], 4), "speedup": round(best["torch"] / best[name], 3),
                         "mean_cosine": round(float(cosines.mean()), 5), "min_cosine": round(float(cosines.min()), 5),
                         "passed": passed}
    fast = [n for n, r in results.items() if n != "torch" and r["passed"] and r["speedup"] >= MIN_SPEEDUP]
    choice = min(fast, key=lambda n: results[n]["seconds"]) if fast else "torch"
    return {"choice": choice, "results": results, "texts": len(texts)}


def choice_key(model_name: str, weights_revision: str) -> str:
    return f"{model_name}@{weights_revision}|{machine_key()}"


def stored_choice(cache_dir: Path, key: str) -> str | None:
    """The backend a past calibration chose for `key`, or None when this machine was never measured."""
    try:
        found = json.loads((Path(cache_dir) / CHOICE_FILE).read_text(encoding="utf-8")).get(key) or {}
    except (OSError, ValueError):
        return None
    return found.get("choice") if found.get("choice") in BACKENDS else None


def cached_choice(cache_dir: Path, key: str, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The auto decision stored under `key` in CHOICE_FILE, measured (once, under a lock) when absent."""
    from filelock import FileLock

    path = Path(cache_dir) / CHOICE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)

    def read() -> dict[str, Any]:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    found = read().get(key)
    if found:
        return found
    with FileLock(str(path) + ".lock", timeout=3600):
        stored = read()
        if key in stored:
            return stored[key]
        decision = {**measure(), "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
        stored[key] = decision
        partial = path.with_suffix(f".tmp-{os.getpid()}")
        partial.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        os.replace(partial, path)
    return decision
