package lxmert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// configAlias has LxmertConfig's fields without its methods, so that (un)marshalling it does
// not recurse into the custom methods below.
type configAlias LxmertConfig

// UnmarshalJSON reads config.json over the current values (start from DefaultConfig, as HF
// does for missing keys) and keeps unknown keys in Extra.
func (c *LxmertConfig) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*configAlias)(c)); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	known, err := knownKeys()
	if err != nil {
		return err
	}
	c.Extra = nil
	for k, v := range all {
		if !known[k] {
			if c.Extra == nil {
				c.Extra = map[string]json.RawMessage{}
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, v); err != nil {
				return err
			}
			c.Extra[k] = buf.Bytes()
		}
	}
	return nil
}

// MarshalJSON writes the known fields and the kept unknown keys, sorted by key as HF does.
func (c LxmertConfig) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(configAlias(c))
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	for k, v := range c.Extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	// HF derives num_hidden_layers from the layer counts; keep it in step with them.
	layers, err := json.Marshal(map[string]int{"vision": c.RLayers, "cross_encoder": c.XLayers, "language": c.LLayers})
	if err != nil {
		return nil, err
	}
	all["num_hidden_layers"] = layers
	if _, ok := all["model_type"]; !ok {
		all["model_type"] = json.RawMessage(`"lxmert"`)
	}
	return json.Marshal(all)
}

func knownKeys() (map[string]bool, error) {
	raw, err := json.Marshal(configAlias{Architectures: []string{""}, ID2Label: map[string]string{"": ""}, Label2ID: map[string]int{"": 0}})
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys, nil
}

// LoadConfig reads a config.json file (or the config.json inside a folder), fills missing keys
// with HF's defaults and validates the result.
func LoadConfig(path string) (*LxmertConfig, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "config.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lxmert config: %w", err)
	}
	c := DefaultConfig()
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("lxmert config: %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return c, nil
}

// Save writes the configuration as indented JSON through a temporary file and a rename.
func (c *LxmertConfig) Save(path string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("lxmert config: %w", err)
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}
