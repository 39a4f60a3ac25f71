"""Parity reference generator: builds HF LXMERT models, perturbs every bias and LayerNorm
parameter (HF's 0/1 init hides bugs), makes random inputs with padding in both masks, runs an
eval forward with attentions and hidden states (and labels, so losses are checked too), and
writes one folder per case:

  config.json, model.safetensors   (save_pretrained) or pytorch_model.bin (torch.save)
  inputs.safetensors               HF argument names; obj_labels as obj_labels.<key>.label/.conf
  outputs.safetensors              HF output field names; tuples as <field>.<index>
  grads.safetensors                with labels: d(loss)/d(param) of an eval forward, by name

Usage: .venv/bin/python tests/gen_parity.py OUT_DIR CONFIG [CONFIG...]
CONFIG is one of: tiny (committed in tests/testdata/parity), uneven, full, or the path of a
JSON file with LxmertConfig fields plus optional "archs" (model, pretrain, qa), "batch", "seq",
"boxes" and "no_masks"; check such a case through the CLI with tests/check_cli.py."""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import LxmertConfig, LxmertForPreTraining, LxmertForQuestionAnswering, LxmertModel

CONFIGS = {
    # hidden 32, 4 heads, 2/1/1 layers: small enough to commit.
    "tiny": dict(vocab_size=120, hidden_size=32, num_attention_heads=4, intermediate_size=37,
                 l_layers=2, x_layers=1, r_layers=1, visual_feat_dim=24, visual_pos_dim=4,
                 num_qa_labels=9, num_object_labels=13, num_attr_labels=7, max_position_embeddings=40,
                 type_vocab_size=2),
    # uneven sizes, relu, no masks at all, task_qa off for the pretraining head (HF's pooled[0][0]).
    "uneven": dict(vocab_size=211, hidden_size=48, num_attention_heads=6, intermediate_size=50,
                   l_layers=3, x_layers=2, r_layers=1, visual_feat_dim=30, visual_pos_dim=4,
                   num_qa_labels=17, num_object_labels=19, num_attr_labels=11, max_position_embeddings=64,
                   hidden_act="relu", no_masks=True),
    # the real architecture, with the VQA answer vocabulary.
    "full": dict(num_qa_labels=3129, archs=["qa"], batch=2, seq=20, boxes=36),
}
ARCHS = {"model": LxmertModel, "pretrain": LxmertForPreTraining, "qa": LxmertForQuestionAnswering}


def perturb(model, g):
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1:  # every bias and LayerNorm weight/bias
                p.add_(torch.randn(p.shape, generator=g) * 0.1)


def make_inputs(cfg, g, batch, seq, boxes, masks):
    ids = torch.randint(1, cfg.vocab_size, (batch, seq), generator=g)
    inp = {
        "input_ids": ids,
        "token_type_ids": torch.randint(0, cfg.type_vocab_size, (batch, seq), generator=g),
        "visual_feats": torch.randn(batch, boxes, cfg.visual_feat_dim, generator=g),
        "visual_pos": torch.rand(batch, boxes, cfg.visual_pos_dim, generator=g),
    }
    if masks:
        am = torch.ones(batch, seq, dtype=torch.int64)
        am[-1, seq - 2:] = 0  # padding at the end of the last question
        ids[-1, seq - 2:] = 0
        vm = torch.ones(batch, boxes, dtype=torch.float32)
        vm[0, boxes - 1:] = 0
        if batch > 2:
            vm[1, :] = 0  # a fully masked row: HF gives a uniform softmax, not NaN
        inp["attention_mask"], inp["visual_attention_mask"] = am, vm
    return inp


def make_labels(arch, cfg, g, batch, seq, boxes):
    if arch == "qa":
        return {"labels": torch.randint(0, cfg.num_qa_labels, (batch,), generator=g)}
    if arch != "pretrain":
        return {}
    lm = torch.full((batch, seq), -100, dtype=torch.int64)
    lm[:, 1:4] = torch.randint(0, cfg.vocab_size, (batch, 3), generator=g)
    obj = {}
    for key, n in [("obj", cfg.num_object_labels), ("attr", cfg.num_attr_labels)]:
        obj[key] = (torch.randint(0, n, (batch, boxes), generator=g), torch.rand(batch, boxes, generator=g))
    obj["feat"] = (torch.randn(batch, boxes, cfg.visual_feat_dim, generator=g), torch.rand(batch, boxes, generator=g))
    return {"labels": lm, "obj_labels": obj, "matched_label": torch.randint(0, 2, (batch,), generator=g),
            "ans": torch.randint(0, cfg.num_qa_labels, (batch,), generator=g)}


def flatten_inputs(inp, labels):
    flat = dict(inp)
    for k, v in labels.items():
        if k == "obj_labels":
            for key, (lab, conf) in v.items():
                flat[f"obj_labels.{key}.label"], flat[f"obj_labels.{key}.conf"] = lab, conf
        else:
            flat[k] = v
    return flat


def flatten_outputs(out):
    flat = {}
    for k, v in out.items():
        if v is None:
            continue
        if isinstance(v, tuple):
            for i, t in enumerate(v):
                flat[f"{k}.{i}"] = t
        else:
            flat[k] = v
    return {k: v.detach().clone().contiguous() for k, v in flat.items()}


