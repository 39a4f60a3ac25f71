"""Training parity reference: a few steps of fine-tuning a small LxmertForQuestionAnswering
with HF + torch.optim.AdamW + transformers' get_linear_schedule_with_warmup, exactly as
`lxmert train --no-shuffle` does them, so the Go trainer can be checked step for step.

usage: .venv/bin/python tests/gen_train.py OUT_DIR

OUT_DIR gets:
  model/            the starting model (dropout 0, perturbed biases and LayerNorms, id2label,
                    vocab.txt)
  features.tsv      bottom-up-attention TSV (pixel boxes; images with different box counts)
  train.json        LXMERT VQA JSON: soft scores, answers outside the set, one example with no
                    known answer (skipped)
  answers.json      a label2ans list differing from the model's (for the answer-remap test)
  answers_expected.json  HF's top-5 answers of the starting model for five questions
  RUN/expected.json per-step losses and learning rates, and the settings of run RUN
  RUN/final.safetensors  the parameters after training
RUN is one of the entries of RUNS (batch size, gradient accumulation, epochs).
"""
import base64
import csv
import json
import math
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import (LxmertConfig, LxmertForQuestionAnswering, LxmertTokenizerFast,
                          get_linear_schedule_with_warmup)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSWERS = ["yes", "no", "red", "blue", "two", "three", "cat"]
QUESTIONS = ["what color is the cat?", "is there a dog on the sofa?", "how many people are there?",
             "what is the man holding in his left hand while he walks down the long and winding street towards the old red house near the river?",
             "is the sky blue?", "what animal is this?", "how many cats are on the bed?",
             "are the lights on?", "what color is the bus?", "is it raining?"]
RUNS = {"b4": dict(batch=4, accum=1, epochs=2), "b2x2": dict(batch=2, accum=2, epochs=1)}
SETTINGS = dict(lr=1e-3, warmup_ratio=0.1, weight_decay=0.01, eps=1e-6, max_grad_norm=5.0, max_length=20)
FEAT_DIM = 16


def write_tsv(path, rng, n_images):
    images = []
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, delimiter="\t", fieldnames=["img_id", "img_h", "img_w", "objects_id", "objects_conf",
                                                           "attrs_id", "attrs_conf", "num_boxes", "boxes", "features"])
        for i in range(n_images):
            n = int(rng.integers(3, 7))
            h, wd = int(rng.integers(200, 600)), int(rng.integers(200, 600))
            x1, y1 = rng.uniform(0, wd / 2, n), rng.uniform(0, h / 2, n)
            boxes = np.stack([x1, y1, x1 + rng.uniform(1, wd / 2, n), y1 + rng.uniform(1, h / 2, n)], 1).astype(np.float32)
            feats = rng.standard_normal((n, FEAT_DIM)).astype(np.float32)
            row = {"img_id": f"img{i}", "img_h": h, "img_w": wd, "num_boxes": n,
                   "objects_id": np.zeros(n, np.int64), "objects_conf": np.ones(n, np.float32),
                   "attrs_id": np.zeros(n, np.int64), "attrs_conf": np.ones(n, np.float32),
                   "boxes": boxes, "features": feats}
            w.writerow({k: base64.b64encode(v.tobytes()).decode() if isinstance(v, np.ndarray) else v for k, v in row.items()})
            images.append(row)
    return {r["img_id"]: r for r in images}


def make_examples(rng, n):
    exs = []
    for i in range(n):
        label = {}
        for a in rng.choice(ANSWERS + ["zebra", "purple"], size=int(rng.integers(1, 4)), replace=False):
            label[str(a)] = float(rng.choice([0.3, 0.6, 0.9, 1.0]))
        exs.append({"question_id": i, "img_id": f"img{int(rng.integers(0, 6))}",
                    "sent": QUESTIONS[i % len(QUESTIONS)], "label": label})
    exs[3]["label"] = {"zebra": 1.0}  # no known answer: skipped
    return exs


def build_model(out):
    torch.manual_seed(7)
    cfg = LxmertConfig(vocab_size=30522, hidden_size=32, num_attention_heads=4, intermediate_size=37,
                       l_layers=2, x_layers=1, r_layers=1, visual_feat_dim=FEAT_DIM, num_qa_labels=len(ANSWERS),
                       max_position_embeddings=40, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                       id2label={i: a for i, a in enumerate(ANSWERS)}, label2id={a: i for i, a in enumerate(ANSWERS)})
    model = LxmertForQuestionAnswering(cfg)
    g = torch.Generator().manual_seed(11)
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
    tok = LxmertTokenizerFast(vocab_file=os.path.join(ROOT, "tokenizer", "vocab.txt"))
    tok.save_pretrained(os.path.join(out, "model"))
    return tok


