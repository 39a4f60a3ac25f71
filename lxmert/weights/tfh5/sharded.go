package tfh5

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// IndexFile is the index of HF's sharded TF checkpoints.
const IndexFile = "tf_model.h5.index.json"

// ReadSharded reads HF's sharded TF checkpoint: the index (weight_map: variable name with
// its model scope → shard file in the same folder) and every shard, whose datasets are the
// variables without the scope. Strict: every dataset must be in the index under its shard and
// every indexed variable in its shard; shard names must be plain file names.
func ReadSharded(index string) (*Checkpoint, error) {
	c, err := readSharded(index)
	if err != nil {
		return nil, fmt.Errorf("tfh5: %s: %w", index, err)
	}
	return c, nil
}

func readSharded(index string) (*Checkpoint, error) {
	raw, err := os.ReadFile(index)
	if err != nil {
		return nil, err
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("not a checkpoint index: %w", err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("weight_map is empty")
	}
	scope := ""
	want := map[string]string{} // dataset (unscoped name) → shard
	for name, shard := range idx.WeightMap {
		s, rest, ok := strings.Cut(name, "/")
		if !ok || (scope != "" && s != scope) {
			return nil, fmt.Errorf("weight %q is not under the model scope %q", name, scope)
		}
		if shard == "" || shard != filepath.Base(shard) || shard == "." || shard == ".." {
			return nil, fmt.Errorf("weight %q: shard %q is not a file name in the index's folder", name, shard)
		}
		scope, want[rest] = s, shard
	}
	shards := map[string]bool{}
	for _, s := range want {
		shards[s] = true
	}
	names := make([]string, 0, len(shards))
	for s := range shards {
		names = append(names, s)
	}
	sort.Strings(names)
	all := weights.NewStateDict()
	where := map[string]string{}
	for _, shard := range names {
		sd, _, err := readFile(filepath.Join(filepath.Dir(index), shard))
		if err != nil {
			return nil, err
		}
		for name, t := range sd.All() {
			if want[name] != shard {
				return nil, fmt.Errorf("shard %s: dataset %s is not in the index under this shard", shard, name)
			}
			all.Set(t)
			where[name] = shard
		}
	}
	for name, shard := range want {
		if where[name] == "" {
			return nil, fmt.Errorf("the index puts %s/%s in %s, which has no such dataset", scope, name, shard)
		}
	}
	sd, source, err := weights.FromTFWeights(all)
	if err != nil {
		return nil, err
	}
	for pt, name := range source {
		source[pt] = where[name] + ": " + name
	}
	return &Checkpoint{Path: index, StateDict: sd, Dataset: source, Scope: scope, Unscoped: true}, nil
}
