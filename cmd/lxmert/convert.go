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
// optionally in float16 (half the size; loading converts back to float32), or as the
// tf_model.h5 of HF's TensorFlow model (--format tf). A TF folder (tf_model.h5) converts to
// the HF PyTorch folder of the same model: config.json then names the PyTorch class.
func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert")
	from := fs.String("from", "", "model folder to read (model.safetensors, sharded safetensors, pytorch_model.bin or tf_model.h5) (required)")
	to := fs.String("to", "", "folder to write (required; created)")
	dtype := fs.String("dtype", "float32", "weights type to write: float32 or float16 (safetensors only)")
	format := fs.String("format", "safetensors", "what to write: safetensors (HF PyTorch) or tf (tf_model.h5 for HF's TFLxmertModel / TFLxmertForPreTraining)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--from", *from, "--to", *to); err != nil {
		return err
	}
	if *dtype != "float32" && *dtype != "float16" {
		return usagef("--dtype %q is not float32 or float16", *dtype)
	}
	if *format != "safetensors" && *format != "tf" {
		return usagef("--format %q is not safetensors or tf", *format)
	}
	if *format == "tf" && *dtype != "float32" {
		return usagef("--format tf writes float32 only")
	}
	cfg, err := lxmert.LoadConfig(*from)
	if err != nil {
		return err
	}
	sd, err := lxmert.ReadCheckpoint(*from)
	if err != nil {
		return err
	}
	if *format == "tf" {
		return convertToTF(*from, *to, cfg.Architecture(), sd, stdout)
	}
	arch, sd := ptArchitecture(cfg.Architecture(), sd)
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
	if err := copyCompanions(*from, *to, arch); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d tensors (%s) to %s\n", out.Len(), *dtype, *to)
	return nil
}

// copyCompanions copies the folder's other files; config.json names arch when it differs.
func copyCompanions(from, to, arch string) error {
	for _, f := range companions {
		data, err := os.ReadFile(filepath.Join(from, f))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if f == "config.json" {
			if data, err = withArchitecture(data, arch); err != nil {
				return fmt.Errorf("%s: %w", filepath.Join(from, f), err)
			}
		}
		if err := os.WriteFile(filepath.Join(to, f), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
