#!/usr/bin/env python3
"""Generate the tokenizer reference fixtures in tests/testdata/tokenizer from HF.

Usage (from the repository root):
    .venv/bin/python tests/gen_tokenizer.py          # (re)write the fixtures
    .venv/bin/python tests/gen_tokenizer.py --check  # fail if committed fixtures are stale
    .venv/bin/python tests/gen_tokenizer.py --corpus-only OUT.jsonl  # write the raw corpus
    .venv/bin/python tests/gen_tokenizer.py --compare GO_OUT.jsonl --input IN.jsonl [--fast]
        # check `lxmert tokenize --input IN.jsonl [--fast] > GO_OUT.jsonl` against HF, line by line

The output is deterministic: a fixed seed, sorted keys and gzip with mtime 0. The Go tests read
only these files; they never run Python.
"""
import argparse
import gzip
import io
import json
import os
import random
import sys
import tempfile
import unicodedata

import tokenizers
import transformers
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer
from transformers import LxmertTokenizer, LxmertTokenizerFast
from transformers.models.bert import tokenization_bert as tb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "testdata", "tokenizer")
VOCAB = os.path.join(ROOT, "tokenizer", "vocab.txt")
SEED = 20240607

transformers.logging.set_verbosity_error()

# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------
OBJECTS = ["man", "woman", "dog", "cat", "bus", "train", "umbrella", "pizza", "giraffe", "kite",
           "skateboard", "surfboard", "traffic light", "fire hydrant", "teddy bear", "laptop",
           "zebra", "elephant", "banana", "broccoli", "motorcycle", "refrigerator", "toothbrush"]
