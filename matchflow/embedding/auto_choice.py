"""Backend `auto` on a CPU: the fastest backend that passes the quality gate, measured once per machine.

Exists because the ranking of torch, torch under bf16 autocast, ONNX fp32 and int8 depends on the CPU
(native bf16 or not), the thread count and the library versions, so it cannot be a constant: the first
load times them on fixed texts, checks their vectors against torch's, and keeps the decision in
`<cache_dir>/embed-backend-choice.json` under a key naming the model, its weights and this machine; every
later load (and `expected_revision`) reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matchflow.embedding.backends import BACKENDS
from matchflow.embedding.onnx_export import ONNX_RECIPE, installed_versions

log = logging.getLogger(__name__)

# The quality gate of `auto` (and of bench/embed_bench.py): vectors of a fast backend against torch fp32.
MIN_MEAN_COSINE = 0.99
MIN_COSINE = 0.98
# auto keeps torch unless a candidate is at least this much faster: timing noise must not flip the choice.
MIN_SPEEDUP = 1.1
CALIBRATION_ROUNDS = 3
CHOICE_FILE = "embed-backend-choice.json"

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

# (model name, weights revision, resolved cache folder) -> backend, for this process
_AUTO_MEMO: dict[tuple[str, str, str], str] = {}


def calibration_texts() -> list[str]:
    """Twelve fixed texts of 1 to 12 lines (about 25 to 300 tokens), the same on every machine."""
    lines = _CALIBRATION_LINES
    return [" ".join(lines[(start + k) % len(lines)] for k in range(1 + start % 12)) for start in range(12)]


def _cpu_threads() -> str:
    """What sets torch's and ONNX Runtime's thread count, read without importing torch (a quiet run stays
    light): OMP_NUM_THREADS, else the CPUs this process may use."""
    return os.environ.get("OMP_NUM_THREADS") or str(len(os.sched_getaffinity(0)))


def machine_key() -> str:
    """What the speed ranking depends on: CPU model, cores, threads, library versions, the ONNX recipe and
    the candidate backends (a decision made before a backend existed never timed it, so it is re-measured)."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    parts = [cpu, str(os.cpu_count()), _cpu_threads(), *installed_versions().values(), f"r{ONNX_RECIPE}",
             ",".join(BACKENDS)]
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
    """The key of one decision in CHOICE_FILE: model, weights and machine."""
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


def _memo_key(model_name: str, weights_revision: str, cache_dir: Path) -> tuple[str, str, str]:
    return model_name, weights_revision, str(Path(cache_dir).resolve())


def remembered_choice(model_name: str, weights_revision: str, cache_dir: Path) -> str | None:
    """The backend `auto` already means for these weights on this machine, without measuring: this
    process's decision, else the stored one; None when the first load has yet to measure it."""
    key = _memo_key(model_name, weights_revision, cache_dir)
    return _AUTO_MEMO.get(key) or stored_choice(Path(key[2]), choice_key(model_name, weights_revision))


def choose_backend(model_name: str, weights_revision: str, cache_dir: Path,
                   measure: Callable[[], dict[str, Any]]) -> str:
    """The backend `auto` means on this CPU: the stored decision, or `measure()` run once and stored.

    Any failure of the ONNX route (a missing package, an export error) means torch, with a warning;
    a failure is not written to CHOICE_FILE, so a fixed installation is measured on the next start.
    """
    key = _memo_key(model_name, weights_revision, cache_dir)
    if key in _AUTO_MEMO:
        return _AUTO_MEMO[key]
    try:
        decision = cached_choice(cache_dir, choice_key(model_name, weights_revision), measure)
    except Exception as error:  # noqa: BLE001 - auto must never stop the pipeline; torch always works
        log.warning("embedding backend auto: the ONNX backends are unavailable (%s); using torch", error)
        _AUTO_MEMO[key] = "torch"
        return "torch"
    choice = decision["choice"]
    if choice not in BACKENDS:
        choice = "torch"
    log.info("embedding backend auto -> %s (%s)", choice,
             ", ".join(f"{n}: {r['speedup']}x cos {r['mean_cosine']}" for n, r in decision["results"].items()))
    _AUTO_MEMO[key] = choice
    return choice
