package weights

import (
	"fmt"
	"sort"
)

// buildTensors validates each entry against the data section and returns the
// tensors ordered by their offset in the file.
func buildTensors(entries map[string]headerEntry, body []byte) ([]*Tensor, error) {
	type span struct {
		t          *Tensor
		begin, end int64
	}
	spans := make([]span, 0, len(entries))
	for name, e := range entries {
		if e.DType == nil || e.Shape == nil || e.DataOffsets == nil {
			return nil, fmt.Errorf("tensor %q: header entry needs dtype, shape and data_offsets", name)
		}
		dt, err := ParseDType(*e.DType)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: unknown dtype %q", name, *e.DType)
		}
		off := *e.DataOffsets
		if len(off) != 2 {
			return nil, fmt.Errorf("tensor %q: data_offsets has %d values, want 2", name, len(off))
		}
		begin, end := off[0], off[1]
		if begin < 0 || end < begin || end > int64(len(body)) {
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] outside the %d-byte data section",
				name, begin, end, len(body))
		}
		t, err := New(name, dt, *e.Shape, body[begin:end:end])
		if err != nil {
			return nil, err
		}
		spans = append(spans, span{t, begin, end})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		if spans[i].end != spans[j].end {
			return spans[i].end < spans[j].end
		}
		return spans[i].t.Name < spans[j].t.Name
	})
	out := make([]*Tensor, len(spans))
	var prevEnd int64
	prevName := ""
	for i, s := range spans {
		if s.begin < prevEnd {
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q ending at %d",
				s.t.Name, s.begin, s.end, prevName, prevEnd)
		}
		if s.end > prevEnd || prevName == "" {
			prevEnd, prevName = s.end, s.t.Name
		}
		out[i] = s.t
	}
	return out, nil
}
