package lxmert

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/lxmert-go/golxmert/internal/allocbound"
)

// FuzzConfigJSON: any config.json either fails to parse or validate with an error, or
// survives a save-and-load round trip unchanged.
func FuzzConfigJSON(f *testing.F) {
	if seed, err := os.ReadFile(tinyCases + "tiny-qa/config.json"); err == nil {
		f.Add(seed)
	}
	f.Add([]byte(`{"hidden_size": 8, "num_attention_heads": 2, "extra": [1, 2]}`))
	f.Add([]byte(`{"hidden_act": "swish"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 256, func() {
			c := DefaultConfig()
			if err := json.Unmarshal(data, c); err != nil {
				return
			}
			if err := c.Validate(); err != nil {
				return
			}
			raw, err := json.Marshal(c)
			if err != nil {
				t.Fatalf("a valid config does not marshal: %v", err)
			}
			back := DefaultConfig()
			if err := json.Unmarshal(raw, back); err != nil {
				t.Fatalf("a saved config does not load: %v", err)
			}
			again, _ := json.Marshal(back)
			if string(again) != string(raw) {
				t.Fatalf("config changed in a round trip:\n%s\n%s", raw, again)
			}
		})
	})
}
