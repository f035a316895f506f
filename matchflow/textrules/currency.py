"""Currency signs, codes and names -> ISO 4217 codes, in one table for every reader of money.

The salary extractor reads prose, where a currency counts only next to an amount; the Fillout mapper
reads a salary or currency answer, where a currency is expected. Prose is the riskier place: ISO codes
that are also words or names ("try", "amd", "ron") and loose words ("pound", "dollar") would turn
weights and product names into salaries, so prose looks only for `PROSE_CURRENCY`, a subset of the
table; every token it matches has its code in the table (`currency_code`).
"""

from __future__ import annotations

import re

__all__ = ["CURRENCY_SIGNS", "CURRENCY_WORDS", "PROSE_CURRENCY", "currency_code", "find_currency"]

CURRENCY_SIGNS: dict[str, str] = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₽": "RUB",
    "₸": "KZT",
    "₴": "UAH",
    "₹": "INR",
    "¥": "JPY",
}
# Casefolded names and codes. The order is `find_currency`'s priority: the first one found in a text wins.
CURRENCY_WORDS: dict[str, str] = {
    "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "долл": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "евро": "EUR",
    "gbp": "GBP", "pound": "GBP",
    "rub": "RUB", "rur": "RUB", "руб": "RUB", "рублей": "RUB", "рубля": "RUB", "р.": "RUB",
    "kzt": "KZT", "uah": "UAH", "chf": "CHF", "pln": "PLN", "czk": "CZK", "sek": "SEK", "nok": "NOK",
    "dkk": "DKK", "cad": "CAD", "aud": "AUD", "inr": "INR", "jpy": "JPY", "cny": "CNY", "try": "TRY",
    "aed": "AED", "ils": "ILS", "gel": "GEL", "amd": "AMD", "byn": "BYN", "uzs": "UZS", "rsd": "RSD",
    "huf": "HUF", "ron": "RON", "bgn": "BGN",
}  # fmt: skip

# A regex fragment (no groups, use with re.I) for a currency written next to an amount in prose. Only the
# currencies whose amounts the salary extractor can read: "₹12 LPA" or "₹15,00,000" (lakh grouping) would
# come out as 12 or 1500 rupees, so the rarer signs stay out of prose.
PROSE_CURRENCY = r"(?:\$|€|£|₽|us\$|usd|eur|euros?|gbp|rub|rur|руб(?:лей|ля)?\.?|р\.|dollars|долл\.?|евро)"

# Stems match a word starting with them (руб -> рублей, долл -> доллары); every other name or code must be a
# whole word, so "европейский" is not euros and "rural" is not roubles.
_STEMS = frozenset({"долл", "руб"})
_WORD_STARTS = {word: re.compile(rf"(?<![a-zа-яё]){re.escape(word)}" + ("" if word in _STEMS else r"(?![a-zа-яё])"))
                for word in CURRENCY_WORDS}


def currency_code(token: str) -> str | None:
    """The ISO code of one currency token as written ("€", "USD", "руб.", "р."), or None."""
    key = token.strip().casefold()
    return CURRENCY_SIGNS.get(key) or CURRENCY_WORDS.get(key) or CURRENCY_WORDS.get(key.rstrip("."))


def find_currency(text: str) -> str | None:
    """An ISO code from a sign anywhere in `text`, else from a name or code written as a word (or a stem).

    Meant for short answers where a currency is expected ("EUR", "100k евро", "рублей"): in prose the
    codes that are also words would misfire, which is what `PROSE_CURRENCY` is for.
    """
    for sign, code in CURRENCY_SIGNS.items():
        if sign in text:
            return code
    lowered = text.casefold()
    for word, code in CURRENCY_WORDS.items():
        if _WORD_STARTS[word].search(lowered):
            return code
    return None
