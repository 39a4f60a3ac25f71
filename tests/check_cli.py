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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failed = 0
for case in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.safetensors")
        cmd = [os.path.join(ROOT, "bin", "lxmert"), "forward", "--model", case, "--inputs",
               os.path.join(case, "inputs.safetensors"), "--out", out, "--output-attentions", "--output-hidden-states"]
        if os.path.exists(os.path.join(case, "train_seed")):
            print(f"{case}: skipped (train-mode cases need the Go test's seeding)")
            continue
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{case}: FAIL: {run.stderr.strip()}")
            failed += 1
            continue
        got, want = load_file(out), load_file(os.path.join(case, "outputs.safetensors"))
        bad = sorted(set(got) ^ set(want))
        worst = 0.0
        for k in sorted(set(got) & set(want)):
            d = (got[k] - want[k]).abs()
            worst = max(worst, d.max().item() if d.numel() else 0.0)
            if not bool((d <= 1e-5 + 1e-4 * want[k].abs()).all()):
                bad.append(k)
        print(f"{case}: {'FAIL ' + str(bad) if bad else 'ok'} ({len(want)} fields, worst |diff| {worst:.3g})")
        failed += bool(bad)
sys.exit(1 if failed else 0)
