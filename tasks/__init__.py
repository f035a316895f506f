"""Prefect tasks: thin, retried boundaries around one batch of plain pipeline functions each.

Every task takes the run's `RunContext` (built once by the flow) and is named like its stage:

    fillout.fetch_submissions   sources.list_files / receive_files     step 0  fetch
    parse.parse_documents                                             step 1  parse
    gpu.check_gpu                                                     step 2  gpu-check
    embed.embed_documents                                             step 3  embed
    search.next_queries / search_matches                              step 4  search
    rerank.rerank_matches                                             step 5  rerank
    analyze.analyze_matches                                           step 6  analyze
    save.save_matches                                                 step 7  save

Retries sit only on tasks that do I/O (database, Fillout, file downloads), with exponential backoff and
jitter, and only for transient errors (`is_transient`); a document that fails deterministically is
recorded by the stage as `failed` and never retried.
"""
