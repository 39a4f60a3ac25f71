"""TensorFlow parity reference generator (run with .venv-tf/bin/python, see requirements-tf.txt).

Builds HF PyTorch LXMERT models from a seed, perturbs every bias and LayerNorm parameter
(HF's 0/1 init hides bugs), converts them with HF's own TFLxmert*.from_pretrained(from_pt=True),
saves the TF model (tf_model.h5 + config.json naming TFLxmertModel / TFLxmertForPreTraining),
loads it back from that h5 and records its eval outputs with attentions and hidden states.
One folder per case:

  config.json, tf_model.h5       TF save_pretrained (a TF-only model folder)
  inputs.safetensors             HF argument names
  outputs.safetensors            HF TF's outputs; tuples as <field>.<index>
  outputs_pt.safetensors         HF PyTorch's outputs of the same weights and inputs
  tf_error.txt                   instead of outputs.safetensors when HF TF cannot run the inputs

and <config>-<arch>-pt-source, the PyTorch model the TF one was converted from (what
`lxmert convert --format tf` is checked on). config.json names the TF class (HF's TF
save_pretrained writes the PyTorch one; the committed fixtures keep that).

Cases per config: <config>-<arch> (token and box counts equal, both masks, no fully masked
row), <config>-<arch>-boxes (more boxes than tokens, text mask only: HF TF's visual-mask
reshape uses the text length, so it cannot take a visual mask here) and <config>-<arch>-vmask
(more boxes than tokens with a visual mask: HF TF fails, tf_error.txt keeps its message; the
PyTorch outputs are the reference).

Usage: .venv-tf/bin/python tests/gen_tf.py OUT_DIR CONFIG [CONFIG...]
CONFIG is tiny, uneven, or fixtures (small files for lxmert/weights/tfh5's tests)."""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["CUDA_VISIBLE_DEVICES"] = ""

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import (LxmertConfig, LxmertForPreTraining, LxmertModel,  # noqa: E402
                          TFLxmertForPreTraining, TFLxmertModel)
from transformers.utils import logging  # noqa: E402

logging.set_verbosity_error()

CONFIGS = {
    # gen_parity.py's tiny configuration.
    "tiny": dict(vocab_size=120, hidden_size=32, num_attention_heads=4, intermediate_size=37,
                 l_layers=2, x_layers=1, r_layers=1, visual_feat_dim=24, visual_pos_dim=4,
                 num_qa_labels=9, num_object_labels=13, num_attr_labels=7, max_position_embeddings=40,
                 type_vocab_size=2),
    # uneven sizes, relu, task_qa off (HF's pooled_output[0][0] as question_answering_score).
    "uneven": dict(vocab_size=211, hidden_size=48, num_attention_heads=6, intermediate_size=50,
                   l_layers=3, x_layers=2, r_layers=1, visual_feat_dim=30, visual_pos_dim=4,
                   num_qa_labels=17, num_object_labels=19, num_attr_labels=11, max_position_embeddings=64,
                   hidden_act="relu", task_qa=False),
}
ARCHS = {"model": (LxmertModel, TFLxmertModel), "pretrain": (LxmertForPreTraining, TFLxmertForPreTraining)}


def perturb(model, g):
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1:  # every bias and LayerNorm weight/bias
                p.add_(torch.randn(p.shape, generator=g) * 0.1)


def make_inputs(cfg, g, batch, seq, boxes, text_mask, visual_mask):
    ids = torch.randint(1, cfg.vocab_size, (batch, seq), generator=g)
    inp = {
        "input_ids": ids,
        "token_type_ids": torch.randint(0, cfg.type_vocab_size, (batch, seq), generator=g),
        "visual_feats": torch.randn(batch, boxes, cfg.visual_feat_dim, generator=g),
        "visual_pos": torch.rand(batch, boxes, cfg.visual_pos_dim, generator=g),
    }
    if text_mask:
        am = torch.ones(batch, seq, dtype=torch.int64)
        am[-1, seq - 2:] = 0  # padding at the end of the last question
        ids[-1, seq - 2:] = 0
        inp["attention_mask"] = am
    if visual_mask:
        # No fully masked row: HF TF adds -10000 where HF PyTorch adds float32's minimum, and
        # only a row with every box masked tells the two apart.
        vm = torch.ones(batch, boxes, dtype=torch.float32)
        vm[0, boxes - 2:] = 0
        inp["visual_attention_mask"] = vm
    return inp


def flatten(out):
    flat = {}
    for k, v in out.items():
        if v is None:
            continue
        if isinstance(v, tuple):
            flat.update({f"{k}.{i}": t for i, t in enumerate(v)})
        else:
            flat[k] = v
    # a fresh copy per field: HF's tuples share tensors with the final outputs
    return {k: torch.tensor(np.array(v)) if not torch.is_tensor(v) else v.detach().clone().contiguous()
            for k, v in flat.items()}


def tf_inputs(inp):
    return {k: tf.constant(v.numpy()) for k, v in inp.items()}


