"""The pipeline's stages as plain functions over the database, named by the data they produce.

    receive  IncomingDocument -> source_records + stored_files + documents(status=received|duplicate|failed)
    parse    documents(received) -> text, sections, fields, hashes, candidate/job (status=parsed|duplicate|failed)
    embed    documents lacking a vector of the current model -> embeddings (status=embedded)
    match    embedded documents -> match_sessions + match_results + analysis_results (status=matched)

Each stage takes a batch, owns one transaction per batch, and only picks up what the previous stage
committed, so a crash loses at most the batch in flight and a re-run finishes the work with no duplicates.
"""
