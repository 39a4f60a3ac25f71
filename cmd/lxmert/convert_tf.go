package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// tfScopes are the Keras model scopes of HF's TF classes, by the PyTorch class they mirror.
var tfScopes = map[string]struct{ arch, scope string }{
	lxmert.ArchModel:    {lxmert.ArchTFModel, "tf_lxmert_model"},
	lxmert.ArchPreTrain: {lxmert.ArchTFPreTrain, "tf_lxmert_for_pre_training"},
}

// ptArchitecture names the PyTorch class of a TF architecture (others are kept) and gives a
// bare model's weights the names LxmertModel.save_pretrained uses: a TFLxmertModel checkpoint
// keeps every weight under its "lxmert" layer, PyTorch's bare model has no such prefix.
func ptArchitecture(arch string, sd *weights.StateDict) (string, *weights.StateDict) {
	switch arch {
	case lxmert.ArchTFPreTrain:
		return lxmert.ArchPreTrain, sd
	case lxmert.ArchTFModel:
		arch = lxmert.ArchModel
	}
	if arch != "" && arch != lxmert.ArchModel {
		return arch, sd
	}
	for _, name := range sd.Names {
		if !strings.HasPrefix(name, "lxmert.") {
			return arch, sd // a PyTorch bare model's names, or a head checkpoint
		}
	}
	out := weights.NewStateDict()
	for name, t := range sd.All() {
		c := *t
		c.Name = strings.TrimPrefix(name, "lxmert.")
		out.Set(&c)
	}
	return arch, out
}

// convertToTF writes tf_model.h5 (HF TF's Keras layout) and the companions, config.json
// naming the TF class.
func convertToTF(from, to, arch string, sd *weights.StateDict, stdout io.Writer) error {
	pt := strings.TrimPrefix(arch, "TF")
	if pt == "" {
		pt = lxmert.ArchModel
	}
	tf, ok := tfScopes[pt]
	if !ok {
		return fmt.Errorf("%s: architecture %q has no HF TensorFlow class (HF has TFLxmertModel and TFLxmertForPreTraining)", from, arch)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	if err := tfh5.Write(filepath.Join(to, lxmert.TFModelFile), sd, tf.scope); err != nil {
		return err
	}
	if err := copyCompanions(from, to, tf.arch); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s) to %s\n", lxmert.TFModelFile, tf.arch, to)
	return nil
}

// withArchitecture returns config.json's bytes with architectures set to [arch]; unchanged
// when arch is empty or already the one named.
func withArchitecture(data []byte, arch string) ([]byte, error) {
	if arch == "" {
		return data, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	var old []string
	_ = json.Unmarshal(fields["architectures"], &old)
	if slices.Equal(old, []string{arch}) {
		return data, nil
	}
	fields["architectures"], _ = json.Marshal([]string{arch})
	out, err := json.MarshalIndent(fields, "", "  ")
	return append(out, '\n'), err
}
