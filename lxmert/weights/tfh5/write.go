package tfh5

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// attrLimit is the largest attribute Keras stores in one piece (HDF5 object headers hold
// 64 KiB); longer weight_names lists are split into weight_names0, weight_names1, ….
const attrLimit = 64512

// KerasVersion is the keras_version attribute written files carry (tf-keras's, which HF's
// TF models use).
const KerasVersion = "2.17.0"

// Write writes an HF PyTorch state dict as the Keras weights file of the TF model with the
// given scope (tf_lxmert_model for TFLxmertModel, tf_lxmert_for_pre_training for
// TFLxmertForPreTraining): the layout of weights.ToTF with Keras's attributes (layer_names,
// backend, keras_version, and weight_names on every layer group), so that HF's
// TF from_pretrained loads it. The file is written beside path and renamed into place.
func Write(path string, sd *weights.StateDict, scope string) (err error) {
	ws, err := weights.ToTF(sd, scope)
	if err != nil {
		return fmt.Errorf("tfh5: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	w, err := binding.CreateH5(tmp)
	if err != nil {
		return fmt.Errorf("tfh5: %w", err)
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, path)
		}
		if err != nil {
			os.Remove(tmp)
			err = fmt.Errorf("tfh5: %w", err)
		}
	}()
	var layers []string
	names := map[string][]string{}
	for _, x := range ws {
		v, err := x.Tensor.Float32()
		if err != nil {
			return err
		}
		if err := w.WriteFloat32(x.Layer+"/"+x.Name, x.Tensor.Shape, v); err != nil {
			return err
		}
		if _, ok := names[x.Layer]; !ok {
			layers = append(layers, x.Layer)
		}
		names[x.Layer] = append(names[x.Layer], x.Name)
	}
	errs := []error{w.SetStrings("/", "layer_names", layers), w.SetString("/", "backend", "tensorflow"),
		w.SetString("/", "keras_version", KerasVersion)}
	for _, l := range layers {
		errs = append(errs, setChunked(w, l, "weight_names", names[l]))
	}
	return errors.Join(errs...)
}

// setChunked stores a string list as Keras does: in one attribute, or split into numbered
// ones when the fixed-length array would exceed attrLimit.
func setChunked(w *binding.H5Writer, obj, attr string, values []string) error {
	width := 1
	for _, v := range values {
		width = max(width, len(v))
	}
	per := max(1, attrLimit/width)
	if len(values) <= per {
		return w.SetStrings(obj, attr, values)
	}
	for i := 0; len(values) > 0; i++ {
		n := min(per, len(values))
		if err := w.SetStrings(obj, fmt.Sprintf("%s%d", attr, i), values[:n]); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}