COLORS = ["red", "blue", "green", "white", "black", "yellow", "orange", "pink", "brown", "gray"]
TEMPLATES = [
    "What color is the {o}?", "How many {o}s are in the picture?", "Is the {o} {c}?",
    "What is the {o} doing?", "Where is the {o}?", "Is there a {o} in the image?",
    "What is on the {o}'s head?", "Why is the {o} {c}?", "Does the {o} look happy?",
    "Which side of the photo is the {o} on?", "Are these {o}s or {o2}s?",
    "What's the man holding, a {o} or a {o2}?", "IS THE {O} {C}??", "is the {o}   {c} ...",
    "Can you see the {c} {o}? Yes!", "Who is next to the {o}, the {o2}?",
]
FRAGMENTS = [
    "Café crème brûlée", "naïve façade", "Tiếng Việt có dấu", "ΟΔΟΣ ΑΣ Σίσυφος ΣΣ", "İstanbul IŞIK",
    "Straße ẞ STRASSE", "Ångström Øresund Æsir", "Ḱṓṙḝ ȁ̴̡ḅ", "ﬁne ﬂour ﬀ", "ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ１２３",
    "東京タワーに行きました。", "我喜欢吃北京烤鸭！", "漢字かなカナ混じり文", "𠀀𠀁𪜀 extension B", "豈 更 車 compat",
    "한국어 문장입니다", "가나다라 ㄱㄴㄷ", "がぎぐげご ぱぴぷぺぽ ガギグ パピプ", "ｶﾞｷﾞ ﾊﾟ halfwidth",
    "emoji 😀😃 👍🏽 👨‍👩‍👧 🇫🇷 ❤️ 🥰 🫠", "symbols © ® ™ ° ± × ÷ ≤ ≥ ≠ ∞ √ ∑ ∆", "arrows → ← ↑ ↓ ⇒",
    "ctrl\x00nul\x01soh\x07bel\x7fdel\x1besc", "tab\there\nnew\rline\x0bvt\x0cff", "nel\x85x nbsp\xa0y",
    "line\u2028sep para\u2029sep", "soft\u00adhyphen co\u00adoperate", "zero\u200bwidth\u200cnon\u200djoiner",
    "word\u2060joiner \ufeffbom \ufffdreplacement", "rtl\u200fmark ltr\u200emark \u202aembed\u202c",
    "$1,000.50 €20 £5 ¥100 ₹300 ₩500 ₿0.01 ¢99", "3.14159 1e10 50% 1/2 ½ ¾ ² ³ 10⁶ ₁₂",
    "12:30pm 2021-03-04 #hashtag @user", "https://www.example.com/path?q=1&b=two#frag",
    "mailto:john.doe+tag@example.org", "C:\\Users\\bob\\file.txt", "<html><b>bold</b></html>",
    "\"quoted\" 'single' «guillemets» „low“ ‘curly’ “double”", "dash – em — minus − hyphen ‐",
    "ellipsis… bullet • middle·dot", "[CLS] literal [SEP] tokens [MASK] [PAD] [UNK]",
    "[cls] [Mask] [MASK][MASK] x[SEP]y [ CLS ]", "MiXeD CaSe WoRdS", "don't won't it's I'm we've they're",
    "hello , world ! isn ' t", "ALLCAPS SENTENCE HERE", "Ελληνικά κείμενα", "Русский текст Ёжик",
    "العربية نص", "עברית טקסט", "हिन्दी पाठ", "ไทย ภาษา", "ქართული", "Հայերեն", "ᚠᛇᚻ runes",
    "math 𝐀𝐁𝐂 𝔄𝔅 𝟙𝟚", "combining e\u0301 a\u0300 o\u0308 n\u0303", "stacked a\u0301\u0302\u0303",
    "music 𝅘𝅥𝅮 ♩♪♫", "cjk punct 「」『』【】〈〉、。", "fullwidth punct ！？（）［］", "tilde ~ caret ^ backtick `",
    "unassigned \U000e0001 tag \U000e0041", "private \ue000\U000f0000", "noncharacter \ufdd0\uffff",
    "Ǆ ǅ ǆ titlecase", "ﬃ ﬄ ﬅ ligatures", "K Kelvin Å angstrom Ω ohm", "ⅰⅱⅲ Ⅳ roman", "Ⓐⓑ circled",
    "new in 15: \U0001FAE8 \U00011F00 \U00031350", "cjk ext E edge \U0002B81F\U0002B820x\U0002B8ADy\U0002B91F\U0002B920z",
    "mongolian \u180e vowel sep", "ogham\u1680space",
]
LONG_WORDS = ["a" * 100, "b" * 101, "pneumono" * 13, "x" * 99 + "é", "Ab" * 60,
              "supercalifragilisticexpialidocious" * 3 + "!", "".join(chr(0x4E00 + i) for i in range(120))]


def interesting_chars():
    """Characters on which Python's unicodedata and the Rust crates disagree, plus classes."""
    fast_clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False,
                                lowercase=False)
    pre = BertPreTokenizer()
    out = []
    for cp in list(range(0x80, 0x3000)) + list(range(0xFE00, 0x10000)) + list(range(0x1F000, 0x1FB00)):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        sdel = cp == 0xFFFD or tb._is_control(c)
        fdel = fast_clean.normalize_str(c) == ""
        sp = tb._is_punctuation(c)
        fp = len(pre.pre_tokenize_str("x" + c + "y")) == 3
        if sdel != fdel or sp != fp or unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cf", "Mn", "Lt"):
            out.append(c)
    return out


