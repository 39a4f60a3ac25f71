"""Checks `bin/lxmert forward` against HF on generated parity cases: for each case folder it runs
the CLI with attentions and hidden states and compares every output with outputs.safetensors
(|diff| <= 1e-5 + 1e-4 |ref|). Use it for configurations beyond the committed fixtures:

  .venv/bin/python tests/gen_parity.py /tmp/cases my_config.json
  .venv/bin/python tests/check_cli.py /tmp/cases/*"""
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

# LXMERT_BIN overrides the binary (the Go test builds its own).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failed = 0
for case in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.safetensors")
        cmd = [os.environ.get("LXMERT_BIN", os.path.join(ROOT, "bin", "lxmert")), "forward", "--model", case, "--inputs",
               os.path.join(case, "inputs.safetensors"), "--out", out, "--output-attentions", "--output-hidden-states"]
        seed_file = os.path.join(case, "train_seed")
        if os.path.exists(seed_file):  # a train-mode case: dropout masks from that seed
            with open(seed_file) as f:
                cmd += ["--train-seed", f.read().strip()]
        want_grads = os.path.join(case, "grads.safetensors")
        grads_out = os.path.join(tmp, "grads.safetensors")
        if os.path.exists(want_grads):  # an eval case with labels: gradients too
            cmd += ["--grads", grads_out]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{os.path.basename(case)}: FAIL: {run.stderr.strip()}")
            failed += 1
            continue
        pairs = [(load_file(out), load_file(os.path.join(case, "outputs.safetensors")), 1e-4, "")]
        if os.path.exists(want_grads):  # gradients: 1e-5 + 1e-3 |ref|
            pairs.append((load_file(grads_out), load_file(want_grads), 1e-3, "grad "))
        bad, worst, fields = [], 0.0, 0
        for got, want, rel, tag in pairs:
            bad += [tag + k for k in sorted(set(got) ^ set(want))]
            fields += len(want)
            for k in sorted(set(got) & set(want)):
                if got[k].shape != want[k].shape:  # no broadcasting: shapes must agree
                    bad.append(f"{tag}{k} shape {tuple(got[k].shape)} != {tuple(want[k].shape)}")
                    continue
                d = (got[k].double() - want[k].double()).abs()
                worst = max(worst, d.max().item() if d.numel() else 0.0)
                if not bool((d <= 1e-5 + rel * want[k].double().abs()).all()):
                    bad.append(tag + k)
        print(f"{os.path.basename(case)}: {'FAIL ' + str(bad) if bad else 'ok'} ({fields} fields, worst |diff| {worst:.3g})")
        failed += bool(bad)
sys.exit(1 if failed else 0)
