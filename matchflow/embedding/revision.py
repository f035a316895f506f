"""Which exact weights a model name means: the revision stored beside every vector.

Exists so vectors from different weights are never compared: the storage layer keeps `model_name` and
`model_revision` next to each vector. The revision is the Hugging Face commit when known, else a
fingerprint of the weight files; `expected_revision` tells it (backend suffix included) without
loading the model, so a run with nothing to embed never pays for torch.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from matchflow.devices import pick_device
from matchflow.embedding.auto_choice import remembered_choice
from matchflow.embedding.backends import backend_revision, validate_backend
from matchflow.embedding.fingerprint import files_fingerprint
from matchflow.embedding.packaged import packaged_model, packaged_prompt, packaged_revision
from matchflow.embedding.prompts import model_prompt, prompt_revision
from matchflow.embedding.source import resolve_model_source

if TYPE_CHECKING:  # sentence-transformers pulls in torch: import it only when a model is loaded
    from sentence_transformers import SentenceTransformer

_HF_SNAPSHOT = re.compile(r"snapshots[/\\]([0-9a-f]{40})(?:[/\\]|$)")
_WEIGHT_PATTERNS = ("*.safetensors", "*.bin", "*.pt", "*.onnx")


def _weight_files(root: Path) -> list[Path]:
    for pattern in _WEIGHT_PATTERNS:
        files = sorted(p for p in root.rglob(pattern) if p.is_file())
        if files:
            return files
    return []


def weights_fingerprint(model_dir: str | Path, *, length: int = 12) -> str | None:
    """sha256 over the weight files under `model_dir` (names and bytes, in name order), `length` hex.

    None when the folder holds no weight file.
    """
    root = Path(model_dir)
    files = _weight_files(root)
    if not files:
        return None
    return files_fingerprint(root, tuple(path.relative_to(root).as_posix() for path in files), length=length)


_REVISION_MEMO: dict[tuple, str] = {}


def compute_model_revision(source: str, model: SentenceTransformer | None = None) -> str:
    """A stable identifier of the exact weights behind `source`.

    Prefers the Hugging Face commit hash (known for hub downloads, from the loaded config or the
    hub cache path); otherwise a 12-hex sha256 of the weight files, memoised per process by the
    files' paths, sizes and modification times, so a second load does not hash again.
    """
    commit = _hub_commit(source, model)
    if commit:
        return commit
    local = Path(source)
    if local.is_dir():
        files = _weight_files(local)
        if files:
            key = tuple((str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
            if key not in _REVISION_MEMO:
                _REVISION_MEMO[key] = weights_fingerprint(local) or "unknown"
            return _REVISION_MEMO[key]
    if model is not None:
        return _state_dict_fingerprint(model)
    return "unknown"


def _hub_commit(source: str, model: SentenceTransformer | None) -> str | None:
    match = _HF_SNAPSHOT.search(str(Path(source).resolve()) if Path(source).exists() else "")
    if match:
        return match.group(1)
    if model is not None:
        for module in model:
            config = getattr(getattr(module, "auto_model", None), "config", None)
            commit = getattr(config, "_commit_hash", None)
            if isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{40}", commit):
                return commit
    if Path(source).exists():
        return None
    try:  # a hub name: the cached snapshot folder is named after the commit
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(repo_id=source, filename="config.json")
    except Exception:  # noqa: BLE001 - an odd name just means "no commit known"
        return None
    match = _HF_SNAPSHOT.search(cached) if isinstance(cached, str) else None
    return match.group(1) if match else None


def _state_dict_fingerprint(model: SentenceTransformer) -> str:
    """Last resort for models with no files we can find: hash the tensors themselves."""
    import torch

    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()[:12]


def expected_revision(model_name: str, *, backend: str = "torch", device: str = "auto",
                      cache_dir: str | Path | None = None, prompt: str | None = None) -> str | None:
    """The revision `Embedder.load(...)` with these arguments would record, without loading the weights.

    None when it cannot be known yet: the weights' revision is unknown (a hub model not in the cache), or
    backend `auto` on a CPU whose calibration has not run (the first load measures it). `cache_dir` is
    where that calibration is kept; it is needed only for `auto` on a CPU. A packaged model's revision comes
    from its installed files (package version and weights hash). `prompt` as for `Embedder.load`.
    """
    packaged = packaged_model(model_name)
    if packaged is not None:
        return packaged_revision(packaged, packaged_prompt(packaged, prompt))
    weights = compute_model_revision(resolve_model_source(model_name))
    if weights == "unknown":
        return None
    backend = validate_backend(backend)
    if backend == "auto":
        on_cpu = device.strip().lower() == "cpu" or (device.strip().lower() == "auto" and pick_device("auto") == "cpu")
        if not on_cpu:
            backend = "torch"
        else:
            if cache_dir is None:
                raise ValueError("embedding backend 'auto' on a CPU reads its calibration from a cache folder: "
                                 "pass cache_dir (the pipeline passes EmbedConfig.cache_dir)")
            backend = remembered_choice(model_name, weights, Path(cache_dir))
            if backend is None:
                return None
    return backend_revision(weights, backend) + prompt_revision(model_prompt(model_name, prompt))