def generate(out_dir, name):
    if name.endswith(".json"):
        with open(name) as f:
            spec = json.load(f)
        name = os.path.splitext(os.path.basename(name))[0]
        CONFIGS[name] = spec
    spec = dict(CONFIGS[name])
    archs = spec.pop("archs", list(ARCHS))
    batch, seq, boxes = spec.pop("batch", 3), spec.pop("seq", 7), spec.pop("boxes", 5)
    masks = not spec.pop("no_masks", False)
    for arch in archs:
        g = torch.Generator().manual_seed(1000 + 10 * list(CONFIGS).index(name) + list(ARCHS).index(arch))
        torch.manual_seed(g.initial_seed())
        extra = dict(task_qa=False) if (name == "uneven" and arch == "pretrain") else {}
        cfg = LxmertConfig(**spec, **extra)
        model = ARCHS[arch](cfg).eval()
        perturb(model, g)
        inp = make_inputs(cfg, g, batch, seq, boxes, masks)
        labels = make_labels(arch, cfg, g, batch, seq, boxes)
        with torch.no_grad():
            out = model(**inp, **labels, output_attentions=True, output_hidden_states=True)
        case = os.path.join(out_dir, f"{name}-{arch}")
        os.makedirs(case, exist_ok=True)
        model.save_pretrained(case, safe_serialization=True)
        save_file(flatten_inputs(inp, labels), os.path.join(case, "inputs.safetensors"))
        save_file(flatten_outputs(out), os.path.join(case, "outputs.safetensors"))
        if labels:
            save_file(eval_grads(model, inp, labels), os.path.join(case, "grads.safetensors"))
        if name == "tiny":  # the same weights as torch.save's zip, tied decoder weight included
            bin_case = case + "-bin"
            os.makedirs(bin_case, exist_ok=True)
            cfg.architectures = [type(model).__name__]
            cfg.save_pretrained(bin_case)
            torch.save(model.state_dict(), os.path.join(bin_case, "pytorch_model.bin"))
            for f in ("inputs.safetensors", "outputs.safetensors"):
                with open(os.path.join(case, f), "rb") as src, open(os.path.join(bin_case, f), "wb") as dst:
                    dst.write(src.read())
        if name == "tiny" and arch == "qa":
            half_precision_cases(out_dir, model, inp, labels)
        if name == "tiny" and arch in ("pretrain", "qa"):
            train_mode_case(out_dir, case, model, inp, labels)
        print("wrote", case)


def eval_grads(model, inp, labels):
    """d(loss)/d(param) of an eval-mode forward (dropout off), keyed as named_parameters
    (the tied decoder weight appears once, under the word embeddings)."""
    model.zero_grad(set_to_none=True)
    model(**inp, **labels).loss.backward()
    grads = {n: p.grad.detach().clone().contiguous() for n, p in model.named_parameters() if p.grad is not None}
    model.zero_grad(set_to_none=True)
    return grads


TRAIN_SEED = 4242


def train_mode_case(out_dir, case, model, inp, labels):
    """A train-mode forward (dropout on) after torch.manual_seed(TRAIN_SEED): the Go port
    applies dropout in HF's order, so the same seed gives the same masks and outputs."""
    train_case = case + "-train"
    os.makedirs(train_case, exist_ok=True)
    model.save_pretrained(train_case, safe_serialization=True)
    model.train()
    torch.manual_seed(TRAIN_SEED)
    out = model(**inp, **labels, output_attentions=True, output_hidden_states=True)
    model.eval()
    save_file(flatten_inputs(inp, labels), os.path.join(train_case, "inputs.safetensors"))
    save_file(flatten_outputs(out), os.path.join(train_case, "outputs.safetensors"))
    with open(os.path.join(train_case, "train_seed"), "w") as f:
        f.write(f"{TRAIN_SEED}\n")


def half_precision_cases(out_dir, model, inp, labels):
    """The same QA model stored in fp16 and bf16: the reference runs in fp32 on the weights
    rounded to that type, which is what loading converts them to."""
    for dtype, tag in [(torch.float16, "fp16"), (torch.bfloat16, "bf16")]:
        rounded = type(model)(model.config).eval()
        rounded.load_state_dict({k: v.to(dtype).float() for k, v in model.state_dict().items()})
        with torch.no_grad():
            out = rounded(**inp, **labels, output_attentions=True, output_hidden_states=True)
        case = os.path.join(out_dir, f"tiny-qa-{tag}")
        os.makedirs(case, exist_ok=True)
        rounded.to(dtype).save_pretrained(case, safe_serialization=True)
        save_file(flatten_inputs(inp, labels), os.path.join(case, "inputs.safetensors"))
        save_file(flatten_outputs(out), os.path.join(case, "outputs.safetensors"))


if __name__ == "__main__":
    if len(sys.argv) < 3 or any(c not in CONFIGS and not c.endswith(".json") for c in sys.argv[2:]):
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR {{{','.join(CONFIGS)}}}...")
    for c in sys.argv[2:]:
        generate(sys.argv[1], c)
