"""Dictionaries and phrase matchers (being split into modules; see phrase_index.py for now)."""

from matchflow.taxonomy.phrase_index import *  # noqa: F403
from matchflow.taxonomy.phrase_index import Entry, __all__  # noqa: F401
