"""Dictionaries (skills, roles, industries, locations, hiring stages) and fast phrase matchers over them.

The dictionaries are CSV files in ``storage/seed/`` (shipped with the package); aliases in them are
``|``-separated. Matching rules, which the CSV files cannot carry as comments:

* Plain aliases (and the canonical name) match case-insensitively on whole tokens. A token is a run of
  word characters plus ``+ # & .`` inside it, so ``C++``, ``C#``, ``.NET``, ``Node.js``, ``R&D`` and
  ``ASP.NET`` are single tokens: ``Java`` never matches inside ``JavaScript``, ``SQL`` never inside
  ``PostgreSQL``, ``JS`` never inside ``Node.js``. Any other punctuation and any run of whitespace count
  as one separator, so ``CI/CD`` matches ``CI CD`` and ``machine\\nlearning`` matches ``machine learning``.
* Russian morphology: in an alias, each Cyrillic word of 4+ letters is cut to a stem (its longest
  inflectional ending removed, keeping 3+ letters) and matches that stem plus any one inflectional
  ending, so ``управление проектами`` also finds ``управления проектами`` and ``управлением проектов``.
  A word with nothing to cut (it ends in a consonant: ``технолог``, ``брокер``) is a masculine noun and
  takes only noun case endings, so ``технолог`` finds ``технологом`` but not ``технологий``.
  Shorter Cyrillic words (``БД``, ``ТЗ``, ``гит``) match exactly. ``ё`` is read as ``е``. This is a cheap
  suffix rule, not a full stemmer: derived words (``стрессоустойчивость``) need their own alias.
* Russian lemmas: plain aliases with Cyrillic words also match lemma by lemma (pymorphy3's dictionary),
  which reaches the forms whose stem changes: ``владелец продукта`` finds ``владельцем продукта``,
  ``закупки`` finds ``закупок``, ``уровень сервиса`` finds ``уровня сервиса``, ``хор`` finds ``хоре``.
  Only nominal readings count (a verb never matches a noun or participle alias), a word written with a
  capital after its first letter (``МиСУ``) is an abbreviation and is not lemmatised, and English tokens are
  never touched. Two aliases of different entries whose lemmas coincide are a conflict, like any other.
* Strict aliases start with ``=`` (``=Go``, ``=R``, ``=C``, ``=Excel``, ``=REST``, ``=SOLID``...): for
  skills whose name is a single letter or an everyday word. They match only with the exact case written,
  only between list-like separators (space, start/end, ``, ; : / | ( ) [ ] " *`` bullets), never before
  ``-``, ``&``, ``+``, ``'`` (``C-level``, ``R&D``), and not when the next word is a function word such
  as ``to``/``the``/``back`` (``Go to the store``). A single letter also never stands before ``.``
  (initials like ``John R. Smith``), next to ``&`` (``R & D``), across a slash from another single letter
  or a number (``C/O``, ``R/C``, ``23/C``; ``C/C++`` is fine), after a label word (``vitamin``,
  ``grade``, ``section``) or before one (``C level``, ``C class``). Strict aliases of two or more letters
  also match in any case as a whole list item (``java, go, sql``).
* List-only aliases start with ``~`` (``~Spring``, ``~Room``, ``~Vault``): words too common to find in
  prose, taken only as a whole list item (``Kotlin, Room, Retrofit``), in any case.
* When a strict or list-only alias spells the name, the name follows that rule too (``Go``, ``SOLID``).
* A match never spans a list or sentence break (``, ; | ( ) ! ?`` or ``.``/``:`` before a space), so
  ``retail, sales`` is not ``Retail sales``; it may span spaces, hyphens, slashes and line breaks.
* A canonical name containing ``(`` (``Compliance (IT)``) is display-only: its aliases do the matching.
* Overlapping matches resolve leftmost-longest: ``SQL Server`` wins over ``SQL``, ``React Native`` over
  ``React``; each canonical entry is reported once, at its first occurrence.

Modules, one concept each:

    dictionaries.py  the records and their CSV loaders
    normalize.py     the matching form of text, with offsets back into the original
    stemming.py      Russian inflection of alias words (the suffix rule)
    morphology.py    Russian lemmas of words (pymorphy3), cached per word
    context.py       where strict and list-only aliases may stand; breaks a match never spans
    aliases.py       alias modes and automaton keys; the alias-conflict check
    lemma_index.py   the lemma pass: aliases and text in lemma form
    phrase_index.py  the Aho-Corasick index every matcher shares
    matchers.py      SkillMatcher, RoleMatcher, canonical skills, roles and industries
    places.py        canonical locations; the city key locations compare by
"""

from matchflow.taxonomy.aliases import find_alias_conflicts
from matchflow.taxonomy.dictionaries import (
    Entry,
    HiringStage,
    Industry,
    Location,
    Role,
    Skill,
    load_hiring_stages,
    load_industries,
    load_locations,
    load_roles,
    load_skills,
    seed_dir,
)
from matchflow.taxonomy.matchers import (
    EVIDENCE_CONTEXT,
    TITLE_LINE_BONUS,
    RoleMatcher,
    SkillMatcher,
    canonical_industry,
    canonical_role,
    canonical_skill,
)
from matchflow.taxonomy.normalize import normalize_phrase
from matchflow.taxonomy.places import canonical_location, city_part, normalise_city

__all__ = [
    "EVIDENCE_CONTEXT",
    "TITLE_LINE_BONUS",
    "Entry",
    "HiringStage",
    "Industry",
    "Location",
    "Role",
    "RoleMatcher",
    "Skill",
    "SkillMatcher",
    "canonical_industry",
    "canonical_location",
    "canonical_role",
    "canonical_skill",
    "city_part",
    "find_alias_conflicts",
    "load_hiring_stages",
    "load_industries",
    "load_locations",
    "load_roles",
    "load_skills",
    "normalise_city",
    "normalize_phrase",
    "seed_dir",
]
