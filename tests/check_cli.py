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
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{os.path.basename(case)}: FAIL: {run.stderr.strip()}")
            failed += 1
            continue
        got, want = load_file(out), load_file(os.path.join(case, "outputs.safetensors"))
        bad = sorted(set(got) ^ set(want))
        worst = 0.0
        for k in sorted(set(got) & set(want)):
            if got[k].shape != want[k].shape:  # no broadcasting: shapes must agree
                bad.append(f"{k} shape {tuple(got[k].shape)} != {tuple(want[k].shape)}")
                continue
            d = (got[k].double() - want[k].double()).abs()
            worst = max(worst, d.max().item() if d.numel() else 0.0)
            if not bool((d <= 1e-5 + 1e-4 * want[k].double().abs()).all()):
                bad.append(k)
        print(f"{os.path.basename(case)}: {'FAIL ' + str(bad) if bad else 'ok'} ({len(want)} fields, worst |diff| {worst:.3g})")
        failed += bool(bad)
sys.exit(1 if failed else 0)
