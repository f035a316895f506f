"""matchflow eval: match quality on the real documents in ../shared/data against BM25 and vector-only baselines."""
