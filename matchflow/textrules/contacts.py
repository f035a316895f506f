"""The e-mail address rule, shared by the resume extractor (finding addresses in prose) and the Fillout
mapper (checking that a form answer is one address), so both accept and reject the same addresses.

The rule is the extractor's, the stricter of the two copies there were: a local part of word characters,
``.``, ``+``, ``-`` (and an inner ``'``, as in o'brien@, which the form check used to accept); domain labels
of letters (any script: ivan@почта.рф is an address), digits and ``-``; a top-level domain of 2-24 letters.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL", "is_email"]

# An apostrophe may sit inside the local part (o'brien@...), never lead it, so a quoted 'a@b.com' still reads.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-][\w.+'-]*@(?:[^\W_]|-)+(?:\.(?:[^\W_]|-)+)*\.[^\W\d_]{2,24}\b")


def is_email(text: str) -> bool:
    """True when the whole of `text` (surrounding spaces aside) is one e-mail address."""
    return EMAIL.fullmatch(text.strip()) is not None
