"""Aliases as the dictionaries write them (plain, ``=`` strict, ``~`` list-only) turned into automaton keys,
and the check that no alias stands for two entries.

The conflict check compiles aliases exactly as the index does, so it flags what would really clash
when matching (after case-folding, Russian stemming and lemmas), not what merely looks alike in the CSV.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from matchflow.taxonomy.morphology import alias_lemma, is_abbreviation, is_cyrillic
from matchflow.taxonomy.normalize import normalize_phrase, tokenize_chars
from matchflow.taxonomy.stemming import is_stemmable, stem, stemmed_rx

__all__ = ["AliasedEntry", "alias_forms", "compile_alias", "find_alias_conflicts", "lemma_key"]

_TOKEN = re.compile(r"[^ ]+")


class AliasedEntry(Protocol):
    """What a matcher needs of a record: a canonical name, a category and aliases."""

    @property
    def name(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


def alias_forms(name: str, aliases: Iterable[str]) -> list[tuple[str, str]]:
    """(alias, mode) pairs for one entry, mode being "" (plain), "=" (strict) or "~" (list item only).

    The name joins as a plain alias unless it holds "(" or a strict/list-only alias spells it."""
    forms: list[tuple[str, str]] = []
    marked = {a[1:].strip().lower() for a in aliases if a[:1] in "=~"}
    if "(" not in name and name.lower() not in marked:
        forms.append((name, ""))
    for alias in aliases:
        if alias[:1] in "=~":
            forms.append((alias[1:].strip(), alias[0]))
        else:
            forms.append((alias, ""))
    return [(a, mode) for a, mode in forms if a]


def compile_alias(alias: str, *, stem_words: bool = True) -> tuple[str, re.Pattern[str] | None] | None:
    """The automaton key for an alias, and a verifying regex when it has stemmed Russian words."""
    parts = normalize_phrase(alias).split(" ")
    if parts == [""]:
        return None
    first_stem = next((i for i, w in enumerate(parts) if is_stemmable(w)), None) if stem_words else None
    if first_stem is None:
        return " " + " ".join(parts) + " ", None
    key = " " + " ".join(parts[:first_stem] + [stem(parts[first_stem])])
    rx = [stemmed_rx(w) if is_stemmable(w) else re.escape(w) for w in parts]
    return key, re.compile(" ".join(rx) + "(?= )")


def lemma_key(alias: str) -> str | None:
    """The lemma automaton's key for a plain alias: each Cyrillic word as its lemma, padded with the separator.

    None for an alias without a Cyrillic word: English is matched as written, by the main automaton only.
    An abbreviation (``МИС``) stays as written: its "lemma" would be a guess."""
    tokens = [(m.group(), alias[m.start():m.end()]) for m in _TOKEN.finditer(tokenize_chars(alias))]
    if not any(is_cyrillic(word) for word, _ in tokens):
        return None
    return " " + " ".join(word if is_abbreviation(written) else alias_lemma(word) for word, written in tokens) + " "


def find_alias_conflicts(entries: Sequence[AliasedEntry]) -> list[tuple[str, list[str]]]:
    """Aliases (or names) that would match for two or more different entries, as (alias, entry names).

    Compared in matching form: case-folded and stemmed for plain aliases, exact text for strict ones; a
    plain alias also clashes with another entry's strict alias that it would match anyway, and two plain
    aliases clash when their Russian words share lemmas (``владелец продукта`` / ``владельца продукта``)."""
    plain: dict[tuple[str, str | None], set[str]] = {}
    lemmas: dict[str, set[str]] = {}
    marked: dict[str, set[str]] = {}
    shown: dict[tuple[str, str | None], str] = {}
    for entry in entries:
        for alias, mode in alias_forms(entry.name, entry.aliases):
            compiled = compile_alias(alias)
            if compiled is None:
                continue
            if mode:
                marked.setdefault(alias, set()).add(entry.name)
                continue
            sig = (compiled[0], compiled[1].pattern if compiled[1] else None)
            plain.setdefault(sig, set()).add(entry.name)
            shown.setdefault(sig, alias)
            key = lemma_key(alias)
            if key is not None:
                lemmas.setdefault(key, set()).add(entry.name)
                shown.setdefault((key, "lemma"), alias)
    out = [(shown[sig], sorted(names)) for sig, names in plain.items() if len(names) > 1]
    out += [(shown[(key, "lemma")], sorted(names)) for key, names in lemmas.items()
            if len(names) > 1 and (shown[(key, "lemma")], sorted(names)) not in out]  # not twice when both clash
    out += [(alias, sorted(names)) for alias, names in marked.items() if len(names) > 1]
    for alias, names in marked.items():
        literal = plain.get((" " + normalize_phrase(alias) + " ", None), set())
        if literal - names:
            out.append((alias, sorted(names | literal)))
    return out
