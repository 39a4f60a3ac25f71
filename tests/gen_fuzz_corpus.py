"""Writes the committed seed corpora of the fuzz targets (testdata/fuzz/FuzzXxx/NAME) from
the project's small real files: HF/torch-made checkpoints, configs, vocabularies. Run from
the repository root with the reference venv: .venv/bin/python tests/gen_fuzz_corpus.py
Go's corpus format: a "go test fuzz v1" line, then one Go literal per fuzz argument."""
import io
import json
import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W = os.path.join(ROOT, "tests", "testdata", "weights")
P = os.path.join(ROOT, "tests", "testdata", "parity")
T = os.path.join(ROOT, "tests", "testdata", "tokenizer")


def go_bytes(b):
    out = []
    for c in b:
        ch = chr(c)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'


def write(pkg, target, name, *args):
    d = os.path.join(ROOT, pkg, "testdata", "fuzz", target)
    os.makedirs(d, exist_ok=True)
    lines = ["go test fuzz v1"]
    for a in args:
        if isinstance(a, bytes):
            lines.append("[]byte(%s)" % go_bytes(a))
        elif isinstance(a, str):
            lines.append("string(%s)" % go_bytes(a.encode()))
        elif isinstance(a, int):
            lines.append("uint8(%d)" % a)
    with open(os.path.join(d, name), "w") as f:
        f.write("\n".join(lines) + "\n")


def read(*path):
    with open(os.path.join(*path), "rb") as f:
        return f.read()


def pickle_of(path):
    with zipfile.ZipFile(path) as z:
        return z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))


def main():
    wp = "lxmert/weights"
    for name in ["py_mixed.safetensors"]:
        write(wp, "FuzzParseSafetensors", name, read(W, name))
    write(wp, "FuzzParseSafetensors", "tiny_qa_inputs", read(P, "tiny-qa", "inputs.safetensors"))
    for name in ["torch_views.bin", "nested_model.pth", "nested_state_dict.pth", "forbidden_eval.bin"]:
        write(wp, "FuzzReadTorchZip", name, read(W, name))
        write(wp, "FuzzReadTorchPickle", name, pickle_of(os.path.join(W, name)))
    write(wp, "FuzzReadTorchLegacy", "torch_views_legacy.pth", read(W, "torch_views_legacy.pth"))
    write("lxmert", "FuzzConfigJSON", "tiny_qa", read(P, "tiny-qa", "config.json"))
    write("lxmert", "FuzzConfigJSON", "tiny_pretrain", read(P, "tiny-pretrain", "config.json"))
    write("tokenizer", "FuzzReadVocab", "small_vocab", read(T, "small_vocab.txt"))
    from transformers import BertTokenizerFast
    tok = BertTokenizerFast(vocab_file=os.path.join(T, "small_vocab.txt"))
    write("tokenizer", "FuzzTokenizerJSON", "small_vocab", tok.backend_tokenizer.to_str().encode())
    with open(os.path.join(T, "small.jsonl")) as f:
        for i, line in enumerate(f):
            if i < 6:
                write("tokenizer", "FuzzEncode", "small_%d" % i, json.loads(line)["text"], "pair text", i * 37)


if __name__ == "__main__":
    main()
