"""Loads a model folder written by the Go SavePretrained with HF's from_pretrained, runs the
folder's inputs.safetensors and checks every output against outputs.safetensors (the parity
tolerance). Exit status 0 means HF reads Go's files as its own.

Usage: .venv/bin/python tests/check_saved.py DIR"""
import sys

import torch
import transformers
from safetensors.torch import load_file

d = sys.argv[1]
cfg = transformers.LxmertConfig.from_pretrained(d)
cls = getattr(transformers, (cfg.architectures or ["LxmertModel"])[0])
model = cls.from_pretrained(d).eval()
flat = load_file(f"{d}/inputs.safetensors")
kw, obj = {}, {}
for k, v in flat.items():
    if k.startswith("obj_labels."):
        _, key, field = k.split(".")
        obj.setdefault(key, {})[field] = v
    else:
        kw[k] = v
if obj:
    kw["obj_labels"] = {k: (v["label"], v["conf"]) for k, v in obj.items()}
with torch.no_grad():
    out = model(**kw, output_attentions=True, output_hidden_states=True)
want = load_file(f"{d}/outputs.safetensors")
got = {}
for k, v in out.items():
    if isinstance(v, tuple):
        got.update({f"{k}.{i}": t for i, t in enumerate(v)})
    elif v is not None:
        got[k] = v
if sorted(got) != sorted(want):
    sys.exit(f"fields differ: {sorted(got)} vs {sorted(want)}")
for k in want:
    if not torch.allclose(got[k], want[k], rtol=1e-4, atol=1e-5):
        sys.exit(f"{k}: max |diff| {(got[k] - want[k]).abs().max().item()}")
print(f"{d}: HF reads the Go-saved model; {len(want)} fields match")
