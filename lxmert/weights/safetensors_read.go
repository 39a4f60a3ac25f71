package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// maxHeaderSize bounds the JSON header, as the reference implementation does,
// so a corrupt length cannot make us allocate or scan gigabytes.
const maxHeaderSize = 100_000_000

// metadataKey is the reserved header entry holding free-form string metadata.
const metadataKey = "__metadata__"

// headerEntry is one tensor's description in the JSON header. Pointers tell
// a missing field from a zero one.
type headerEntry struct {
	DType       *string  `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// ReadSafetensors reads a .safetensors file into one buffer and returns its
// tensors (slicing that buffer, in file order) and its __metadata__ map
// (nil when the file has none).
func ReadSafetensors(path string) (*StateDict, map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	sd, meta, err := ParseSafetensors(data)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %s: %w", path, err)
	}
	return sd, meta, nil
}

// ParseSafetensors decodes a safetensors file held in memory. Tensor data
// slices data (no copy). Every structural property is checked: header length
// against the buffer, UTF-8 JSON, known dtypes, shape times item size equal to
// the byte range, ranges inside the data section and not overlapping.
func ParseSafetensors(data []byte) (*StateDict, map[string]string, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeaderSize {
		return nil, nil, fmt.Errorf("safetensors: not a safetensors file (its first 8 bytes read as a header length of %d, over the limit %d)", n, maxHeaderSize)
	}
	if n > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("safetensors: header length %d is larger than the %d bytes after the length field", n, len(data)-8)
	}
	header := data[8 : 8+n]
	body := data[8+n:]
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: header: %w", err)
	}
	tensors, err := buildTensors(entries, body)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	sd := NewStateDict()
	for _, t := range tensors {
		if err := sd.add(t); err != nil {
			return nil, nil, fmt.Errorf("safetensors: %w", err)
		}
	}
	return sd, meta, nil
}

// parseHeader splits the JSON object into tensor entries and metadata,
// refusing duplicate keys (encoding/json would silently keep the last one).
func parseHeader(header []byte) (map[string]headerEntry, map[string]string, error) {
	if !utf8.Valid(header) {
		return nil, nil, fmt.Errorf("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object (first token %v, error %v)", tok, err)
	}
	entries := map[string]headerEntry{}
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("invalid JSON: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return nil, nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if key == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("%s must map strings to strings: %w", metadataKey, err)
			}
			continue
		}
		var e headerEntry
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", key, err)
		}
		entries[key] = e
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("trailing data after the JSON object at byte %d", dec.InputOffset())
	}
	return entries, meta, nil
}
