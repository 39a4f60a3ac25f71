package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// companions are the files of a model folder that a conversion copies unchanged.
var companions = []string{"config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
	"special_tokens_map.json", "trainval_label2ans.json", "trainval_ans2label.json"}

// runConvert is `lxmert convert`: rewrite a model folder's weights as model.safetensors,
// optionally in float16 (half the size; loading converts back to float32).
func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert")
	from := fs.String("from", "", "model folder to read (model.safetensors, sharded safetensors or pytorch_model.bin) (required)")
	to := fs.String("to", "", "folder to write (required; created)")
	dtype := fs.String("dtype", "float32", "weights type to write: float32 or float16")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--from", *from, "--to", *to); err != nil {
		return err
	}
	if *dtype != "float32" && *dtype != "float16" {
		return usagef("--dtype %q is not float32 or float16", *dtype)
	}
	if _, err := lxmert.LoadConfig(*from); err != nil {
		return err
	}
	sd, err := lxmert.ReadCheckpoint(*from)
	if err != nil {
		return err
	}
	out := weights.NewStateDict()
	for name, t := range sd.All() {
		c := t
		if *dtype == "float16" && (t.DType == weights.F32 || t.DType == weights.F64 || t.DType == weights.BF16) {
			if c, err = t.ToFloat16(); err != nil {
				return err
			}
		} else if *dtype == "float32" && t.DType != weights.F32 {
			v, err := t.Float32()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if c, err = weights.FromFloat32(name, t.Shape, v); err != nil {
				return err
			}
		}
		out.Set(c)
	}
	if err := os.MkdirAll(*to, 0o755); err != nil {
		return err
	}
	if err := weights.WriteSafetensors(filepath.Join(*to, "model.safetensors"), out, map[string]string{"format": "pt"}); err != nil {
		return err
	}
	for _, f := range companions {
		data, err := os.ReadFile(filepath.Join(*from, f))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*to, f), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %d tensors (%s) to %s\n", out.Len(), *dtype, *to)
	return nil
}
