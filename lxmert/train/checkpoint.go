package train

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// state is where a run stands: enough, with the model and optimizer, to resume exactly.
type state struct {
	Step  int    `json:"global_step"` // optimizer steps done
	Epoch int    `json:"epoch"`       // current epoch (0-based)
	Micro int    `json:"micro"`       // next micro-batch of the epoch
	Seed  uint64 `json:"seed"`
	Total int    `json:"total_steps"`
	// What fixes the batches: a resumed run must have the same.
	BatchSize int    `json:"batch_size"`
	GradAccum int    `json:"grad_accum"`
	Examples  int    `json:"examples"`
	RNGState  []byte `json:"rng_state"` // LibTorch's generator (dropout), base64 in JSON
	// RNGStates are every rank's generators, by rank, when a data-parallel job saved it.
	RNGStates [][]byte `json:"rng_states,omitempty"`
}

const (
	checkpointPrefix = "checkpoint-"
	optimizerFile    = "optimizer.safetensors"
	stateFile        = "trainer_state.json"
	keepCheckpoints  = 2 // older ones are removed: each holds a full model and optimizer
)

// saveCheckpoint writes out/checkpoint-STEP atomically: into a temporary folder, then renamed.
func saveCheckpoint(out string, m *lxmert.LxmertForQuestionAnswering, opt *AdamW, st state) error {
	rng, err := binding.RNGState()
	if err != nil {
		return err
	}
	st.RNGState = rng
	final := filepath.Join(out, checkpointPrefix+strconv.Itoa(st.Step))
	tmp, err := os.MkdirTemp(out, ".tmp-"+checkpointPrefix)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := m.SavePretrained(tmp); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	sd, meta, err := opt.StateDict()
	if err != nil {
		return err
	}
	if err := weights.WriteSafetensors(filepath.Join(tmp, optimizerFile), sd, meta); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, stateFile), raw, 0o644); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if err := os.RemoveAll(final); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	steps, _ := checkpoints(out)
	for i := 0; i+keepCheckpoints < len(steps); i++ {
		os.RemoveAll(filepath.Join(out, checkpointPrefix+strconv.Itoa(steps[i])))
	}
	return nil
}

// checkpoints lists the complete checkpoints' steps in out, ascending.
func checkpoints(out string) ([]int, error) {
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, err
	}
	var steps []int
	for _, e := range entries {
		if n, ok := strings.CutPrefix(e.Name(), checkpointPrefix); ok && e.IsDir() {
			if step, err := strconv.Atoi(n); err == nil {
				steps = append(steps, step)
			}
		}
	}
	sort.Ints(steps)
	return steps, nil
}

// newestCheckpoint returns the newest checkpoint folder of out and its state.
func newestCheckpoint(out string) (state, string, error) {
	var st state
	steps, err := checkpoints(out)
	if err != nil || len(steps) == 0 {
		return st, "", fmt.Errorf("train: --resume: no checkpoint in %s", out)
	}
	dir := filepath.Join(out, checkpointPrefix+strconv.Itoa(steps[len(steps)-1]))
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return st, "", fmt.Errorf("train: --resume: %w", err)
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, "", fmt.Errorf("train: --resume: %s: %v", filepath.Join(dir, stateFile), err)
	}
	return st, dir, nil
}

// restoreCheckpoint loads model, optimizer and generator state from dir (whose state is st).
func restoreCheckpoint(dir string, st state, m *lxmert.LxmertForQuestionAnswering, opt *AdamW) error {
	c, err := lxmert.LoadConfig(dir)
	if err != nil {
		return fmt.Errorf("train: --resume: %w", err)
	}
	if !maps.Equal(c.ID2Label, m.Config.ID2Label) {
		return fmt.Errorf("train: --resume: %s was trained on another answer set (%d answers) than this run's (%d answers): give the same --answers", dir, len(c.ID2Label), len(m.Config.ID2Label))
	}
	sd, err := lxmert.ReadCheckpoint(dir)
	if err != nil {
		return err
	}
	if err := m.LoadStateDict(sd); err != nil {
		return fmt.Errorf("train: --resume: %s: %w", dir, err)
	}
	osd, meta, err := weights.ReadSafetensors(filepath.Join(dir, optimizerFile))
	if err != nil {
		return fmt.Errorf("train: --resume: %w", err)
	}
	if err := opt.LoadStateDict(osd, meta); err != nil {
		return err
	}
	if err := binding.SetRNGState(st.RNGState); err != nil {
		return fmt.Errorf("train: --resume: generator state: %w", err)
	}
	return nil
}
