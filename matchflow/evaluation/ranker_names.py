"""The rankers the evaluation compares, by name and in report order.

Kept apart from rankers.py, which runs the pipeline's searches and SQL, so that formatting a report
(report.py) imports no database code.
"""

from __future__ import annotations

RANKERS = ("pipeline", "lexical", "bm25", "vector")  # lexical: the pipeline's lexical retriever alone
