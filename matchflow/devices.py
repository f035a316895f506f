"""Which torch device a model runs on: CUDA when a GPU is visible, else CPU, or what the user asked for.

Its own module because embedding, the cross-encoder and the run context all ask it, and none of them
should import another to find out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GPU_DRIVER_FILES = ("/proc/driver/nvidia/version", "/dev/nvidiactl", "/dev/kfd")  # NVIDIA, ROCm


def gpu_driver_loaded() -> bool:
    """False only where torch cannot see a GPU: Linux with no NVIDIA or ROCm kernel driver.

    Importing torch to ask takes seconds; a chain run with nothing to embed only needs the device's name
    (to find the model's revision), so the question is first put to the kernel.
    """
    return not sys.platform.startswith("linux") or any(Path(path).exists() for path in GPU_DRIVER_FILES)


def pick_device(preferred: str = "auto") -> str:
    """`cuda` when a CUDA GPU is visible and `preferred` is auto; `cpu`/`cuda[:n]` are honoured as asked."""
    choice = preferred.strip().lower()
    if choice == "auto":
        if not gpu_driver_loaded():
            return "cpu"
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