def make_corpus(rng):
    lines = []
    for _ in range(900):
        t = rng.choice(TEMPLATES)
        o, o2 = rng.choice(OBJECTS), rng.choice(OBJECTS)
        c = rng.choice(COLORS)
        s = t.format(o=o, o2=o2, c=c, O=o.upper(), C=c.upper())
        if rng.random() < 0.2:
            s = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in s)
        lines.append(s)
    lines.extend(FRAGMENTS)
    lines.extend(LONG_WORDS)
    weird = interesting_chars()
    for i in range(0, len(weird), 6):
        lines.append("Ab" + " a".join(weird[i:i + 6]) + "z.")
    pieces = FRAGMENTS + [rng.choice(TEMPLATES).format(o="dog", o2="cat", c="red", O="DOG", C="RED")
                          for _ in range(20)]
    for _ in range(500):
        k = rng.randint(2, 4)
        lines.append(" ".join(rng.choice(pieces) for _ in range(k)))
    for _ in range(300):
        n = rng.randint(1, 12)
        chars = []
        for _ in range(n):
            r = rng.random()
            if r < 0.4:
                chars.append(rng.choice(weird))
            elif r < 0.6:
                chars.append(chr(rng.randint(0x20, 0x7E)))
            elif r < 0.8:
                cp = rng.randint(0x80, 0x2FFFF)
                chars.append(chr(cp) if not 0xD800 <= cp < 0xE000 else "?")
            else:
                chars.append(rng.choice([" ", "  ", "\t", "\n", "", "Σ", "ΣΑ", "İ", "ẞ"]))
        lines.append("".join(chars))
    lines.extend(["", " ", "\n", "\x00", "[MASK]", "a", "?", "Σ", "ΑΣ b", "ΑΣ. ΟΔΟΣ"])
    return lines


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------
def load_tokenizers(vocab):
    slow = LxmertTokenizer(vocab)
    fast = LxmertTokenizerFast(vocab_file=vocab)
    return slow, fast


def single_ref(slow, fast, text):
    ids_s = slow.encode(text)
    enc = fast(text, return_offsets_mapping=True, return_special_tokens_mask=True)
    ids_f = enc["input_ids"]
    return {
        "text": text,
        "slow": {"tokens": slow.tokenize(text), "ids": ids_s,
                 "decode": slow.decode(ids_s), "decode_skip": slow.decode(ids_s, skip_special_tokens=True)},
        "fast": {"tokens": fast.tokenize(text), "ids": ids_f,
                 "offsets": [list(o) for o in enc["offset_mapping"]], "words": enc.word_ids(),
                 "special": enc["special_tokens_mask"],
                 "decode": fast.decode(ids_f), "decode_skip": fast.decode(ids_f, skip_special_tokens=True)},
    }


def pair_ref(slow, fast, a, b):
    kw = dict(return_special_tokens_mask=True)
    es = slow(a, b, **kw)
    ef = fast(a, b, return_offsets_mapping=True, **kw)
    return {
        "a": a, "b": b,
        "slow": {k: es[k] for k in ("input_ids", "token_type_ids", "attention_mask", "special_tokens_mask")},
        "fast": dict({k: ef[k] for k in ("input_ids", "token_type_ids", "attention_mask",
                                          "special_tokens_mask")},
                     offsets=[list(o) for o in ef["offset_mapping"]], words=ef.word_ids(),
                     sequence_ids=ef.sequence_ids()),
    }


VARIANTS = [
    # name, kwargs (shared by slow and fast), pairs?
    ("pad_longest_right", dict(padding="longest"), False),
    ("pad_longest_left", dict(padding="longest", padding_side="left"), False),
    ("pad_max_trunc", dict(padding="max_length", truncation=True, max_length=24), False),
    ("pad_max_left_trunc", dict(padding="max_length", truncation=True, max_length=24, padding_side="left"), False),
    ("trunc_10", dict(truncation=True, max_length=10), False),
    ("trunc_stride", dict(truncation=True, max_length=12, stride=3, return_overflowing_tokens=True), False),
    ("pair_pad_longest", dict(padding="longest"), True),
    ("pair_longest_first_17", dict(truncation="longest_first", max_length=17), True),
    ("pair_longest_first_20", dict(truncation="longest_first", max_length=20, padding="max_length"), True),
    ("pair_only_first_16", dict(truncation="only_first", max_length=16), True),
    ("pair_only_second_16", dict(truncation="only_second", max_length=16), True),
    ("pair_only_second_stride", dict(truncation="only_second", max_length=20, stride=2,
                                     return_overflowing_tokens=True), True),
    ("pair_only_first_stride", dict(truncation="only_first", max_length=20, stride=2,
                                    return_overflowing_tokens=True), True),
    ("pair_longest_first_stride_fast", dict(truncation="longest_first", max_length=20, stride=2,
                                            return_overflowing_tokens=True), True),
]


