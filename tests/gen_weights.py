#!/usr/bin/env python3
"""Generate the fixtures of lxmert/weights (Go package) into tests/testdata/weights/.

Run with the project's reference interpreter from the repository root:

    .venv/bin/python tests/gen_weights.py

Deterministic: fixed seeds and fixed values, so re-running rewrites identical files, except
torch_views_legacy.pth, whose storage keys are memory addresses (legacy torch.save uses
str(storage._cdata)); its tensors are the same every time.
Every expected value is what torch/safetensors themselves produce (raw bytes, and
torch's own .float() / .long() conversions), never something computed by hand.
"""

import collections
import io
import json
import os
import pickle
import pickletools
import shutil
import zipfile

import numpy as np
import safetensors.torch
import torch
from transformers import LxmertConfig, LxmertForPreTraining

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "weights")

SAFETENSORS_DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
FLOATS = (torch.float32, torch.float16, torch.bfloat16, torch.float64)


def raw_bytes(t):
    """Contiguous little-endian bytes of t exactly as torch stores them."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def describe(name, t):
    """Expected-values record for one tensor: raw bytes plus torch's own conversions."""
    rec = {"name": name, "dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape), "hex": raw_bytes(t).hex()}
    if t.dtype in FLOATS:
        rec["float32_bits"] = [int(x) for x in t.float().contiguous().view(torch.int32).flatten().tolist()]
        rec["float32_bits"] = [x & 0xFFFFFFFF for x in rec["float32_bits"]]
    else:
        rec["int64"] = [int(x) for x in t.long().flatten().tolist()]
    return rec


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def mixed_tensors():
    """Small tensors of every dtype, with the awkward values conversions get wrong."""
    specials = [0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), float("nan"), 65504.0, 6e-8, 1e-40, 3.0e38, 1 / 3]
    f64 = torch.tensor([1 / 3, 1 + 2**-24, 1 + 3 * 2**-24, 1e300, -1e-300, 2.0**-149, 2.0**-150, 3 * 2.0**-151,
                        float("nan"), -0.0, 16777217.0, 0.1], dtype=torch.float64)
    g = torch.Generator().manual_seed(7)
    return collections.OrderedDict([
        ("f32.specials", torch.tensor(specials, dtype=torch.float32).reshape(3, 4)),
        ("f32.random", torch.randn(2, 3, 4, generator=g)),
        ("f16.specials", torch.tensor(specials, dtype=torch.float32).to(torch.float16)),
        ("f16.all_bits", torch.arange(-32768, 32768, 97, dtype=torch.int32).to(torch.int16).view(torch.float16)),
        ("bf16.specials", torch.tensor(specials, dtype=torch.float32).to(torch.bfloat16).reshape(2, 6)),
        ("bf16.random", torch.randn(5, generator=g).to(torch.bfloat16)),
        ("f64.rounding", f64),
        ("i64.values", torch.tensor([0, -1, 2**62, -(2**63), 2**63 - 1, 42], dtype=torch.int64).reshape(2, 3)),
        ("i32.values", torch.tensor([-(2**31), 2**31 - 1, 7], dtype=torch.int32)),
        ("i16.values", torch.tensor([-32768, 32767], dtype=torch.int16)),
        ("i8.values", torch.tensor([-128, 127, 0], dtype=torch.int8)),
        ("u8.values", torch.tensor([0, 255, 128], dtype=torch.uint8)),
        ("bool.mask", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(3.5)),
        ("empty", torch.zeros(0, 3)),
        ("name with \"quote\" and é<>&\\", torch.ones(1)),
    ])


def gen_safetensors():
    tensors = mixed_tensors()
    path = os.path.join(OUT, "py_mixed.safetensors")
    safetensors.torch.save_file(tensors, path, metadata={"format": "pt"})
    back = safetensors.torch.load_file(path)
    assert all(torch.equal(raw_bytes_t(back[k]), raw_bytes_t(v)) for k, v in tensors.items())
    write_json(os.path.join(OUT, "py_mixed.json"), {
        "metadata": {"format": "pt"},
        "tensors": [describe(k, v) for k, v in tensors.items()],
    })


def raw_bytes_t(t):
    return torch.tensor(list(raw_bytes(t)), dtype=torch.uint8)


def view_state_dict():
    """A state dict exercising every way torch.save lays tensors out."""
    g = torch.Generator().manual_seed(11)
    base = torch.randn(3, 4, generator=g)
    big = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    tied = torch.randn(5, 2, generator=g)
    flat = torch.arange(10, dtype=torch.float32)
    sd = collections.OrderedDict()
    sd["linear.weight_t"] = base.t()                      # transposed: stride (1, 4)
    sd["linear.weight"] = base                            # shares storage with the transpose
    sd["emb.weight"] = tied                               # tied pair: one storage, two keys
    sd["decoder.weight"] = tied
    sd["half"] = torch.randn(2, 3, generator=g).to(torch.float16)
    sd["half_t"] = sd["half"].t()
    sd["bf16"] = torch.randn(4, generator=g).to(torch.bfloat16)
    sd["double"] = torch.tensor([1 / 3, 1e-300, 2.0**-150 * 3], dtype=torch.float64)
    sd["scalar"] = torch.tensor(2.5)
    sd["position_ids"] = torch.arange(6, dtype=torch.int64).reshape(1, 6)
    sd["slice_offset"] = flat[3:7]                        # storage offset 3
    sd["strided_slice"] = big[:, 1:, ::2]                 # offset, non-unit innermost stride
    sd["permuted"] = big.permute(2, 0, 1)
    sd["expanded"] = torch.tensor([1.0, 2.0]).reshape(2, 1).expand(2, 3)  # stride 0
    sd["mask"] = torch.tensor([True, False])
    sd["bytes"] = torch.tensor([1, 2, 250], dtype=torch.uint8)
    sd["empty"] = torch.zeros(0, 4)
    return sd


