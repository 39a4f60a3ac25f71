package weights_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// Write a state dict to safetensors and read it back.
func Example() {
	dir, _ := os.MkdirTemp("", "weights-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	sd := weights.NewStateDict()
	w, _ := weights.FromFloat32("lxmert.pooler.dense.bias", []int64{2}, []float32{0.5, -1})
	sd.Set(w)
	if err := weights.WriteSafetensors(path, sd, map[string]string{"format": "pt"}); err != nil {
		fmt.Println(err)
		return
	}
	back, meta, err := weights.ReadSafetensors(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := back.Get("lxmert.pooler.dense.bias")
	v, _ := t.Float32()
	fmt.Println(meta["format"], t.DType, t.Shape, v)
	// Output: pt F32 [2] [0.5 -1]
}

// Original LXMERT checkpoints use other key roots; map them before a strict check.
func ExampleMapOriginalKeys() {
	sd := weights.NewStateDict()
	for _, name := range []string{"module.bert.pooler.dense.bias", "logit_fc.3.bias"} {
		t, _ := weights.FromFloat32(name, []int64{2}, []float32{0, 0})
		sd.Set(t)
	}
	mapped, _ := weights.MapOriginalKeys(sd)
	fmt.Println(mapped.Names)
	err := weights.CheckKeys(mapped, map[string][]int64{
		"lxmert.pooler.dense.bias":    {2},
		"answer_head.logit_fc.3.bias": {3},
		"lxmert.pooler.dense.weight":  {2, 2},
	}, nil)
	fmt.Println(err)
	// Output:
	// [lxmert.pooler.dense.bias answer_head.logit_fc.3.bias]
	// weights: state dict does not match the model: 1 missing, 0 unexpected, 1 shape mismatches
	//   missing: lxmert.pooler.dense.weight
	//   shape mismatch: answer_head.logit_fc.3.bias: expected [3], got [2]
}