def run_variant(tok, kwargs, texts, pairs, fast):
    kw = dict(kwargs)
    side = kw.pop("padding_side", None)
    old_side = tok.padding_side
    if side:
        tok.padding_side = side
    try:
        if pairs:
            enc = tok([a for a, _ in texts], [b for _, b in texts], return_special_tokens_mask=True,
                      return_offsets_mapping=fast, **kw)
        else:
            enc = tok(texts, return_special_tokens_mask=True, return_offsets_mapping=fast, **kw)
    except Exception as e:  # noqa: BLE001 - HF's own refusal is part of the reference
        return {"error": type(e).__name__}
    finally:
        tok.padding_side = old_side
    out = {k: enc[k] for k in ("input_ids", "token_type_ids", "attention_mask", "special_tokens_mask")}
    for k in ("overflowing_tokens", "num_truncated_tokens", "overflow_to_sample_mapping"):
        if k in enc:
            out[k] = enc[k]
    if fast:
        out["offsets"] = [[list(o) for o in row] for row in enc["offset_mapping"]]
    return out


def variants_ref(slow, fast, lines, rng):
    short = [t for t in lines if 0 < len(t) < 200]
    out = []
    for name, kw, pairs in VARIANTS:
        for b in range(12):
            if pairs:
                batch = [(rng.choice(short), rng.choice(short)) for _ in range(rng.randint(1, 6))]
            else:
                batch = [rng.choice(short) for _ in range(rng.randint(1, 6))]
            rec = {"name": name, "kwargs": kw, "pairs": pairs, "batch": batch}
            if not name.endswith("_fast"):
                rec["slow"] = run_variant(slow, kw, batch, pairs, False)
            rec["fast"] = run_variant(fast, kw, batch, pairs, True)
            out.append(rec)
    return out


OPTION_CONFIGS = [
    ("cased", dict(do_lower_case=False)),
    ("lower_keep_accents", dict(do_lower_case=True, strip_accents=False)),
    ("cased_strip_accents", dict(do_lower_case=False, strip_accents=True)),
    ("no_chinese_split", dict(tokenize_chinese_chars=False)),
    ("never_split", dict(never_split=["[foo]", "don't", "Café"])),
    ("extra_special", dict(additional_special_tokens=["[OBJ]", "<img>"])),
]


def options_ref(lines):
    """Option variants on every fifth corpus line plus a few targeted ones."""
    texts = lines[::5] + ["[OBJ] on the <img> [obj]", "[foo] don't Café CAFÉ", "a<img>b[OBJ]c", "e\u0301 É"]
    out = []
    for name, kw in OPTION_CONFIGS:
        slow = LxmertTokenizer(VOCAB, **kw)
        fast = LxmertTokenizerFast(vocab_file=VOCAB, **kw)
        for t in texts:
            rec = {"config": name, "text": t, "slow": {"tokens": slow.tokenize(t), "ids": slow.encode(t)}}
            enc = fast(t, return_offsets_mapping=True)
            rec["fast"] = {"tokens": fast.tokenize(t), "ids": enc["input_ids"],
                           "offsets": [list(o) for o in enc["offset_mapping"]],
                           "decode": fast.decode(enc["input_ids"], skip_special_tokens=True)}
            rec["slow"]["decode"] = slow.decode(rec["slow"]["ids"], skip_special_tokens=True)
            out.append(rec)
    return out


