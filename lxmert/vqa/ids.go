package vqa

import "encoding/json"

// ID reads a question or image id given as a JSON string or number (datasets use both); ""
// when raw is neither.
func ID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
