#!/usr/bin/env python3
"""Pick the fine-tuning questions of the default model's stages 2 and 3 (see MODEL_CARD.md).

Stage 2 ("hard"): every two-object question (spatial yes/no, same-attribute) plus as many
others drawn at random. Stage 3 ("quota"): fixed counts per template, counting heavy.
Stage 4's curriculum ("halves SIDES"): the position questions about the named halves of the
picture only (SIDES: comma-separated, of left, right, top, bottom), in file order; and
("relations") the spatial yes/no questions only, in file order.
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


SIDES = ("left", "right", "top", "bottom")


def halves(qs, sides):
    bad = [s for s in sides if s not in SIDES]
    if bad or not sides:
        sys.exit(f"halves: sides {sides!r}, want some of {', '.join(SIDES)}")
    return [q for q in qs if any(f" in the {s} half of the picture?" in q["sent"] for s in sides)]


def relations(qs):
    return [q for q in qs if q["question_type"] == "spatial" and q["sent"].startswith("is the")]


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "halves":
        mode, inp, out = f"halves {a[1]}", a[2], a[3]
        pick = lambda qs: halves(qs, a[1].split(","))
    elif len(a) == 3 and a[0] in ("hard", "quota", "relations"):
        mode, inp, out = a[0], a[1], a[2]
        pick = {"hard": hard, "quota": quota, "relations": relations}[a[0]]
    else:
        sys.exit("usage: select_questions.py hard|quota|relations IN.json OUT.json\n"
                 "       select_questions.py halves SIDES IN.json OUT.json")
    with open(inp) as f:
        qs = json.load(f)
    sel = pick(qs)
    with open(out, "w") as f:
        json.dump(sel, f)
    print(f"{mode}: {len(sel)} of {len(qs)} questions -> {out}")


if __name__ == "__main__":
    main()
