"""Long texts -> model-length token windows, and chunk vectors -> one vector per document.

Exists because the model silently truncates at max_seq_length (256 tokens for MiniLM, about a third of
a typical resume): each text is cut, by the model's own tokenizer, into overlapping windows, every
window is embedded, and a document's vector is the token-weighted mean of its windows' vectors (the
same pooling the model applies to tokens inside a window). Sections get no vectors of their own: the
skills/experience/requirements vectors once computed here nearly doubled a resume's embed time and no use
of them measured better (docs/quality.md, "Section vectors"). Pure numpy: the tokenizer and the model stay
with the `Embedder`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHUNK_OVERLAP_TOKENS = 32  # context carried across a chunk boundary so no sentence is cut blind


@dataclass
class DocumentVectors:
    """One document's vector, with what it took: model-length windows and tokens."""

    document: np.ndarray  # float32, L2-normalised, shape (dimension,)
    chunks: int  # how many model-length windows the text needed
    tokens: int = 0  # tokenizer tokens in the text (no special tokens)


@dataclass(frozen=True)
class Chunk:
    """One window of a text: the ids are what the model is fed, the text is for people."""

    owner: int  # index of the document it belongs to
    text: str
    ids: list[int]  # the chunk's token ids, no special tokens: what the model is fed

    @property
    def tokens(self) -> int:
        return max(1, len(self.ids))


def split_windows(texts: list[str], input_ids: Sequence[Sequence[int]],
                  offsets: Sequence[Sequence[tuple[int, int]]], *, window: int, overlap: int) -> list[Chunk]:
    """Cut each tokenised text into windows of at most `window` tokens sharing `overlap` (at most half a window).

    A text that fits is one chunk, unchanged; a window's text is the slice its tokens' offsets span.
    """
    overlap = max(0, min(overlap, window // 2))
    chunks: list[Chunk] = []
    for owner, (text, ids, spans) in enumerate(zip(texts, input_ids, offsets, strict=True)):
        if len(ids) <= window:
            chunks.append(Chunk(owner, text, list(ids)))
            continue
        start = 0
        while True:
            end = min(start + window, len(ids))
            chunks.append(Chunk(owner, text[spans[start][0]:spans[end - 1][1]], list(ids[start:end])))
            if end == len(ids):
                break
            start = end - overlap
    return chunks


def pool_documents(chunks: list[Chunk], vectors: np.ndarray, documents: int, dimension: int) -> list[DocumentVectors]:
    """Each document's pooled vector, with its window and token counts."""
    pooled = _pool(chunks, vectors, documents, dimension)
    owners = [c.owner for c in chunks]
    counts = np.bincount(owners, minlength=documents)
    tokens = np.bincount(owners, weights=[c.tokens for c in chunks], minlength=documents)
    return [DocumentVectors(document=pooled[i], chunks=int(counts[i]), tokens=int(tokens[i])) for i in range(documents)]


# The name stays `_pool`: bench/embed_bench.py imports it and its profiler labels frames by it.
def _pool(chunks: list[Chunk], vectors: np.ndarray, units: int, dimension: int) -> np.ndarray:
    """Token-weighted mean of each unit's chunk vectors, L2-normalised again."""
    sums = np.zeros((units, dimension), dtype=np.float64)
    owners = np.fromiter((c.owner for c in chunks), dtype=np.int64, count=len(chunks))
    weights = np.fromiter((c.tokens for c in chunks), dtype=np.float64, count=len(chunks))
    np.add.at(sums, owners, vectors.astype(np.float64) * weights[:, None])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32)
