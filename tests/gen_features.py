"""Write region-feature files the way LXMERT's tools do, for lxmert/features' Go tests.

usage: gen_features.py OUTDIR
       gen_features.py --read-tsv FILE   (print FILE as LXMERT's load_obj_tsv decodes it, as JSON)

OUTDIR gets:
  features.tsv        bottom-up-attention TSV written like the original LXMERT's extractor
                      (csv.DictWriter, tab delimiter, base64 of the raw numpy buffers)
  features.arrow      HF's LXMERT demo extractor: datasets.ArrowWriter (IPC stream format)
                      with its schema, two record batches
  features_file.arrow the same table in the Arrow IPC file format
  pixel.npz           features + pixel boxes + img_h/img_w (compressed)
  norm.npz            features + boxes already in [0, 1] (stored)
  single.safetensors  features + pixel boxes + img_h/img_w
  expected.json       {file name: [image, ...]} with every value the Go reader must return

Float arrays in expected.json are lists of float32 values (exact in JSON's float64); large
feature arrays are given as the sha256 of their little-endian float32 bytes plus a head.
"""

import base64
import csv
import hashlib
import json
import os
import sys
from collections import OrderedDict

import numpy as np

FIELDNAMES = ["img_id", "img_h", "img_w", "objects_id", "objects_conf",
              "attrs_id", "attrs_conf", "num_boxes", "boxes", "features"]
MAX_DETECTIONS = 36
FEAT_DIM = 2048


def pixel_boxes(rng, n, h, w):
    x1 = rng.uniform(0, w, n)
    y1 = rng.uniform(0, h, n)
    x2 = x1 + rng.uniform(0, 1, n) * (w - x1)
    y2 = y1 + rng.uniform(0, 1, n) * (h - y1)
    return np.stack([x1, y1, x2, y2], axis=1).astype(np.float32)


def normalise(boxes, h, w):
    # As LXMERT's data loaders do: float32 division in place.
    b = boxes.copy()
    b[:, (0, 2)] /= np.float32(w)
    b[:, (1, 3)] /= np.float32(h)
    return b


def make_image(rng, img_id, n, dim):
    h, w = int(rng.integers(200, 800)), int(rng.integers(200, 800))
    return {
        "img_id": img_id, "img_h": h, "img_w": w, "num_boxes": n,
        "objects_id": rng.integers(0, 1600, n).astype(np.int64),
        "objects_conf": rng.uniform(0, 1, n).astype(np.float32),
        "attrs_id": rng.integers(0, 400, n).astype(np.int64),
        "attrs_conf": rng.uniform(0, 1, n).astype(np.float32),
        "boxes": pixel_boxes(rng, n, h, w),
        "features": (rng.standard_normal((n, dim)) * 3).astype(np.float32),
    }


def expected(img_id, h, w, feats, norm_boxes, obj=None, attr=None):
    feats = np.ascontiguousarray(feats, dtype="<f4")
    e = {
        "id": str(img_id), "height": h, "width": w,
        "num_boxes": int(feats.shape[0]), "feat_dim": int(feats.shape[1]),
        "features_sha256": hashlib.sha256(feats.tobytes()).hexdigest(),
        "features_head": [float(x) for x in feats.reshape(-1)[:16]],
        "boxes": [float(x) for x in np.asarray(norm_boxes, np.float32).reshape(-1)],
    }
    if obj is not None:
        e["object_ids"] = [int(x) for x in obj[0]]
        e["object_conf"] = [float(x) for x in np.asarray(obj[1], np.float32)]
    if attr is not None:
        e["attr_ids"] = [int(x) for x in attr[0]]
        e["attr_conf"] = [float(x) for x in np.asarray(attr[1], np.float32)]
    return e


def write_tsv(path, images):
    with open(path, "w", newline="") as f:
        # The extractor's writer: default csv dialect (\r\n line ends), tab-delimited.
        writer = csv.DictWriter(f, delimiter="\t", fieldnames=FIELDNAMES)
        for im in images:
            row = dict(im)
            for k in ("objects_id", "objects_conf", "attrs_id", "attrs_conf", "boxes", "features"):
                row[k] = base64.b64encode(np.ascontiguousarray(im[k]).tobytes()).decode("ascii")
            writer.writerow(row)
    return [expected(im["img_id"], im["img_h"], im["img_w"], im["features"],
                     normalise(im["boxes"], im["img_h"], im["img_w"]),
                     (im["objects_id"], im["objects_conf"]), (im["attrs_id"], im["attrs_conf"]))
            for im in images]


def arrow_schema():
    import datasets
    seq = lambda: datasets.Sequence(length=MAX_DETECTIONS, feature=datasets.Value("float32"))
    # HF's examples/research_projects/lxmert/extracting_data.py DEFAULT_SCHEMA.
    return datasets.Features(OrderedDict({
        "attr_ids": seq(),
        "attr_probs": seq(),
        "boxes": datasets.Array2D((MAX_DETECTIONS, 4), dtype="float32"),
        "img_id": datasets.Value("int32"),
        "obj_ids": seq(),
        "obj_probs": seq(),
        "roi_features": datasets.Array2D((MAX_DETECTIONS, FEAT_DIM), dtype="float32"),
        "sizes": datasets.Sequence(length=2, feature=datasets.Value("float32")),
        "preds_per_image": datasets.Value(dtype="int32"),
    }))


