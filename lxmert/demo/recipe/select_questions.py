#!/usr/bin/env python3
"""Pick the fine-tuning questions of the default model's stages 2 and 3 (see MODEL_CARD.md).

Stage 2 ("hard"): every two-object question (spatial yes/no, same-attribute) plus as many
others drawn at random. Stage 3 ("quota"): fixed counts per template, counting heavy.
Standard library only, seeded, so `make demo-model` picks the same questions every time.
"""
import collections
import json
import random
import sys

RELATIONS = (" left of ", " right of ", " above the", " below the")


def two_object(sent):
    """Spatial yes/no ("is the X left of the Y?") or same-attribute questions."""
    return (sent.startswith("is the") and any(r in sent for r in RELATIONS)) or "same" in sent


def template(q):
    s = q["sent"]
    if q["question_type"] == "spatial":
        return "syn" if s.startswith("is the") else "sq"
    if q["question_type"] == "compare":
        return "same" if "same" in s else "mf"
    return q["question_type"]


def hard(qs):
    h = [q for q in qs if two_object(q["sent"])]
    e = [q for q in qs if not two_object(q["sent"])]
    random.seed(5)
    random.shuffle(e)
    sel = h + e[:len(h)]
    random.shuffle(sel)
    return sel


QUOTA = {"same": 20000, "syn": 20000, "count": 30000, "mf": 12000, "sq": 10000,
         "attribute": 5000, "exist": 5000}


def quota(qs):
    g = collections.defaultdict(list)
    for q in qs:
        g[template(q)].append(q)
    random.seed(9)
    for k in g:
        random.shuffle(g[k])
    sel = []
    for k, n in QUOTA.items():
        sel += g[k][:n]
    random.shuffle(sel)
    return sel


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("hard", "quota"):
        sys.exit("usage: select_questions.py hard|quota IN.json OUT.json")
    with open(sys.argv[2]) as f:
        qs = json.load(f)
    sel = hard(qs) if sys.argv[1] == "hard" else quota(qs)
    with open(sys.argv[3], "w") as f:
        json.dump(sel, f)
    print(f"{sys.argv[1]}: {len(sel)} of {len(qs)} questions -> {sys.argv[3]}")


if __name__ == "__main__":
    main()
