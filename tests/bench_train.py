"""Training speed, Go against HF + torch on this machine: optimizer steps per second of
`lxmert train` and of the same step in PyTorch (LxmertForQuestionAnswering in train mode,
soft-score BCE times the number of answers, backward, clip_grad_norm_(5), AdamW with
lxmert train's decay groups, linear schedule, zero_grad), for the same shapes.

usage: .venv/bin/python tests/bench_train.py [--size tiny|base] [--batch 32] [--steps 5]
                                             [--threads 2] [--bin bin/lxmert] [--keep DIR]

--size tiny is the train package's test model (hidden 32, 1/1/1 layers, 28 answers,
feature dim 32, 10 boxes); base is LXMERT's default (hidden 768, 9/5/5 layers, 3,129
answers, 36 boxes of 2,048 features). Both use questions of 20 tokens. The script writes a
dataset of that shape (bottom-up-attention TSV, VQA JSON, answers) and a config.json,
runs `lxmert train --max-steps STEPS` on it and reads the per-step times from its
train_log.jsonl (examples / examples_per_s), then times STEPS HF steps. The first step of
each is a warm-up and not counted. The two run one after the other, never together.
"""
import argparse
import base64
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from transformers import LxmertConfig, LxmertForQuestionAnswering, get_linear_schedule_with_warmup

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {
    "tiny": dict(config=dict(hidden_size=32, num_attention_heads=4, intermediate_size=64, l_layers=1, x_layers=1,
                             r_layers=1, visual_feat_dim=32, num_qa_labels=28, num_object_labels=2,
                             num_attr_labels=2, max_position_embeddings=32), boxes=10),
    "base": dict(config=dict(num_qa_labels=3129), boxes=36),
}
SEQ = 20
# "what is the x y z ... ?" tokenizes to exactly 18 word pieces: with [CLS] and [SEP], 20.
QUESTION = "what is " + " ".join(["the"] * 15) + "?"


def write_data(d, fields_cfg, cfg, boxes, n_images, n_questions, rng):
    feat_dim, labels = cfg.visual_feat_dim, cfg.num_qa_labels
    os.makedirs(os.path.join(d, "model"))
    conf = {"architectures": ["LxmertForQuestionAnswering"], **fields_cfg}
    with open(os.path.join(d, "model", "config.json"), "w") as f:
        json.dump(conf, f)
    answers = [f"a{i}" for i in range(labels)]
    with open(os.path.join(d, "answers.json"), "w") as f:
        json.dump(answers, f)
    fields = ["img_id", "img_h", "img_w", "objects_id", "objects_conf", "attrs_id", "attrs_conf", "num_boxes", "boxes", "features"]
    with open(os.path.join(d, "features.tsv"), "w", newline="") as f:
        w = csv.DictWriter(f, delimiter="\t", fieldnames=fields)
        for i in range(n_images):
            x1, y1 = rng.uniform(0, 300, boxes), rng.uniform(0, 200, boxes)
            b = np.stack([x1, y1, x1 + rng.uniform(1, 300, boxes), y1 + rng.uniform(1, 200, boxes)], 1).astype(np.float32)
            row = {"img_id": f"img{i}", "img_h": 400, "img_w": 600, "num_boxes": boxes,
                   "objects_id": np.zeros(boxes, np.int64), "objects_conf": np.ones(boxes, np.float32),
                   "attrs_id": np.zeros(boxes, np.int64), "attrs_conf": np.ones(boxes, np.float32),
                   "boxes": b, "features": rng.random((boxes, feat_dim), dtype=np.float32)}
            w.writerow({k: base64.b64encode(v.tobytes()).decode() if isinstance(v, np.ndarray) else v for k, v in row.items()})
    qs = [{"question_id": q, "img_id": f"img{q % n_images}", "sent": QUESTION,
           "label": {answers[int(rng.integers(labels))]: 1.0}} for q in range(n_questions)]
    with open(os.path.join(d, "questions.json"), "w") as f:
        json.dump(qs, f)


