"""The text a model wants in front of every input, by model name: e5's `query: `, nomic's `search_query: `.

Exists because models trained with prompts embed unprompted text worse, and the sentence-transformers
models loaded by name in production get no prompt from us otherwise. matchflow stores one vector per
document and uses it both as a query (a job looking for resumes) and as a target (the same job found by a
resume): a symmetric task. Both model cards say what to do then:

    e5 (intfloat/e5-*, multilingual-e5-*)   "query: " on both sides of a symmetric task (semantic
                                            similarity, paraphrase retrieval); so on documents and on
                                            short texts alike
    nomic-embed-text                        "clustering: " / "classification: " for symmetric use; we
                                            take "clustering: ", which groups texts by topic

Instruction-tuned variants (`*-instruct`) want a task sentence, not a fixed prefix: they get none here;
set `MATCHFLOW_EMBED_PROMPT` for them. A prompt changes every vector, so it is part of the model's
stored identity (`prompt_revision`).
"""

from __future__ import annotations

import hashlib
import re

# (pattern on the model name, prompt for documents and short texts). First match wins.
KNOWN_PROMPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"e5-.*instruct", re.IGNORECASE), ""),
    (re.compile(r"(^|[/_-])e5-", re.IGNORECASE), "query: "),
    (re.compile(r"nomic-embed-text", re.IGNORECASE), "clustering: "),
)


def model_prompt(model_name: str, override: str | None = None) -> str:
    """The prompt put before every input of `model_name`: `override` when given ("" = none), else the table."""
    if override is not None:
        return override
    for pattern, prompt in KNOWN_PROMPTS:
        if pattern.search(model_name):
            return prompt
    return ""


def prompt_revision(prompt: str) -> str:
    """What a prompt adds to the stored revision: nothing for none, else `+prompt-<sha256, 8 hex>`."""
    if not prompt:
        return ""
    return "+prompt-" + hashlib.sha256(prompt.encode()).hexdigest()[:8]
