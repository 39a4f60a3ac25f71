package train

import (
	"fmt"
	"io"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/train/dist"
)

// Options configure a run. Zero numeric fields take the original LXMERT VQA recipe's values
// (see Defaults); Model, Data, Features and Out are required.
type Options struct {
	Model    string // model folder: config.json, weights optional (random init without them)
	Data     string // training examples (JSON list or JSON lines)
	Features string // region features (any format features.Open reads)
	// EvalFeatures holds the evaluation images when they are in another file ("": Features).
	EvalFeatures string
	Out          string // output folder
	Eval         string // optional evaluation examples
	Answers      string // optional answer set (label2ans list or ans2label map)

	Epochs        int // default 4 (ignored when MaxSteps > 0)
	MaxSteps      int
	BatchSize     int // default 32
	GradAccum     int // micro-batches per optimizer step, default 1
	LR            float64
	WarmupRatio   float64 // default 0.1; set NoWarmup for none
	NoWarmup      bool
	WeightDecay   float64 // default 0.01; set NoWeightDecay for none
	NoWeightDecay bool
	AdamEps       float64 // default 1e-6
	MaxGradNorm   float64 // default 5.0; negative: no clipping
	MaxLength     int     // default 20
	Seed          uint64
	NoShuffle     bool
	Resume        bool
	SaveSteps     int // also checkpoint every SaveSteps optimizer steps (0: at each epoch end only)

	Log      io.Writer // progress and messages (nil: discard)
	Progress bool      // draw a progress bar on Log (a terminal) instead of log lines

	// Group makes this process one rank of a data-parallel job (nil, or a group of one: a
	// single process). Every rank runs Run with the same options; BatchSize is the global
	// batch and must divide evenly by the group's size. Only rank 0 touches Out.
	Group *dist.Group
}

// withDefaults fills zero fields with the recipe's values and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Model == "" || o.Data == "" || o.Features == "" || o.Out == "" {
		var missing []string
		for _, f := range []struct{ name, v string }{{"model", o.Model}, {"data", o.Data}, {"features", o.Features}, {"out", o.Out}} {
			if f.v == "" {
				missing = append(missing, "--"+f.name)
			}
		}
		return o, fmt.Errorf("train: missing %s", strings.Join(missing, ", "))
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defInt(&o.Epochs, 4)
	defInt(&o.BatchSize, 32)
	defInt(&o.GradAccum, 1)
	defInt(&o.MaxLength, 20)
	def(&o.LR, 5e-5)
	def(&o.AdamEps, 1e-6)
	def(&o.MaxGradNorm, 5.0)
	if !o.NoWarmup {
		def(&o.WarmupRatio, 0.1)
	} else {
		o.WarmupRatio = 0
	}
	if !o.NoWeightDecay {
		def(&o.WeightDecay, 0.01)
	} else {
		o.WeightDecay = 0
	}
	switch {
	case o.Epochs < 0 || o.MaxSteps < 0 || o.BatchSize < 0 || o.GradAccum < 0 || o.SaveSteps < 0:
		return o, fmt.Errorf("train: epochs, max steps, batch size, gradient accumulation and save steps must not be negative")
	case o.LR < 0 || o.WarmupRatio < 0 || o.WarmupRatio > 1 || o.WeightDecay < 0 || o.AdamEps <= 0:
		return o, fmt.Errorf("train: need lr >= 0, warm-up ratio in [0, 1], weight decay >= 0 and eps > 0")
	case o.MaxLength < 3:
		return o, fmt.Errorf("train: max length %d leaves no room for a question", o.MaxLength)
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o, nil
}
