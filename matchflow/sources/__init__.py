"""Where documents come from: folders of files, CSV/JSON job tables, the Fillout API.

Every source yields `IncomingDocument`s; the receive stage stores them as raw records + documents.
"""

from matchflow.sources.base import IncomingDocument

__all__ = ["IncomingDocument"]
