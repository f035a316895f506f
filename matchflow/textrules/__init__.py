"""Text rules that several readers share, written once each.

Resumes and postings (matchflow.extract), Fillout form answers (matchflow.fillout.mapping) and the
reranker (matchflow.rerank) all read currencies, work modes and e-mail addresses; when each kept its own
copy, the copies drifted apart. These modules hold the one rule each, and need no data files and no
I/O. Place names are not here: telling cities apart needs the locations dictionary, so that rule lives
with it in matchflow.taxonomy.places.

    contacts.py   the e-mail address pattern
    currency.py   currency signs, codes and names -> ISO 4217
    work_mode.py  remote | hybrid | onsite, in prose and in short answers

Import from the modules (``from matchflow.textrules.work_mode import work_mode``); the package exports
the modules themselves, so ``textrules.work_mode`` stays the module and not its function.
"""

from matchflow.textrules import contacts, currency, work_mode

__all__ = ["contacts", "currency", "work_mode"]
