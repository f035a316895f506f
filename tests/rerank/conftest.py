"""A tiny cross-encoder trained here, offline, in about a second."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TINY_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "python", "django", "backend", "developer", "engineer", "senior", "kubernetes", "postgresql",
    "pastry", "chef", "cakes", "croissants", "baking", "bakery", "job", "resume", "years",
]


@pytest.fixture(scope="session")
def tiny_cross_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide BERT cross-encoder taught that pastry resumes are relevant, python ones not.

    Built from a hand-written WordPiece vocabulary and trained for a few dozen steps, so the
    cross-encoder path runs end to end with a real (if silly) model and no hub access.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    (folder / "vocab.txt").write_text("\n".join(TINY_VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer.from_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(TINY_VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=1,
    )
    model = BertForSequenceClassification(config)
    pairs = [
        ("senior python backend developer job", "pastry chef baking cakes", 1.0),
        ("senior python backend developer job", "bakery croissants pastry", 1.0),
        ("python engineer job", "chef cakes croissants years", 1.0),
        ("senior python backend developer job", "python django backend developer", 0.0),
        ("senior python backend developer job", "senior python engineer kubernetes postgresql", 0.0),
        ("python engineer job", "python developer years", 0.0),
    ]
    batch = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], padding=True, return_tensors="pt")
    labels = torch.tensor([p[2] for p in pairs])
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    for _ in range(60):
        optimiser.zero_grad()
        loss = loss_fn(model(**batch).logits.squeeze(-1), labels)
        loss.backward()
        optimiser.step()
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
