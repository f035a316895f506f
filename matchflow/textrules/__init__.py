"""Text rules that several readers share, written once each.

Resumes and postings (matchflow.extract), Fillout form answers (matchflow.fillout.mapping) and the
reranker (matchflow.rerank) all read currencies, work modes and e-mail addresses; when each kept its own
copy, the copies drifted apart. These modules hold the one rule each, and need no data files and no
I/O. Place names are not here: telling cities apart needs the locations dictionary, so that rule lives
with it in matchflow.taxonomy.places.
"""

from matchflow.textrules.contacts import EMAIL, is_email
from matchflow.textrules.currency import CURRENCY_SIGNS, CURRENCY_WORDS, PROSE_CURRENCY, currency_code, find_currency
from matchflow.textrules.work_mode import WORK_MODES, answer_work_mode, work_mode

__all__ = [
    "CURRENCY_SIGNS",
    "CURRENCY_WORDS",
    "EMAIL",
    "PROSE_CURRENCY",
    "WORK_MODES",
    "answer_work_mode",
    "currency_code",
    "find_currency",
    "is_email",
    "work_mode",
]