def batch_tensors(tok, items, images):
    enc = tok([e["sent"] for e in items], padding="max_length", truncation=True,
              max_length=SETTINGS["max_length"], return_tensors="pt")
    imgs = [images[e["img_id"]] for e in items]
    nmax = max(im["num_boxes"] for im in imgs)
    feats = torch.zeros(len(items), nmax, FEAT_DIM)
    pos = torch.zeros(len(items), nmax, 4)
    vmask = torch.zeros(len(items), nmax)
    for i, im in enumerate(imgs):
        n = im["num_boxes"]
        b = im["boxes"].copy()
        b[:, (0, 2)] /= np.float32(im["img_w"])
        b[:, (1, 3)] /= np.float32(im["img_h"])
        feats[i, :n], pos[i, :n], vmask[i, :n] = torch.from_numpy(im["features"]), torch.from_numpy(b), 1
    inp = dict(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"], attention_mask=enc["attention_mask"],
               visual_feats=feats, visual_pos=pos)
    if any(im["num_boxes"] < nmax for im in imgs):
        inp["visual_attention_mask"] = vmask
    target = torch.zeros(len(items), len(ANSWERS))
    for i, e in enumerate(items):
        for a, s in e["label"].items():
            if a in ANSWERS:
                target[i, ANSWERS.index(a)] = s
    return inp, target


def train(out, name, run, tok, images, examples):
    model = LxmertForQuestionAnswering.from_pretrained(os.path.join(out, "model")).train()
    items = [e for e in examples if any(a in ANSWERS for a in e["label"])]
    decay, no_decay = [], []
    for mod in model.modules():
        for pname, p in mod.named_parameters(recurse=False):
            weighted = isinstance(mod, (torch.nn.Linear, torch.nn.Embedding)) and pname == "weight"
            (decay if weighted else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": SETTINGS["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=SETTINGS["lr"], eps=SETTINGS["eps"])
    micro_per = math.ceil(len(items) / run["batch"])
    steps_per = math.ceil(micro_per / run["accum"])
    total = run["epochs"] * steps_per
    sched = get_linear_schedule_with_warmup(opt, math.ceil(SETTINGS["warmup_ratio"] * total), total)
    bce = torch.nn.BCEWithLogitsLoss()
    losses, lrs = [], []
    for _ in range(run["epochs"]):
        micro = 0
        while micro < micro_per:
            n = min(run["accum"], micro_per - micro)
            opt.zero_grad(set_to_none=True)
            step_loss = 0.0
            for k in range(n):
                chunk = items[(micro + k) * run["batch"]:(micro + k + 1) * run["batch"]]
                inp, target = batch_tensors(tok, chunk, images)
                logit = model(**inp).question_answering_score
                loss = bce(logit, target) * logit.size(1)
                step_loss += loss.item()
                if n > 1:
                    loss = loss / n
                loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["max_grad_norm"])
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
            losses.append(step_loss / n)
            micro += n
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in model.state_dict().items()
               if k != "lxmert.embeddings.position_ids"}, os.path.join(d, "final.safetensors"))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(dict(run, **SETTINGS, losses=losses, lrs=lrs, steps=len(losses), examples=len(items),
                       skipped=len(examples) - len(items)), f, indent=1)


def write_answers(out, tok, images, examples):
    """HF's top-5 answers (softmax probabilities) of the starting model for a few questions,
    one forward each, for `lxmert answer` (answers.json)."""
    model = LxmertForQuestionAnswering.from_pretrained(os.path.join(out, "model")).eval()
    rows = []
    for e in examples[:5]:
        inp, _ = batch_tensors(tok, [e], images)
        with torch.no_grad():
            p = torch.softmax(model(**inp).question_answering_score[0], -1)
        top = torch.topk(p, 5)
        rows.append({"image_id": e["img_id"], "question": e["sent"],
                     "answers": [{"answer": ANSWERS[i], "prob": v} for v, i in zip(top.values.tolist(), top.indices.tolist())]})
    with open(os.path.join(out, "answers_expected.json"), "w") as f:
        json.dump(rows, f, indent=1)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(5)
    images = write_tsv(os.path.join(out, "features.tsv"), rng, 6)
    examples = make_examples(rng, 14)
    with open(os.path.join(out, "train.json"), "w") as f:
        json.dump(examples, f)
    with open(os.path.join(out, "answers.json"), "w") as f:
        json.dump(["no", "green", "yes", "cat", "four"], f)
    tok = build_model(out)
    write_answers(out, tok, images, examples)
    for name, run in RUNS.items():
        train(out, name, run, tok, images, examples)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
