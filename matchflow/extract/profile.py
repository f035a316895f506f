"""Education level and spoken languages (English and Russian wording)."""

from __future__ import annotations

import re

# Highest first: the first level found in this order wins.
EDUCATION_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "phd",
        re.compile(
            r"\bph\.?\s?d\b|\bdoctor of philosophy\b|\bdoctorate\b|\bd\.sc\b|кандидат\w* \w+ наук|"
            r"доктор\w* \w+ наук|\bк\.\s?т\.\s?н\b|аспирантур",
            re.I,
        ),
    ),
    (
        "master",
        re.compile(
            r"\bmaster'?s?\b|\bm\.?sc\b|\bm\.\s?s\b\.?|\bmba\b|\bm\.\s?a\b\.?|\bmeng\b|магистр|магистратур",
            re.I,
        ),
    ),
    (
        "bachelor",
        re.compile(
            r"\bbachelor'?s?\b|\bb\.?sc\b|\bb\.\s?s\b\.?|\bb\.\s?a\b\.?|\bbeng\b|\bb\.?tech\b|бакалавр|специалитет|"
            r"высшее(?! неоконч)|\bBA\b|\bBS\b",
            re.I,
        ),
    ),
    (
        "vocational",
        re.compile(
            r"\bassociate(?:'s)? (?:of|degree|in)\b|\bvocational\b|\btechnical college\b|\bdiploma\b|"
            r"средне[- ]специальное|среднее профессиональное|колледж|техникум|училищ",
            re.I,
        ),
    ),
    (
        "secondary",
        re.compile(r"\bhigh school\b|\bGED\b|\bsecondary school\b|среднее образование|школа", re.I),
    ),
)


def education_level(text: str) -> str | None:
    """The highest education level mentioned: phd | master | bachelor | vocational | secondary."""
    for level, pattern in EDUCATION_LEVELS:
        if pattern.search(text):
            return level
    return None


LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("english", "английский", "английского", "англ"),
    "ru": ("russian", "русский", "русского"),
    "de": ("german", "deutsch", "немецкий", "немецкого"),
    "fr": ("french", "français", "francais", "французский", "французского"),
    "es": ("spanish", "español", "испанский", "испанского"),
    "it": ("italian", "итальянский"),
    "pt": ("portuguese", "португальский"),
    "zh": ("chinese", "mandarin", "cantonese", "китайский"),
    "ja": ("japanese", "японский"),
    "ko": ("korean", "корейский"),
    "ar": ("arabic", "арабский"),
    "he": ("hebrew", "иврит"),
    "hi": ("hindi",),
    "uk": ("ukrainian", "украинский"),
    "pl": ("polish", "польский"),
    "tr": ("turkish", "турецкий"),
    "nl": ("dutch", "нидерландский"),
    "kk": ("kazakh", "казахский"),
}
_LANG_WORDS = {word: code for code, words in LANGUAGES.items() for word in words}
_LANG_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _LANG_WORDS), key=len, reverse=True)) + r")\w*", re.I
)
_LEVEL = re.compile(
    r"\b(native|fluent|fluency|proficien\w*|intermediate|advanced|basic|beginner|elementary|upper|"
    r"conversational|working knowledge|mother tongue|bilingual|[abc][12])\b|"
    r"родной|свободн\w*|разговорн\w*|базов\w*|технический|средний|продвинут\w*|читаю|"
    r"письменн\w*|носитель",
    re.I,
)
_LANG_LINE = re.compile(r"^\s*(?:languages?|языки|знание языков|иностранные языки)\s*[:\-]", re.I)


def spoken_languages(text: str, languages_section: str | None = None) -> list[str]:
    """ISO 639-1 codes of spoken languages: every language named in the languages section, plus
    lines elsewhere that pair a language with a level ("English - C1", "Английский: свободный")
    or start with "Languages:".
    """
    found: list[str] = []
    blocks = [languages_section] if languages_section else []
    blocks += [line for line in text.splitlines() if _LANG_LINE.match(line) or _LEVEL.search(line)]
    for block in blocks:
        for match in _LANG_RE.finditer(block):
            code = _LANG_WORDS[match.group(1).casefold()]
            if code not in found:
                found.append(code)
    return found
