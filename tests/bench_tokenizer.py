#!/usr/bin/env python3
"""Time HF's Rust fast tokenizer on one core over the reference corpus, and (with --go) the Go
tokenizer in the same run, then print the throughput ratio.

    .venv/bin/python tests/bench_tokenizer.py --go

The Rust side is pinned to one thread (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false) and
timed with encode_batch, so Python's per-call overhead is not charged to it; the per-text
encode loop is printed too. The Go side is `go test -bench BenchmarkFastEncode -cpu 1`.
"""
import os

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from transformers import LxmertTokenizerFast  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best_of(fn, reps):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--go", action="store_true", help="also run the Go benchmark and print the ratio")
    args = ap.parse_args()
    with gzip.open(os.path.join(ROOT, "tests/testdata/tokenizer/corpus.jsonl.gz"), "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    tok = LxmertTokenizerFast(vocab_file=os.path.join(ROOT, "tokenizer/vocab.txt"))
    rust = tok.backend_tokenizer
    rust.encode_batch(texts)  # warm up
    t_batch = best_of(lambda: rust.encode_batch(texts), args.reps)
    t_loop = best_of(lambda: [rust.encode(t) for t in texts], max(3, args.reps // 4))
    print(f"corpus: {len(texts)} texts, {nbytes} bytes")
    print(f"rust encode_batch, 1 thread: {t_batch * 1e3:8.2f} ms/pass  {len(texts) / t_batch:10.0f} texts/s  {nbytes / t_batch / 1e6:6.2f} MB/s")
    print(f"rust encode loop, 1 thread:  {t_loop * 1e3:8.2f} ms/pass  {len(texts) / t_loop:10.0f} texts/s")
    if not args.go:
        return
    out = subprocess.run(["go", "test", "./tokenizer", "-run", "^$", "-bench", "^BenchmarkFastEncode$", "-cpu", "1",
                          "-benchtime", "3s", "-count", "3"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    ns = [float(m) for m in re.findall(r"BenchmarkFastEncode\s+\d+\s+([\d.]+) ns/op", out)]
    t_go = min(ns) / 1e9
    print(f"go Encode loop, 1 goroutine: {t_go * 1e3:8.2f} ms/pass  {len(texts) / t_go:10.0f} texts/s  {nbytes / t_go / 1e6:6.2f} MB/s")
    print(f"ratio go/rust throughput (vs encode_batch): {t_batch / t_go:.2f}x")


if __name__ == "__main__":
    main()