def go_steps(args, d):
    out = os.path.join(d, "out")
    cmd = [args.bin, "train", "--model", os.path.join(d, "model"), "--data", os.path.join(d, "questions.json"),
           "--features", os.path.join(d, "features.tsv"), "--answers", os.path.join(d, "answers.json"), "--out", out,
           "--max-steps", str(args.steps), "--batch-size", str(args.batch), "--lr", "1e-4", "--threads", str(args.threads)]
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"lxmert train failed ({r.returncode}):\n{r.stderr}")
    wall = time.perf_counter() - start
    times = []
    with open(os.path.join(out, "train_log.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            if "loss" in rec:
                times.append(args.batch / rec["examples_per_s"])
    return times, wall


def hf_steps(args, cfg, boxes):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = LxmertForQuestionAnswering(cfg).train()
    decay, no_decay = [], []  # as lxmert train: no decay for biases and LayerNorm weights
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            (no_decay if name == "bias" or isinstance(module, torch.nn.LayerNorm) else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4, eps=1e-6)
    sched = get_linear_schedule_with_warmup(opt, 1, args.steps)
    b = args.batch
    ids = torch.randint(1000, 2000, (b, SEQ))
    feats, pos = torch.rand(b, boxes, cfg.visual_feat_dim), torch.rand(b, boxes, 4)
    target = torch.zeros(b, cfg.num_qa_labels)
    target[torch.arange(b), torch.randint(cfg.num_qa_labels, (b,))] = 1
    bce = torch.nn.BCEWithLogitsLoss()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids), token_type_ids=torch.zeros_like(ids),
                       visual_feats=feats, visual_pos=pos).question_answering_score
        loss = bce(logits, target) * cfg.num_qa_labels
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        times.append(time.perf_counter() - start)
    return times


def report(name, times):
    t = times[1:] if len(times) > 1 else times
    med = statistics.median(t)
    print(f"{name}: {1 / med:.3f} steps/s ({1000 * med:.1f} ms/step median of {len(t)}; "
          f"all: {', '.join(f'{1000 * x:.0f}' for x in times)} ms)", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", choices=SIZES, default="tiny")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bin", default=os.path.join(ROOT, "bin", "lxmert"))
    p.add_argument("--keep", help="write the dataset here and keep it (default: a temporary folder)")
    p.add_argument("--skip-go", action="store_true")
    p.add_argument("--skip-hf", action="store_true")
    args = p.parse_args()
    cfg, boxes = LxmertConfig(**SIZES[args.size]["config"]), SIZES[args.size]["boxes"]
    print(f"{args.size}: hidden {cfg.hidden_size}, layers {cfg.l_layers}/{cfg.x_layers}/{cfg.r_layers}, "
          f"{cfg.num_qa_labels} answers, {boxes} boxes of {cfg.visual_feat_dim}, {SEQ} tokens, batch {args.batch}, "
          f"{args.threads} threads, torch {torch.__version__}", flush=True)
    d = args.keep or tempfile.mkdtemp(prefix="bench_train")
    try:
        if not args.skip_go:
            if args.keep and os.path.exists(os.path.join(d, "out")):
                shutil.rmtree(os.path.join(d, "out"))
            if not os.path.exists(os.path.join(d, "features.tsv")):
                rng = np.random.default_rng(0)
                write_data(d, SIZES[args.size]["config"], cfg, boxes, n_images=64, n_questions=args.batch * args.steps, rng=rng)
            times, wall = go_steps(args, d)
            report("Go (lxmert train)", times)
            print(f"  lxmert train wall clock {wall:.1f} s (loading, {args.steps} steps, checkpoint and final model)")
        if not args.skip_hf:
            report("HF + torch", hf_steps(args, cfg, boxes))
    finally:
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
