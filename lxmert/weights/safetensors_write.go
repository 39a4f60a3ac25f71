package weights

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// WriteSafetensors writes sd to path in the safetensors format. It writes a
// temporary file in the same directory, syncs it and renames it over path, so
// path never holds a half-written file. metadata becomes the __metadata__
// entry (omitted when empty).
func WriteSafetensors(path string, sd *StateDict, metadata map[string]string) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return EncodeSafetensors(w, sd, metadata) }); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

// EncodeSafetensors writes sd in the safetensors format to w. The layout is
// the reference writer's: tensors ordered by dtype (widest first, in the
// reference's enum order) then by name, the JSON header escaped as serde_json
// does and padded with spaces to a multiple of 8 bytes, so the same tensors
// and at most one metadata entry give byte-identical files.
func EncodeSafetensors(w io.Writer, sd *StateDict, metadata map[string]string) error {
	tensors := sd.Tensors()
	for _, t := range tensors {
		if err := t.Validate(); err != nil {
			return err
		}
		if t.Name == metadataKey || !utf8.ValidString(t.Name) {
			return fmt.Errorf("tensor name %q cannot be stored in safetensors", t.Name)
		}
	}
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("metadata entry %q: %q is not valid UTF-8", k, v)
		}
	}
	sort.SliceStable(tensors, func(i, j int) bool {
		ri, rj := dtypeTable[tensors[i].DType].rank, dtypeTable[tensors[j].DType].rank
		if ri != rj {
			return ri > rj
		}
		return tensors[i].Name < tensors[j].Name
	})
	header := encodeHeader(tensors, metadata)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range tensors {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}
