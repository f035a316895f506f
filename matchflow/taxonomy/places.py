"""Places: a location field or phrase read as a canonical place from the locations dictionary.

Kept on its own because places are read in more ways than skills or roles (a whole field, the first of
several places named, ``Remote``), and because every reader of places should go through this one
dictionary rather than a hand-written alias table of its own.
"""

from __future__ import annotations

import functools

from matchflow.taxonomy.dictionaries import load_locations
from matchflow.taxonomy.phrase_index import NameIndex

__all__ = ["canonical_location"]


@functools.cache
def _location_index() -> NameIndex:
    return NameIndex(load_locations())


def canonical_location(text: str) -> str | None:
    """A location field or phrase -> canonical location (``СПб`` -> ``Saint Petersburg``; the first one
    named when the text names several, e.g. ``New York, NY``), or None."""
    return _location_index().canonical(text)
