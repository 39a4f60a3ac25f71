"""Loads a tf_model.h5 folder written by `lxmert convert --format tf` with HF's TensorFlow
from_pretrained (every weight must be found and used), runs the folder's inputs.safetensors
and checks every output against outputs.safetensors (the parity tolerance). Exit status 0
means HF TF reads Go's file as its own.

Usage: .venv-tf/bin/python tests/check_tf.py DIR [DIR...]"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import transformers  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402


def check(d):
    cfg = transformers.LxmertConfig.from_pretrained(d)
    cls = getattr(transformers, cfg.architectures[0])
    if not cls.__name__.startswith("TF"):
        sys.exit(f"{d}: config.json names {cls.__name__}, not a TF class")
    model, info = cls.from_pretrained(d, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        sys.exit(f"{d}: HF TF did not load every weight: {problems}")
    kw = {k: tf.constant(v) for k, v in load_file(os.path.join(d, "inputs.safetensors")).items()}
    out = model(**kw, output_attentions=True, output_hidden_states=True, training=False)
    got = {}
    for k, v in out.items():
        if isinstance(v, tuple):
            got.update({f"{k}.{i}": np.asarray(t) for i, t in enumerate(v)})
        elif v is not None:
            got[k] = np.asarray(v)
    want = load_file(os.path.join(d, "outputs.safetensors"))
    if sorted(got) != sorted(want):
        sys.exit(f"{d}: fields differ: {sorted(got)} vs {sorted(want)}")
    for k in want:
        if got[k].shape != want[k].shape or not np.allclose(got[k], want[k], rtol=1e-4, atol=1e-5):
            sys.exit(f"{d}: {k}: max |diff| {np.abs(got[k] - want[k]).max()}")
    print(f"{d}: HF TF reads the Go-written tf_model.h5; {len(want)} fields match")


for d in sys.argv[1:]:
    check(d)
