"""`make bench`: the Go forward against HF eager, TorchScript and ONNX Runtime, in one run.

Same weights (one model.safetensors of a base LxmertForQuestionAnswering, 3,129 answers,
random with perturbed biases and LayerNorms), same inputs (20 tokens, 36 boxes), batch 1, 8
and 32, threads 2 then 1. Every system is a worker process (tests/benchgo, tests/bench_worker.py)
that loads the model once; each round asks every system for one timed forward in a fresh
random order, so that drift on this shared machine hits all of them. Medians of 10 rounds
at every batch size (batch 32's per-round Go / HF ratio ranged 0.70-0.85 within one run, too
wide for a median of 5) after two warm-up forwards each. Then: answers (Go fp32 against HF eager,
Go bf16 and int8 against Go fp32), peak RSS (a fresh Go process that runs only fp32, and the HF eager worker), load
times, and a GEMM ceiling measured now. Prints a table; the last line is one JSON object.

Run: .venv/bin/python tests/bench.py --go build/benchgo [--dir build/bench] [--quick]"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

import torch
from safetensors.numpy import load_file as load_np
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SEQ, BOXES = 20, 36


def make_model(d):
    """A base QA model saved once (random weights; biases and LayerNorms perturbed so that
    none is the trivial 0/1 of a fresh init)."""
    if os.path.exists(os.path.join(d, "model.safetensors")):
        return
    from transformers import LxmertConfig, LxmertForQuestionAnswering
    torch.manual_seed(0)
    model = LxmertForQuestionAnswering(LxmertConfig(num_qa_labels=3129)).eval()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 1:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    model.save_pretrained(d, safe_serialization=True)


def make_inputs(d, batch):
    path = os.path.join(d, f"inputs_b{batch}.safetensors")
    if os.path.exists(path):
        return path
    g = torch.Generator().manual_seed(100 + batch)
    ids = torch.randint(1000, 30000, (batch, SEQ), generator=g)
    ids[:, 0], ids[:, -1] = 101, 102  # [CLS] … [SEP]
    x1y1 = torch.rand(batch, BOXES, 2, generator=g) * 0.7
    wh = torch.rand(batch, BOXES, 2, generator=g) * 0.3 + 0.01
    save_file({
        "input_ids": ids,
        "attention_mask": torch.ones(batch, SEQ, dtype=torch.int64),
        "visual_feats": torch.relu(torch.randn(batch, BOXES, 2048, generator=g)),
        "visual_pos": torch.cat([x1y1, x1y1 + wh], -1).contiguous(),
    }, path)
    return path


def export_onnx(d):
    path = os.path.join(d, "model.onnx")
    if os.path.exists(path):
        return path
    sys.path.insert(0, HERE)
    from bench_worker import NAMES, QAScores
    from safetensors.torch import load_file
    from transformers import LxmertForQuestionAnswering
    model = QAScores(LxmertForQuestionAnswering.from_pretrained(d).eval()).eval()
    x = load_file(make_inputs(d, 1))
    axes = {n: {0: "batch"} for n in NAMES}
    axes["question_answering_score"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, tuple(x[n] for n in NAMES), path + ".tmp", opset_version=14,
                          input_names=list(NAMES), output_names=["question_answering_score"],
                          dynamic_axes=axes, do_constant_folding=True)
    os.replace(path + ".tmp", path)
    return path


class Worker:
    def __init__(self, name, argv):
        self.name = name
        env = dict(os.environ, OMP_NUM_THREADS="2")
        env.pop("OPENBLAS_CORETYPE", None)  # users' machines pick the kernel from the CPU
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                  text=True, bufsize=1)

    def call(self, **cmd):
        self.p.stdin.write(json.dumps(cmd) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"bench: the {self.name} worker died (command {cmd})")
        r = json.loads(line)
        if "error" in r:
            sys.exit(f"bench: {self.name}: {r['error']} (command {cmd})")
        return r

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", required=True, help="the benchgo binary")
    ap.add_argument("--dir", default="build/bench")
    ap.add_argument("--quick", action="store_true", help="3 rounds, batch 1 and 8, 2 threads (a smoke run)")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    batches, threads = ((1, 8), (2,)) if a.quick else ((1, 8, 32), (2, 1))
    make_model(a.dir)
    inputs = {b: make_inputs(a.dir, b) for b in batches}
    onnx = export_onnx(a.dir)
    with open(os.path.join(a.dir, "model.safetensors"), "rb") as f:  # the page cache, for all
        while f.read(1 << 24):
            pass

    py = [sys.executable, os.path.join(HERE, "bench_worker.py"), "--system"]
    workers = {"go": Worker("go", [a.go]), "hf": Worker("hf", py + ["hf"]),
               "ts": Worker("ts", py + ["ts"]), "ort": Worker("ort", py + ["ort"])}
    for w in workers.values():  # every worker up (Python ones past importing torch), so that
        w.call(op="mem")          # no load is timed while the others still start beside it
    load = {}
    for name, w in workers.items():  # one at a time: load times are not shared
        load[name] = w.call(op="load", model=a.dir, onnx=onnx)["load_s"]
        for b in batches:
            w.call(op="inputs", batch=b, path=inputs[b])
    systems = [("go", "fp32"), ("go", "bf16"), ("go", "int8"), ("hf", None), ("ts", None), ("ort", None)]
    label = {("go", "fp32"): "Go fp32", ("go", "bf16"): "Go bf16", ("go", "int8"): "Go int8", ("hf", None): "HF eager",
             ("ts", None): "TorchScript", ("ort", None): "ONNX Runtime"}

    def once(sys_, b, t, n=1):
        w, prec = workers[sys_[0]], sys_[1]
        r = w.call(op="run", batch=b, threads=t, n=n, **({"precision": prec} if prec else {}))
        return list(zip(r["ms"], r["cpu_ms"]))

    med, cpu = {}, {}
    load_avg = [os.getloadavg()[0]]
    rng = random.Random(7)
    for t in threads:
        for b in batches:
            rounds = 3 if a.quick else 10
            for s in systems:
                once(s, b, t, n=2)  # warm-up: primitives, traces, sessions, buffers
            times = {s: [] for s in systems}
            for _ in range(rounds):
                order = systems[:]
                rng.shuffle(order)
                for s in order:
                    times[s] += once(s, b, t)
                    time.sleep(0.02)  # let the previous system's OpenMP threads go idle
            for s in systems:
                med[(s, b, t)] = statistics.median(x[0] for x in times[s])
                cpu[(s, b, t)] = statistics.median(x[1] for x in times[s])
            load_avg.append(os.getloadavg()[0])
            print(f"threads {t} batch {b:2d}: " + ", ".join(
                f"{label[s]} {med[(s, b, t)]:.1f}" for s in systems) + " ms", file=sys.stderr)

    # answers: Go fp32 against HF eager, Go bf16 and int8 against Go fp32, on the same inputs
    agree, n_ex, dprob = True, 0, 0.0
    low_agree, low_dprob = {"bf16": 0, "int8": 0}, {"bf16": 0.0, "int8": 0.0}
    for b in batches:
        got = {}
        for key, w, prec in (("hf", "hf", None), ("fp32", "go", "fp32"), ("bf16", "go", "bf16"), ("int8", "go", "int8")):
            out = os.path.join(a.dir, f"probs_{key}_b{b}.safetensors")
            workers[w].call(op="answers", batch=b, out=out, **({"precision": prec} if prec else {}))
            got[key] = load_np(out)["probs"]
        agree &= bool((got["hf"].argmax(-1) == got["fp32"].argmax(-1)).all())
        for p in low_agree:
            low_agree[p] += int((got["fp32"].argmax(-1) == got[p].argmax(-1)).sum())
            low_dprob[p] = max(low_dprob[p], float(abs(got["fp32"] - got[p]).max()))
        n_ex += b
        dprob = max(dprob, float(abs(got["hf"] - got["fp32"]).max()))

    gemm = workers["ts"].call(op="gemm", threads=2)["gflops"]
    hf_rss = workers["hf"].call(op="mem")["peak_mb"]
    go_low_rss = workers["go"].call(op="mem")["peak_mb"]
    for w in workers.values():
        w.close()
    # Go's fp32 footprint on its own: a fresh process that loads and runs every batch once.
    g = Worker("go-rss", [a.go])
    g.call(op="load", model=a.dir)
    for b in batches:
        g.call(op="inputs", batch=b, path=inputs[b])
        g.call(op="run", batch=b, threads=2, n=1, precision="fp32")
    go_rss = g.call(op="mem")["peak_mb"]
    g.close()

    print()
    print(f"load average (1 min) during the timings: {min(load_avg):.1f} to {max(load_avg):.1f} on {os.cpu_count()} CPUs")
    for what, tab in (("wall-clock", med), ("process CPU time (all threads)", cpu)):
        print(f"\nmedian {what} per forward:\n")
        print("| threads | batch | Go fp32 | Go bf16 | Go int8 | HF eager | TorchScript | ONNX Runtime | Go/HF | Go/ORT | bf16 speed-up | int8 speed-up |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for t in threads:
            for b in batches:
                m = {s: tab[(s, b, t)] for s in systems}
                gf, gb, gi = m[("go", "fp32")], m[("go", "bf16")], m[("go", "int8")]
                hf, ort = m[("hf", None)], m[("ort", None)]
                print(f"| {t} | {b} | {gf:.1f} ms | {gb:.1f} ms | {gi:.1f} ms | {hf:.1f} ms | {m[('ts', None)]:.1f} ms | "
                      f"{ort:.1f} ms | {gf / hf:.2f} | {gf / ort:.2f} | {gf / gb:.2f}× | {gf / gi:.2f}× |")
    print(f"\nload: Go {load['go']:.2f} s, HF from_pretrained {load['hf']:.2f} s, ORT session {load['ort']:.2f} s; "
          f"peak RSS: Go fp32 {go_rss:.0f} MB, Go fp32+bf16+int8 {go_low_rss:.0f} MB, HF eager {hf_rss:.0f} MB; "
          f"GEMM ceiling {gemm:.0f} GFLOP/s (torch.mm 2048³, 2 threads)")
    print(f"answers: Go fp32 top-1 equals HF's on {n_ex} examples: {agree} (max |Δprob| {dprob:.2e}); "
          f"bf16 agrees with fp32 on {low_agree['bf16']}/{n_ex} (max |Δprob| {low_dprob['bf16']:.2e}); "
          f"int8 on {low_agree['int8']}/{n_ex} (max |Δprob| {low_dprob['int8']:.2e})")

    def ratio(s, b, ref, t=2):
        k = (s, b, t)
        return round(med[k] / med[(ref, b, t)], 3) if k in med else None
    res = {f"b{b}_ratio": ratio(("go", "fp32"), b, ("hf", None)) for b in batches}
    res.update({f"b{b}_ort_ratio": ratio(("go", "fp32"), b, ("ort", None)) for b in batches})
    res.update({f"b{b}_bf16_speedup": round(1 / ratio(("go", "bf16"), b, ("go", "fp32")), 3) for b in batches})
    res.update({f"b{b}_int8_speedup": round(1 / ratio(("go", "int8"), b, ("go", "fp32")), 3) for b in batches})
    res.update({f"b{b}_ms": {label[s]: round(med[(s, b, 2)], 1) for s in systems} for b in batches})
    res.update({f"b{b}_cpu_ratio": round(cpu[(("go", "fp32"), b, 2)] / cpu[(("hf", None), b, 2)], 3) for b in batches})
    res.update({f"b{b}_cpu_ort_ratio": round(cpu[(("go", "fp32"), b, 2)] / cpu[(("ort", None), b, 2)], 3) for b in batches})
    res.update(load_avg=[round(min(load_avg), 1), round(max(load_avg), 1)])
    res.update(go_rss_mb=round(go_rss), hf_rss_mb=round(hf_rss), go_bf16_rss_mb=round(go_low_rss),  # key kept from before int8; now fp32+bf16+int8
               go_load_s=round(load["go"], 2), hf_load_s=round(load["hf"], 2), gemm_gflops=round(gemm),
               agree=agree, max_dprob=dprob, bf16_agree=f"{low_agree['bf16']}/{n_ex}", bf16_max_dprob=low_dprob["bf16"],
               int8_agree=f"{low_agree['int8']}/{n_ex}", int8_max_dprob=low_dprob["int8"])
    print(json.dumps(res))


if __name__ == "__main__":
    main()
