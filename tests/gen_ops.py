"""Reference values for the binding's op tests: every case runs the op in PyTorch (the same
libtorch 1.13 the Go side links) and records inputs and outputs in tests/testdata/ops.json.

Run: .venv/bin/python tests/gen_ops.py  (deterministic; rerun after changing a case)."""
import json
import os

import torch
import torch.nn.functional as F
from transformers import LxmertConfig
from transformers.models.lxmert.modeling_lxmert import LxmertCrossAttentionLayer, LxmertSelfAttentionLayer

OUT = os.path.join(os.path.dirname(__file__), "testdata", "ops.json")
torch.manual_seed(1234)


def enc(t):
    t = t.detach().contiguous()
    kind = {torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
    data = t.reshape(-1).tolist()
    if kind == "bool":
        data = [int(v) for v in data]
    return {"dtype": kind, "shape": list(t.shape), "data": data}


cases = []


def case(name, op, inputs, expect, **params):
    cases.append({"name": name, "op": op, "inputs": {k: enc(v) for k, v in inputs.items()},
                  "params": params, "expect": {k: enc(v) for k, v in expect.items()}})


r = lambda *s: torch.randn(*s)
a, b = r(3, 4), r(3, 4)
row = r(1, 4)
case("add broadcast", "add", {"a": a, "b": row}, {"out": a + row})
case("sub", "sub", {"a": a, "b": b}, {"out": a - b})
case("mul", "mul", {"a": a, "b": b}, {"out": a * b})
case("div", "div", {"a": a, "b": b}, {"out": a / b})
case("add scalar", "add_scalar", {"a": a}, {"out": a + 0.7}, v=0.7)
case("mul scalar", "mul_scalar", {"a": a}, {"out": a * -1.3}, v=-1.3)
case("div scalar sqrt", "div_scalar", {"a": a}, {"out": a / 2.8284271247461903}, v=2.8284271247461903)
for name, fn in [("tanh", torch.tanh), ("gelu", F.gelu), ("relu", F.relu), ("sigmoid", torch.sigmoid),
                 ("neg", torch.neg), ("exp", torch.exp)]:
    case(name, name, {"a": a}, {"out": fn(a)})
x3 = r(2, 3, 5)
case("mean all", "mean", {"a": x3}, {"out": x3.mean()})
case("mean dim keep", "mean_dim", {"a": x3}, {"out": x3.mean(1, keepdim=True)}, dim=1, keep=True)
case("sum all", "sum", {"a": x3}, {"out": x3.sum()})
case("sum dim", "sum_dim", {"a": x3}, {"out": x3.sum(-1)}, dim=-1, keep=False)
case("softmax", "softmax", {"a": x3}, {"out": torch.softmax(x3, -1)}, dim=-1)
case("log_softmax", "log_softmax", {"a": x3}, {"out": torch.log_softmax(x3, 1)}, dim=1)
v, i = torch.topk(x3, 2, dim=-1)
case("topk", "topk", {"a": x3}, {"values": v, "indices": i}, k=2, dim=-1)
case("argmax", "argmax", {"a": x3}, {"out": x3.argmax(-1)}, dim=-1)
case("reshape", "reshape", {"a": x3}, {"out": x3.reshape(6, 5)}, shape=[6, -1])
case("permute", "permute", {"a": x3}, {"out": x3.permute(2, 0, 1)}, dims=[2, 0, 1])
case("transpose", "transpose", {"a": x3}, {"out": x3.transpose(0, 2)}, d0=0, d1=2)
case("unsqueeze", "unsqueeze", {"a": a}, {"out": a.unsqueeze(1)}, dim=1)
case("contiguous of permuted", "contiguous_permuted", {"a": x3}, {"out": x3.permute(1, 0, 2).contiguous()})
case("cat", "cat", {"a": a, "b": b}, {"out": torch.cat([a, b], 1)}, dim=1)
case("narrow", "narrow", {"a": x3}, {"out": x3.narrow(2, 1, 3)}, dim=2, start=1, length=3)
case("select", "select", {"a": x3}, {"out": x3[:, 0]}, dim=1, index=0)
idx = torch.tensor([2, 0, 2], dtype=torch.int64)
case("index_select", "index_select", {"a": a, "index": idx}, {"out": a.index_select(0, idx)}, dim=0)
mask = torch.rand(3, 4) > 0.5
case("masked_fill", "masked_fill", {"a": a, "mask": mask}, {"out": a.masked_fill(mask, -5.5)}, value=-5.5)
case("where", "where", {"cond": mask, "a": a, "b": b}, {"out": torch.where(mask, a, b)})
w, bias = r(6, 4), r(6)
case("linear", "linear", {"x": x3.narrow(2, 0, 4).contiguous(), "w": w, "b": bias},
     {"out": F.linear(x3.narrow(2, 0, 4).contiguous(), w, bias)})
case("linear no bias", "linear", {"x": a, "w": w}, {"out": F.linear(a, w)})
m1, m2 = r(2, 3, 4, 5), r(2, 3, 5, 2)
case("matmul batched", "matmul", {"a": m1, "b": m2}, {"out": torch.matmul(m1, m2)})
lw, lb = r(5), r(5)
case("layer_norm", "layer_norm", {"x": x3, "w": lw, "b": lb}, {"out": F.layer_norm(x3, (5,), lw, lb, 1e-12)}, eps=1e-12)
emb, ids = r(10, 4), torch.tensor([[1, 0, 9], [3, 3, 2]])
case("embedding", "embedding", {"w": emb, "ids": ids}, {"out": F.embedding(ids, emb, padding_idx=0)}, padding_idx=0)
case("dropout eval", "dropout", {"a": a}, {"out": F.dropout(a, 0.5, False)}, p=0.5, train=False)
torch.manual_seed(99)
big = r(8, 16)
torch.manual_seed(7)
case("dropout train seeded", "dropout", {"a": big}, {"out": F.dropout(big, 0.3, True)}, p=0.3, train=True, seed=7)
logits, tgt = r(5, 7), torch.tensor([1, -100, 6, 0, -100])
case("cross_entropy ignore", "cross_entropy", {"logits": logits, "target": tgt},
     {"out": F.cross_entropy(logits, tgt, ignore_index=-100)}, ignore=-100, reduction=1)
case("cross_entropy none", "cross_entropy", {"logits": logits, "target": tgt.clamp(min=0)},
     {"out": F.cross_entropy(logits, tgt.clamp(min=0), reduction="none")}, ignore=-100, reduction=0)
case("smooth_l1 none", "smooth_l1", {"a": x3 * 3, "b": x3.flip(0)},
     {"out": F.smooth_l1_loss(x3 * 3, x3.flip(0), reduction="none")}, reduction=0, beta=1.0)
case("smooth_l1 mean", "smooth_l1", {"a": x3, "b": x3.flip(1)},
     {"out": F.smooth_l1_loss(x3, x3.flip(1))}, reduction=1, beta=1.0)
case("full", "full", {}, {"out": torch.full((2, 3), 2.5)}, shape=[2, 3], value=2.5)
case("arange int64", "arange", {}, {"out": torch.arange(6)}, n=6)
case("to float", "to_float", {"a": ids}, {"out": ids.float()})
mask01 = torch.tensor([[1, 1, 0], [1, 0, 0]])
ext = (1.0 - mask01[:, None, None, :].float()) * torch.finfo(torch.float32).min
case("extend mask", "extend_mask", {"mask": mask01}, {"out": ext})

# Fused attention layers against HF's own modules, with perturbed biases and LayerNorms.
cfg = LxmertConfig(hidden_size=8, num_attention_heads=2)
with torch.no_grad():
    for layer, kind in [(LxmertSelfAttentionLayer(cfg), "self"), (LxmertCrossAttentionLayer(cfg), "cross")]:
        layer.eval()
        for p in layer.parameters():
            p.add_(torch.randn_like(p) * 0.1)
        att = layer.self if kind == "self" else layer.att
        weights = {"qw": att.query.weight, "qb": att.query.bias, "kw": att.key.weight, "kb": att.key.bias,
                   "vw": att.value.weight, "vb": att.value.bias, "ow": layer.output.dense.weight,
                   "ob": layer.output.dense.bias, "lnw": layer.output.LayerNorm.weight,
                   "lnb": layer.output.LayerNorm.bias}
        lang, visn = r(2, 3, 8), r(2, 4, 8)
        lmask = torch.tensor([[1, 1, 0], [1, 1, 1]])
        vmask = torch.tensor([[1, 1, 1, 0], [0, 0, 0, 0]])  # a fully masked row: uniform softmax
        lext = (1.0 - lmask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        vext = (1.0 - vmask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        if kind == "self":
            out, probs = layer(lang, lext, output_attentions=True)
            case("self attention layer", "attention_layer", dict(weights, hidden=lang, mask=lmask),
                 {"out": out, "probs": probs}, heads=2)
        else:
            lo, lp = layer(lang, visn, vext, output_attentions=True)
            vo, = layer(visn, lang, lext)
            case("cross attention layer", "cross_attention_layer",
                 dict(weights, lang=lang, visn=visn, lang_mask=lmask, visn_mask=vmask),
                 {"lang_out": lo, "visn_out": vo, "lang_probs": lp}, heads=2)

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
