package weights

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ShardIndexName is the file that lists which shard holds each tensor of a
// sharded safetensors checkpoint.
const ShardIndexName = "model.safetensors.index.json"

// shardIndex is the part of the index file we use.
type shardIndex struct {
	WeightMap map[string]string `json:"weight_map"`
}

// ReadShardedSafetensors reads the checkpoint in dir described by
// model.safetensors.index.json. Every tensor named in weight_map must be in
// the shard it names, every tensor of a shard must be listed for that shard,
// and shard names must be plain file names inside dir. Tensors come in shard
// order (shard names sorted), then file order.
func ReadShardedSafetensors(dir string) (*StateDict, error) {
	indexPath := filepath.Join(dir, ShardIndexName)
	raw, err := os.ReadFile(indexPath)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	var idx shardIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("weights: %s: %w", indexPath, err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("weights: %s: weight_map is missing or empty", indexPath)
	}
	byShard := map[string][]string{}
	for name, shard := range idx.WeightMap {
		if shard == "" || shard != filepath.Base(shard) || strings.ContainsAny(shard, `/\`) || shard == ".." {
			return nil, fmt.Errorf("weights: %s: tensor %q: shard %q is not a plain file name", indexPath, name, shard)
		}
		byShard[shard] = append(byShard[shard], name)
	}
	shards := make([]string, 0, len(byShard))
	for s := range byShard {
		shards = append(shards, s)
	}
	sort.Strings(shards)
	out := NewStateDict()
	for _, shard := range shards {
		path := filepath.Join(dir, shard)
		sd, _, err := ReadSafetensors(path)
		if err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, n := range byShard[shard] {
			want[n] = true
			if _, ok := sd.Get(n); !ok {
				return nil, fmt.Errorf("weights: %s lists tensor %q in %s, which does not contain it", indexPath, n, path)
			}
		}
		for _, t := range sd.Tensors() {
			if !want[t.Name] {
				return nil, fmt.Errorf("weights: %s: tensor %q is not listed for this shard in %s", path, t.Name, indexPath)
			}
			if err := out.add(t); err != nil {
				return nil, fmt.Errorf("weights: %s: %w", path, err)
			}
		}
	}
	return out, nil
}
