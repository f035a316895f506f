"""Places: a location field or phrase read as a canonical place, and the key two locations compare by.

The one rule for reading places. Extraction (``canonical_location``) and the reranker and match
analysis (``normalise_city``) used to hold separate alias tables; both now go through the locations
dictionary (storage/seed/locations.csv), so a spelling added there works everywhere.
"""

from __future__ import annotations

import functools
import re

from matchflow.taxonomy.dictionaries import load_locations
from matchflow.taxonomy.phrase_index import NameIndex
from matchflow.textrules.work_mode import answer_work_mode

__all__ = ["canonical_location", "city_part", "normalise_city"]

REMOTE = "Remote"  # the dictionary's entry for "no place": remote work
# Spellings the reranker knew that locations.csv does not have yet; they belong in the CSV's aliases.
_EXTRA_ALIASES = {"msk": "Moscow"}


@functools.cache
def _location_index() -> NameIndex:
    return NameIndex(load_locations())


def canonical_location(text: str) -> str | None:
    """A location field or phrase -> canonical location (``СПб`` -> ``Saint Petersburg``; the first one
    named when the text names several, e.g. ``New York, NY``), or None."""
    return _location_index().canonical(text)


def city_part(location: str) -> str:
    """The text before the first comma, slash or bracket: "Berlin, Germany" -> "Berlin"."""
    return re.split(r"[,/(;|]", location, maxsplit=1)[0].strip(" .-")


@functools.lru_cache(maxsize=4096)
def _city_key(head: str) -> str | None:
    key = head.casefold().replace("ё", "е")
    if not key or answer_work_mode(key) == "remote":
        return None
    place = canonical_location(head) or _EXTRA_ALIASES.get(key)  # as written: strict aliases keep their case
    if place == REMOTE:
        return None
    return place.casefold() if place else key


def normalise_city(location: str | None) -> str | None:
    """The city of a free-text location as a comparison key ("Berlin, Germany" -> "berlin", "СПб" and
    "St. Petersburg" -> "saint petersburg"): the canonical place, else the city part casefolded. None
    for no location or a remote one."""
    if not location:
        return None
    return _city_key(city_part(location))
