"""One Python system of `make bench` (tests/bench.py), run as a worker process so that each
system's load time and peak RSS are its own. Speaks the same line protocol as tests/benchgo:
one JSON command per line on stdin, one JSON answer per line on stdout.

    --system hf   HF eager LxmertForQuestionAnswering under torch.no_grad()
    --system ts   the same model traced by torch.jit.trace (one trace per batch size)
    --system ort  ONNX Runtime on the model exported at opset 14 (tests/bench.py exports it)

Commands: load {model, onnx}, inputs {batch, path}, run {batch, threads, n}, answers {batch,
out}, mem, gemm {threads}."""
import argparse
import json
import sys
import time

import numpy as np
import torch
from safetensors.numpy import save_file
from safetensors.torch import load_file

NAMES = ("input_ids", "visual_feats", "visual_pos", "attention_mask")


class QAScores(torch.nn.Module):
    """The HF model with positional inputs and one output, for tracing and export."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, visual_feats, visual_pos, attention_mask):
        return self.model(input_ids=input_ids, visual_feats=visual_feats, visual_pos=visual_pos,
                          attention_mask=attention_mask).question_answering_score


def peak_mb():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                out["peak_mb"] = int(line.split()[1]) / 1024
            if line.startswith("VmRSS:"):
                out["rss_mb"] = int(line.split()[1]) / 1024
    return out


class Worker:
    def __init__(self, system):
        self.system = system
        self.inputs = {}
        self.traced = {}
        self.session = None
        self.session_threads = None

    def load(self, model, onnx=None):
        start = time.perf_counter()
        if self.system == "ort":
            self.onnx = onnx
            self._session(torch.get_num_threads())
        else:
            from transformers import LxmertForQuestionAnswering
            self.model = LxmertForQuestionAnswering.from_pretrained(model).eval()
            self.wrapped = QAScores(self.model).eval()
        return {"load_s": time.perf_counter() - start}

    def _session(self, threads):
        import onnxruntime as ort
        if self.session is not None and self.session_threads == threads:
            return
        self.session = None
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(self.onnx, opts, providers=["CPUExecutionProvider"])
        self.session_threads = threads

    def set_inputs(self, batch, path):
        t = load_file(path)
        self.inputs[batch] = tuple(t[n] for n in NAMES)
        return {}

    def forward(self, batch):
        x = self.inputs[batch]
        if self.system == "ort":
            feed = {n: v.numpy() for n, v in zip(NAMES, x)}
            return torch.from_numpy(self.session.run(["question_answering_score"], feed)[0])
        with torch.no_grad():
            if self.system == "ts":
                if batch not in self.traced:
                    self.traced[batch] = torch.jit.trace(self.wrapped, x, check_trace=False)
                return self.traced[batch](*x)
            return self.wrapped(*x)

    def run(self, batch, threads, n):
        # Only on a change, as tests/benchgo: torch.set_num_threads also drops oneDNN's caches
        # and rebuilds the thread pool, a cost of the next forward, not of a forward.
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        if self.system == "ort":
            self._session(threads)
        ms, cpu = [], []
        for _ in range(max(n, 1)):
            start, cpu0 = time.perf_counter(), time.process_time()
            self.forward(batch)
            ms.append(1000 * (time.perf_counter() - start))
            cpu.append(1000 * (time.process_time() - cpu0))
        return {"ms": ms, "cpu_ms": cpu}

    def answers(self, batch, out):
        probs = torch.softmax(self.forward(batch).float(), -1).numpy().astype(np.float32)
        save_file({"probs": probs}, out)
        return {}

    def gemm(self, threads):
        """A GEMM ceiling on this machine now: the best of several large fp32 products."""
        torch.set_num_threads(threads)
        n = 2048
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)
        best = min(self._time(lambda: torch.mm(a, b)) for _ in range(5))
        return {"gflops": 2 * n ** 3 / best / 1e9}

    @staticmethod
    def _time(f):
        start = time.perf_counter()
        f()
        return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", choices=["hf", "ts", "ort"], required=True)
    w = Worker(ap.parse_args().system)
    for line in sys.stdin:
        c = json.loads(line)
        try:
            op = c["op"]
            if op == "load":
                r = w.load(c["model"], c.get("onnx"))
            elif op == "inputs":
                r = w.set_inputs(c["batch"], c["path"])
            elif op == "run":
                r = w.run(c["batch"], c["threads"], c.get("n", 1))
            elif op == "answers":
                r = w.answers(c["batch"], c["out"])
            elif op == "mem":
                r = peak_mb()
            elif op == "gemm":
                r = w.gemm(c["threads"])
            else:
                r = {"error": f"unknown op {op!r}"}
        except Exception as e:  # reported to the orchestrator, which stops
            r = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