def generate(out_dir, name):
    spec = dict(CONFIGS[name])
    batch, seq = 2, 7
    for ai, (arch, (pt_cls, tf_cls)) in enumerate(ARCHS.items()):
        g = torch.Generator().manual_seed(5000 + 10 * list(CONFIGS).index(name) + ai)
        torch.manual_seed(g.initial_seed())
        cfg = LxmertConfig(**spec)
        pt = pt_cls(cfg).eval()
        perturb(pt, g)
        base = os.path.join(out_dir, f"{name}-{arch}")
        pt_dir = base + "-pt-source"
        pt.save_pretrained(pt_dir, safe_serialization=True)
        tfm = tf_cls.from_pretrained(pt_dir, from_pt=True)
        cases = {"": (seq, True, True), "-boxes": (seq + 3, True, False), "-vmask": (seq + 3, True, True)}
        for suffix, (boxes, text_mask, visual_mask) in cases.items():
            case = base + suffix
            tfm.save_pretrained(case)
            name_tf_class(case, tf_cls.__name__)
            inp = make_inputs(cfg, g, batch, seq, boxes, text_mask, visual_mask)
            save_file({k: v.contiguous() for k, v in inp.items()}, os.path.join(case, "inputs.safetensors"))
            with torch.no_grad():
                ref = pt(**inp, output_attentions=True, output_hidden_states=True)
            save_file(flatten(ref), os.path.join(case, "outputs_pt.safetensors"))
            reloaded = tf_cls.from_pretrained(case)  # the outputs of the h5 as HF TF reads it
            try:
                out = reloaded(**tf_inputs(inp), output_attentions=True, output_hidden_states=True, training=False)
            except Exception as e:  # noqa: BLE001 - HF TF's failure is the record
                with open(os.path.join(case, "tf_error.txt"), "w") as f:
                    f.write(f"{type(e).__name__}: {e}\n")
                print("HF TF failed on", case)
                continue
            save_file(flatten(out), os.path.join(case, "outputs.safetensors"))
            print("wrote", case)


def name_tf_class(case, name):
    """HF's TF save_pretrained writes the PyTorch class name; a TF-only folder may as well name
    the TF class (what the cases check; the committed fixtures keep HF's default)."""
    path = os.path.join(case, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    cfg["architectures"] = [name]
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)


def fixtures(out_dir):
    """Small committed files for lxmert/weights/tfh5's tests and fuzz seeds: tiny TFLxmertModel
    and TFLxmertForPreTraining checkpoints (the model also sharded and as TF safetensors), and
    hand-made Keras-style files."""
    g = torch.Generator().manual_seed(77)
    torch.manual_seed(77)
    cfg = LxmertConfig(vocab_size=20, hidden_size=8, num_attention_heads=2, intermediate_size=9,
                       l_layers=1, x_layers=1, r_layers=1, visual_feat_dim=6, visual_pos_dim=4,
                       max_position_embeddings=10, type_vocab_size=2, num_qa_labels=3, num_object_labels=5,
                       num_attr_labels=4)
    for arch, (pt_cls, tf_cls) in ARCHS.items():
        pt = pt_cls(cfg).eval()
        perturb(pt, g)
        src = os.path.join(out_dir, f"pt-source-{arch}")
        pt.save_pretrained(src, safe_serialization=True)
        tfm = tf_cls.from_pretrained(src, from_pt=True)
        tfm.save_pretrained(os.path.join(out_dir, f"tiny-{arch}"))
        if arch == "model":  # HF's other TF layouts: sharded h5 and safetensors with TF names
            tfm.save_pretrained(os.path.join(out_dir, "tiny-model-sharded"), max_shard_size="10KB")
            tfm.save_pretrained(os.path.join(out_dir, "tiny-model-tfsafetensors"), safe_serialization=True)
    rng = np.random.default_rng(7)

    def keras_file(path, datasets):
        with h5py.File(path, "w") as f:
            layers = sorted({n.split("/")[0] for n in datasets})
            f.attrs["layer_names"] = np.array([x.encode() for x in layers])
            f.attrs["backend"], f.attrs["keras_version"] = b"tensorflow", b"2.17.0"
            for name, value in datasets.items():
                f.create_dataset(name, data=value)
            for layer in layers:
                f[layer].attrs["weight_names"] = np.array(
                    [n.split("/", 1)[1].encode() for n in datasets if n.startswith(layer + "/")])

    dense = {"pooler/m/pooler/dense/kernel:0": rng.standard_normal((3, 2)).astype(np.float32),
             "pooler/m/pooler/dense/bias:0": rng.standard_normal(2).astype(np.float32)}
    keras_file(os.path.join(out_dir, "dense.h5"), dense)
    keras_file(os.path.join(out_dir, "int.h5"), {**dense, "pooler/m/pooler/dense/bias:0": np.arange(2, dtype=np.int32)})
    keras_file(os.path.join(out_dir, "f64.h5"), {k: v.astype(np.float64) for k, v in dense.items()})
    keras_file(os.path.join(out_dir, "softlink.h5"), dense)
    with h5py.File(os.path.join(out_dir, "softlink.h5"), "a") as f:
        f["pooler/m/pooler/alias"] = h5py.SoftLink("/pooler/m/pooler/dense/bias:0")
    print("wrote fixtures to", out_dir)


if __name__ == "__main__":
    if len(sys.argv) < 3 or any(c not in CONFIGS and c != "fixtures" for c in sys.argv[2:]):
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR {{{','.join(CONFIGS)},fixtures}}...")
    for c in sys.argv[2:]:
        fixtures(sys.argv[1]) if c == "fixtures" else generate(sys.argv[1], c)
