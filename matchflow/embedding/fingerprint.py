"""A fingerprint of model files: what identifies weights that carry no hub commit.

Exists apart from `revision.py` so that the packaged models (`packaged.py`), which `revision.py` imports,
hash their weights the same way as a local sentence-transformers folder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_DIGESTS: dict[tuple, str] = {}


def files_fingerprint(root: Path, names: tuple[str, ...], *, length: int = 12) -> str:
    """sha256 over the named files under `root` (each name, then its bytes, in the given order), `length` hex.

    Read in 1 MiB chunks, so a 90 MB model costs a fraction of a second, and memoised by path, size and
    modification time, so a process asks once.
    """
    paths = [root / name for name in names]
    key = tuple((str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in paths)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        for name, path in zip(names, paths, strict=True):
            digest.update(name.encode())
            with path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key][:length]
