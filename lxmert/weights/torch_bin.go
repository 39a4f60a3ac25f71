package weights

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// ReadTorchBin reads a checkpoint written by torch.save: the zip archive of
// torch >= 1.6 (pytorch_model.bin, .pth) or the legacy pre-1.6 stream (the
// format of the original LXMERT checkpoints). The saved object must be a dict
// or OrderedDict of tensors, or hold one under "state_dict" or "model".
// Views are honoured (size, stride, storage offset) and returned contiguous.
// Only allow-listed pickle globals are accepted; see the package comment.
func ReadTorchBin(path string) (*StateDict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	var sd *StateDict
	switch {
	case n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")):
		sd, err = readTorchZip(f, info.Size())
	case n >= 1 && magic[0] == 0x80: // pickle PROTO opcode
		// The legacy stream is read whole; storages slice that one buffer.
		data := make([]byte, info.Size())
		var got int
		if got, err = f.ReadAt(data, 0); got == len(data) {
			sd, err = readTorchLegacy(data)
		}
	default:
		err = fmt.Errorf("neither a torch zip archive nor a legacy torch.save stream (first bytes % x)", magic[:n])
	}
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", path, err)
	}
	return sd, nil
}