def write_arrow(path, file_path, rng):
    import pyarrow as pa
    schema = arrow_schema()
    # The extractor calls datasets.ArrowWriter; newer datasets keep it in arrow_writer only.
    from datasets.arrow_writer import ArrowWriter
    writer = ArrowWriter(features=schema, path=path)
    exp = []
    for ids in ([139, 285], [632]):
        b = len(ids)
        sizes = np.array([[rng.integers(200, 800), rng.integers(200, 800)] for _ in ids], np.float32)
        norm = np.stack([normalise(pixel_boxes(rng, MAX_DETECTIONS, h, w), h, w) for h, w in sizes])
        out = {
            "attr_ids": rng.integers(0, 400, (b, MAX_DETECTIONS)).astype(np.float32),
            "attr_probs": rng.uniform(0, 1, (b, MAX_DETECTIONS)).astype(np.float32),
            "boxes": norm,
            "img_id": np.array(ids),
            "obj_ids": rng.integers(0, 1600, (b, MAX_DETECTIONS)).astype(np.float32),
            "obj_probs": rng.uniform(0, 1, (b, MAX_DETECTIONS)).astype(np.float32),
            "roi_features": rng.standard_normal((b, MAX_DETECTIONS, FEAT_DIM)).astype(np.float32),
            "sizes": sizes,
            "preds_per_image": np.full(b, MAX_DETECTIONS, np.int32),
        }
        writer.write_batch(schema.encode_batch(out))
        for i, img_id in enumerate(ids):
            exp.append(expected(img_id, int(sizes[i][0]), int(sizes[i][1]), out["roi_features"][i], norm[i],
                                (out["obj_ids"][i], out["obj_probs"][i]), (out["attr_ids"][i], out["attr_probs"][i])))
    writer.finalize()
    with pa.OSFile(path, "rb") as src:
        table = pa.ipc.open_stream(src).read_all()
    with pa.OSFile(file_path, "wb") as dst, pa.ipc.new_file(dst, table.schema) as w:
        w.write_table(table)
    return exp


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20190820)
    exp = {}
    tsv_images = [make_image(rng, "COCO_val2014_000000000042", 36, FEAT_DIM),
                  make_image(rng, "COCO_val2014_000000000073", 10, FEAT_DIM),
                  make_image(rng, "n123", 1, FEAT_DIM),
                  make_image(rng, "COCO_val2014_000000000074", 36, FEAT_DIM)]
    exp["features.tsv"] = write_tsv(os.path.join(out, "features.tsv"), tsv_images)
    arrow = write_arrow(os.path.join(out, "features.arrow"), os.path.join(out, "features_file.arrow"), rng)
    exp["features.arrow"] = arrow
    exp["features_file.arrow"] = arrow

    im = make_image(rng, "pixel", 36, 16)
    np.savez_compressed(os.path.join(out, "pixel.npz"), features=im["features"], boxes=im["boxes"],
                        img_h=np.int64(im["img_h"]), img_w=np.int64(im["img_w"]))
    exp["pixel.npz"] = [expected("pixel", im["img_h"], im["img_w"], im["features"],
                                 normalise(im["boxes"], im["img_h"], im["img_w"]))]

    im = make_image(rng, "norm", 7, 16)
    norm = normalise(im["boxes"], im["img_h"], im["img_w"])
    np.savez(os.path.join(out, "norm.npz"), features=im["features"].astype(np.float64), boxes=norm)
    exp["norm.npz"] = [expected("norm", 0, 0, im["features"].astype(np.float64).astype(np.float32), norm)]

    from safetensors.numpy import save_file
    im = make_image(rng, "single", 36, 2048)
    save_file({"features": im["features"], "boxes": im["boxes"],
               "img_h": np.array(im["img_h"], np.int64), "img_w": np.array([im["img_w"]], np.int64)},
              os.path.join(out, "single.safetensors"))
    exp["single.safetensors"] = [expected("single", im["img_h"], im["img_w"], im["features"],
                                          normalise(im["boxes"], im["img_h"], im["img_w"]))]

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1)


def read_tsv(path):
    """Decode a TSV as the original LXMERT's load_obj_tsv does and print it as JSON."""
    csv.field_size_limit(sys.maxsize)
    out = []
    with open(path) as f:
        for item in csv.DictReader(f, FIELDNAMES, delimiter="\t"):
            n = int(item["num_boxes"])
            rec = {"img_id": item["img_id"], "img_h": int(item["img_h"]), "img_w": int(item["img_w"]), "num_boxes": n}
            for key, shape, dtype in (("objects_id", (n,), np.int64), ("objects_conf", (n,), np.float32),
                                      ("attrs_id", (n,), np.int64), ("attrs_conf", (n,), np.float32),
                                      ("boxes", (n, 4), np.float32), ("features", (n, -1), np.float32)):
                a = np.frombuffer(base64.b64decode(item[key]), dtype=dtype).reshape(shape)
                rec[key] = a.reshape(-1).tolist()
            out.append(rec)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--read-tsv":
        read_tsv(sys.argv[2])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
