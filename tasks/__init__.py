"""Prefect tasks: thin, retried boundaries around one batch of plain pipeline functions each.

Retries sit only on tasks that do I/O (database, Fillout, file downloads), with exponential backoff and
jitter, and only for transient errors (`is_transient`); a document that fails deterministically is
recorded by the stage as `failed` and never retried.
"""
