"""HF eager baseline for BenchmarkQAForward: LxmertForQuestionAnswering, default config, 3,129
answers, 20 tokens, 36 boxes; batch 1 and 8 with 1 and 2 threads. Prints ms per forward.

Run: .venv/bin/python tests/bench_hf.py"""
import time

import torch
from transformers import LxmertConfig, LxmertForQuestionAnswering

model = LxmertForQuestionAnswering(LxmertConfig(num_qa_labels=3129)).eval()
for batch in (1, 8):
    for threads in (1, 2):
        torch.set_num_threads(threads)
        ids = torch.full((batch, 20), 7, dtype=torch.long)
        feats, pos = torch.full((batch, 36, 2048), 0.1), torch.full((batch, 36, 4), 0.5)
        with torch.no_grad():
            model(input_ids=ids, visual_feats=feats, visual_pos=pos)
            n = 20 if batch == 1 else 5
            start = time.perf_counter()
            for _ in range(n):
                model(input_ids=ids, visual_feats=feats, visual_pos=pos)
        print(f"HF eager batch={batch} threads={threads}: {1000 * (time.perf_counter() - start) / n:.1f} ms/forward")