def gen_torch_save():
    sd = view_state_dict()
    expect = {"tensors": [describe(k, v) for k, v in sd.items()]}
    write_json(os.path.join(OUT, "torch_views.json"), expect)
    torch.save(sd, os.path.join(OUT, "torch_views.bin"))
    torch.save(sd, os.path.join(OUT, "torch_views_legacy.pth"), _use_new_zipfile_serialization=False)
    # Original-LXMERT-style training checkpoints: a plain dict under "model" with other entries.
    small = {k: sd[k] for k in ("linear.weight", "emb.weight", "half")}
    torch.save({"epoch": 3, "model": small}, os.path.join(OUT, "nested_model.pth"))
    torch.save({"state_dict": collections.OrderedDict(small), "step": 10}, os.path.join(OUT, "nested_state_dict.pth"))
    # Reading back through torch proves the fixtures themselves are what we describe.
    for name in ("torch_views.bin", "torch_views_legacy.pth"):
        back = torch.load(os.path.join(OUT, name))
        assert [describe(k, v) for k, v in back.items()] == expect["tensors"], name


class _Evil:
    """Pickles as a call to a global; pickling it does not run anything."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def torch_zip(path, data_pkl, extra=None):
    """A zip laid out as torch.save does, holding the given data.pkl."""
    records = {"archive/data.pkl": data_pkl, "archive/version": "3\n", **(extra or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def gen_forbidden():
    marker = "weights_fixture_pwned"
    # os.system pickles as posix.system on Linux; eval as builtins.eval.
    evil = pickle.dumps(collections.OrderedDict([("w", _Evil(os.system, ("touch " + marker,)))]), protocol=2)
    torch_zip(os.path.join(OUT, "forbidden_os_system.bin"), evil)
    evil = pickle.dumps({"w": _Evil(eval, ("__import__('os').system('touch " + marker + "')",))}, protocol=2)
    torch_zip(os.path.join(OUT, "forbidden_eval.bin"), evil)
    # A harmless-looking class is refused too: only tensors may be built.
    evil = pickle.dumps({"w": collections.Counter("ab")}, protocol=4)
    torch_zip(os.path.join(OUT, "forbidden_counter.bin"), evil)


def tiny_config():
    return LxmertConfig(
        vocab_size=30, hidden_size=8, num_attention_heads=2, intermediate_size=16,
        max_position_embeddings=12, type_vocab_size=2, l_layers=1, x_layers=1, r_layers=1,
        visual_feat_dim=6, visual_pos_dim=4, num_qa_labels=5, num_object_labels=7, num_attr_labels=3,
    )


def gen_tiny_hf():
    torch.manual_seed(0)
    model = LxmertForPreTraining(tiny_config()).eval()
    sd = model.state_dict()
    write_json(os.path.join(OUT, "tiny_lxmert_keys.json"),
               {"shapes": {k: list(v.shape) for k, v in sd.items()}})
    d = os.path.join(OUT, "tiny_lxmert")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    torch.save(sd, os.path.join(d, "pytorch_model.bin"))
    model.save_pretrained(os.path.join(d, "sharded"), safe_serialization=True, max_shard_size=10000)
    os.remove(os.path.join(d, "sharded", "config.json"))
    os.remove(os.path.join(d, "sharded", "generation_config.json")) if os.path.exists(
        os.path.join(d, "sharded", "generation_config.json")) else None
    # What save_pretrained wrote, read back by safetensors: the tied decoder weight is omitted.
    from transformers.modeling_utils import load_state_dict
    index = json.load(open(os.path.join(d, "sharded", "model.safetensors.index.json")))
    saved = {}
    for shard in sorted(set(index["weight_map"].values())):
        saved.update(safetensors.torch.load_file(os.path.join(d, "sharded", shard)))
    write_json(os.path.join(OUT, "tiny_lxmert_sharded.json"),
               {"tensors": [describe(k, saved[k]) for k in sorted(saved)]})
    del load_state_dict


def gen_pickle_opcodes():
    ops = []
    for op in pickletools.opcodes:
        n = op.arg.n if op.arg is not None else 0
        ops.append({"code": ord(op.code), "name": op.name, "arg_n": n})
    write_json(os.path.join(OUT, "pickle_opcodes.json"), {"opcodes": ops})


def main():
    os.makedirs(OUT, exist_ok=True)
    gen_safetensors()
    gen_torch_save()
    gen_forbidden()
    gen_tiny_hf()
    gen_pickle_opcodes()
    print("wrote", OUT, "torch", torch.__version__, "safetensors", safetensors.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
