"""The pipeline's stages as plain functions over the database, one module per stage, named by what it produces.

    fetch    Fillout submissions -> incoming documents -> receive            (fetch.py; ingest.py for folders)
    receive  IncomingDocument -> source_records + stored_files + documents(status=received|duplicate|failed)
    parse    documents(received) -> text, sections, fields, hashes, candidate/job (status=parsed|duplicate|failed)
    embed    documents lacking a vector of the current model -> embeddings (status=embedded)
    search   embedded query documents -> a MatchBatch of fused target pools (batch.py)
    rerank   MatchBatch -> ranked pairs, top-K per query
    analyze  MatchBatch -> scored, explained results and analyses
    save     MatchBatch -> match_sessions + match_results + analysis_results (status=matched)

    match.py    search + rerank + analyze + save in one call (the `match` command, the GPU inference flow)
    config.py   EmbedConfig and MatchConfig; context.py: the RunContext every stage of a run is given

Each stage takes a batch, owns one transaction per batch, and only picks up what the previous stage
committed, so a crash loses at most the batch in flight and a re-run finishes the work with no duplicates.
Their SQL lives in `storage/`.
"""
