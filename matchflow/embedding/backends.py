"""The embedding backends by name, and the model identity each one gives its vectors.

Exists apart from the runtimes so that validating a setting or naming a stored revision needs
neither torch nor ONNX Runtime (a quiet run looks its model row up without importing either).

Backends:
    torch      the PyTorch model as loaded (the reference; what `auto` means on a GPU)
    torch-bf16 the same model with its forward pass under bfloat16 autocast (CPU, or CUDA): ~2.6x torch on
               a CPU with native bf16 (AMX / AVX512-BF16), slower than torch on one without; vectors within
               cosine ~0.9999 of fp32 -- other arithmetic, so a different stored model identity
    onnx       the same fp32 weights in ONNX Runtime: same vectors (to ~1e-6), a little faster on CPU
    onnx-int8  dynamic int8 quantisation of the weight matrices: ~2-3x faster on CPU, vectors within
               cosine ~0.995 of fp32 -- different weights, so a different stored model identity
    auto       the fastest of these that passes the quality check on this machine (cached,
               see `auto_choice`)
"""

from __future__ import annotations

BACKENDS = ("torch", "torch-bf16", "onnx", "onnx-int8")
BACKEND_CHOICES = ("auto", *BACKENDS)
ONNX_BACKENDS = ("onnx", "onnx-int8")
BF16_BACKEND = "torch-bf16"  # torch under bfloat16 autocast: the matrix products in bf16, the weights unchanged
# Appended to the weights revision stored with each vector. fp32 ONNX computes the same function with the
# same weights (as CPU vs GPU torch does), so it shares torch's identity; int8 weights are other weights, and
# bf16 products round every activation to 8 mantissa bits: near fp32's vectors, not the same, so their own too.
REVISION_SUFFIX = {"torch": "", "torch-bf16": "+bf16", "onnx": "", "onnx-int8": "+onnx-int8"}


def validate_backend(backend: str) -> str:
    """`backend` normalised (lower case), or a ValueError that lists the valid names."""
    name = backend.strip().lower()
    if name not in BACKEND_CHOICES:
        raise ValueError(f"unknown embedding backend {backend!r}: use one of {', '.join(BACKEND_CHOICES)}")
    return name


def backend_revision(weights_revision: str, backend: str) -> str:
    """The revision stored with vectors made by `backend`; vectors of different identities are never compared."""
    return weights_revision + REVISION_SUFFIX[backend]
