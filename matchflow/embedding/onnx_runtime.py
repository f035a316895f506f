"""Running the exported transformer in ONNX Runtime on CPU: one session per model and backend.

Exists apart from the export because every load runs a session while only the first use exports; the
memory and threading settings here were measured (bench/scale_bench.py) and are why the session is not
ONNX Runtime's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime


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
