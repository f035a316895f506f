"""The optional cross-encoder: a sentence-transformers ``CrossEncoder`` that reads both texts together.

The heavier, GPU-friendly path, so it is loaded lazily (torch and sentence-transformers are imported
only here, and only when used) and once per process per (model, device).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

__all__ = ["CrossEncoderScorer"]

_CROSS_ENCODERS: dict[tuple[str, str], CrossEncoderScorer] = {}
_CE_LOCK = threading.Lock()


class CrossEncoderScorer:
    """A sentence-transformers CrossEncoder that scores (job text, resume text) pairs in 0..1."""

    def __init__(self, model: CrossEncoder, name: str) -> None:
        self.model = model
        self.name = name

    @classmethod
    def load(
        cls, model_name_or_path: str, *, device: str = "auto", max_length: int = 512,
    ) -> CrossEncoderScorer:
        """Load once per process per (model, device); a hub name or a local folder."""
        from matchflow.devices import pick_device

        resolved = pick_device(device)
        key = (model_name_or_path, resolved)
        with _CE_LOCK:
            if key not in _CROSS_ENCODERS:
                from sentence_transformers import CrossEncoder

                model = CrossEncoder(model_name_or_path, device=resolved, max_length=max_length)
                _CROSS_ENCODERS[key] = cls(model, model_name_or_path)
            return _CROSS_ENCODERS[key]

    def score(self, pairs: list[tuple[str, str]], *, batch_size: int = 16) -> np.ndarray:
        """Relevance of each pair in 0..1: sigmoid of the logit (softmax of the last class for 2+)."""
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        import torch

        logits = np.asarray(
            self.model.predict(pairs, batch_size=batch_size, activation_fn=torch.nn.Identity(),
                               show_progress_bar=False, convert_to_numpy=True),
            dtype=np.float64,
        )
        if logits.ndim == 2 and logits.shape[1] > 1:
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
            return shifted[:, -1] / shifted.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-logits.reshape(-1)))