def small_vocab_ref(tmp):
    """HF's own WordPiece unit-test vocabulary and cases."""
    vocab = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "want", "##want", "##ed", "wa", "un",
             "runn", "##ing", ",", "low", "lowest"]
    path = os.path.join(tmp, "small_vocab.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(v + "\n" for v in vocab))
    slow, fast = load_tokenizers(path)
    cases = ["UNwant\u00E9d,running", "unwanted running", "unwantedX running", "", "lowest low",
             "  \tHeLLo!how  \n Are yoU?  ", "H\u00E9llo", "ah\u535A\u63A8zz", "[CLS] want [SEP]"]
    refs = [single_ref(slow, fast, c) for c in cases]
    return vocab, refs


def charprops():
    """Per-code-point behaviour of both tokenizers' character rules, run-length encoded.

    Columns: flavour (S slow, F fast), first, last (hex), class, lower, strip, cjk. Class: d deleted by
    clean-up, w turned into a space, s split by Python's str.split only, p punctuation, o other.
    lower / strip: the code points (hex, '.'-joined) that lowercasing / accent stripping give
    for this single character, '=' when unchanged, '-' when it vanishes. cjk: 'c' when the character
    is padded with spaces as a CJK ideograph, '-' otherwise.
    """
    clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    low = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    chinese = BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    basic = tb.BasicTokenizer()
    pre = BertPreTokenizer()

    def enc(c, m):
        if m == c:
            return "="
        if m == "":
            return "-"
        return ".".join("%x" % ord(x) for x in m)

    rows = []
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        if cp == 0 or cp == 0xFFFD or tb._is_control(c):
            sc = "d"
        elif tb._is_whitespace(c):
            sc = "w"
        elif c.isspace():
            sc = "s"
        elif tb._is_punctuation(c):
            sc = "p"
        else:
            sc = "o"
        s_strip = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
        srow = ("S", sc, enc(c, c.lower()), enc(c, s_strip), "c" if basic._is_chinese_char(cp) else "-")
        n = clean.normalize_str(c)
        if n == "":
            fc = "d"
        elif n == " " and c != " " or c == " ":
            fc = "w"
        elif len(pre.pre_tokenize_str("x" + c + "y")) == 3:
            fc = "p"
        else:
            fc = "o"
        frow = ("F", fc, enc(c, low.normalize_str(c)), enc(c, strip.normalize_str(c)),
                "c" if chinese.normalize_str(c) == " " + c + " " else "-")
        rows.append((cp, srow))
        rows.append((cp, frow))
    out = []
    for flav in ("S", "F"):
        cur = None
        for cp, row in rows:
            if row[0] != flav:
                continue
            if cur and cur[2] == row and cur[1] == cp - 1 or (cur and cur[2] == row and cur[1] == 0xD7FF and cp == 0xE000):
                cur[1] = cp
                continue
            if cur:
                out.append(cur)
            cur = [cp, cp, row]
        out.append(cur)
    return "".join("%s\t%x\t%x\t%s\t%s\t%s\t%s\n" % ((r[2][0], r[0], r[1]) + r[2][1:]) for r in out)


def gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode("utf-8")


def build():
    rng = random.Random(SEED)
    lines = make_corpus(rng)
    slow, fast = load_tokenizers(VOCAB)
    files = {}
    files["corpus.jsonl.gz"] = gz(jsonl(single_ref(slow, fast, t) for t in lines))
    prs = [(lines[i], lines[(i * 7 + 3) % len(lines)]) for i in range(0, len(lines), 2)]
    files["pairs.jsonl.gz"] = gz(jsonl(pair_ref(slow, fast, a, b) for a, b in prs))
    files["variants.jsonl.gz"] = gz(jsonl(variants_ref(slow, fast, lines, rng)))
    files["options.jsonl.gz"] = gz(jsonl(options_ref(lines)))
    with tempfile.TemporaryDirectory() as tmp:
        vocab, refs = small_vocab_ref(tmp)
        files["small_vocab.txt"] = "".join(v + "\n" for v in vocab).encode("utf-8")
        files["small.jsonl"] = jsonl(refs)
        _, fresh = load_tokenizers(VOCAB)  # `fast` keeps the last call's truncation settings
        fresh.save_pretrained(tmp)
        with open(os.path.join(tmp, "tokenizer.json"), "rb") as f:
            files["tokenizer.json.gz"] = gz(f.read())
    files["charprops.tsv.gz"] = gz(charprops().encode("utf-8"))
    files["versions.json"] = (json.dumps({
        "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
        "python": sys.version.split()[0], "unidata": unicodedata.unidata_version,
        "seed": SEED, "lines": len(lines), "pairs": len(prs)}, sort_keys=True, indent=1) + "\n").encode()
    return files, lines


def compare_cli(go_out, inp, fast_mode):
    """Compare the output of `lxmert tokenize` with HF on any input file; print parity figures."""
    slow, fast = load_tokenizers(VOCAB)
    tok = fast if fast_mode else slow
    with open(inp, encoding="utf-8") as f:
        ins = [line for line in f.read().split("\n") if line != ""]
    with open(go_out, encoding="utf-8") as f:
        outs = [json.loads(line) for line in f if line.strip()]
    if len(ins) != len(outs):
        print("line counts differ: %d inputs, %d outputs" % (len(ins), len(outs)))
        return 1
    bad = errors = 0
    for n, (line, got) in enumerate(zip(ins, outs), 1):
        try:
            text = json.loads(line)["text"]
            assert isinstance(text, str)
        except Exception:  # noqa: BLE001 - a malformed line must give an error line
            errors += 1
            if "error" not in got:
                bad += 1
                print("line %d: malformed input but no error line" % n)
            continue
        enc = tok(text, return_offsets_mapping=fast_mode)
        want = {"tokens": tok.tokenize(text), "input_ids": enc["input_ids"],
                "token_type_ids": enc["token_type_ids"], "attention_mask": enc["attention_mask"]}
        if fast_mode:
            want["offsets"] = [list(o) for o in enc["offset_mapping"]]
        if got != want:
            bad += 1
            if bad <= 5:
                print("line %d differs: %r\n  go: %s\n  hf: %s" % (n, text, got, want))
    print("%s: %d lines, %d malformed, %d identical to HF (%.2f%%)" % (
        "fast" if fast_mode else "slow", len(ins), errors, len(ins) - bad, 100.0 * (len(ins) - bad) / max(1, len(ins))))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compare", metavar="GO_OUT", help="output of lxmert tokenize to check against HF")
    ap.add_argument("--input", metavar="IN", help="the JSONL input given to lxmert tokenize")
    ap.add_argument("--fast", action="store_true", help="with --compare: the output came from --fast")
    ap.add_argument("--seed", type=int, default=SEED, help="with --corpus-only: a different seed gives new lines")
    ap.add_argument("--check", action="store_true", help="compare with the committed fixtures")
    ap.add_argument("--corpus-only", metavar="OUT", help="write the corpus as {text} JSONL and exit")
    args = ap.parse_args()
    if args.compare:
        return compare_cli(args.compare, args.input, args.fast)
    if args.corpus_only:
        with open(args.corpus_only, "wb") as f:
            f.write(jsonl({"text": t} for t in make_corpus(random.Random(args.seed))))
        return 0
    files, lines = build()
    if args.check:
        stale = []
        for name, data in sorted(files.items()):
            p = os.path.join(OUT, name)
            if not os.path.exists(p) or open(p, "rb").read() != data:
                stale.append(name)
        if stale:
            print("stale fixtures: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("fixtures up to date (%d files)" % len(files))
        return 0
    os.makedirs(OUT, exist_ok=True)
    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print("wrote %s (%d bytes)" % (name, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
