package features

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// indexMagic starts an index cache file; bump the digit when the layout changes.
const indexMagic = "LXFTIDX1"

// maxIndexFile bounds the cache file read back (about 40 bytes per image).
const maxIndexFile = 1 << 30

// encodeIndex lays out the index for the data file's size and modification time:
// magic, size, mtime, count, then per entry uvarints (id length, id, offset, length,
// line), then a CRC-32 of everything before it.
func encodeIndex(x *tsvIndex, size, mtime int64) []byte {
	b := []byte(indexMagic)
	b = binary.LittleEndian.AppendUint64(b, uint64(size))
	b = binary.LittleEndian.AppendUint64(b, uint64(mtime))
	b = binary.AppendUvarint(b, uint64(len(x.entries)))
	for _, e := range x.entries {
		b = binary.AppendUvarint(b, uint64(len(e.id)))
		b = append(b, e.id...)
		b = binary.AppendUvarint(b, uint64(e.offset))
		b = binary.AppendUvarint(b, uint64(e.length))
		b = binary.AppendUvarint(b, uint64(e.line))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// errStaleIndex reports a cache that belongs to another version of the data file.
var errStaleIndex = errors.New("index is stale")

// decodeIndex parses a cache file, checking that it belongs to a data file of this size
// and mtime and that its entries are ordered, non-overlapping and inside the file.
func decodeIndex(b []byte, size, mtime int64, path string) (*tsvIndex, error) {
	if len(b) < len(indexMagic)+20 || string(b[:len(indexMagic)]) != indexMagic {
		return nil, errors.New("not an index file")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errors.New("checksum mismatch")
	}
	r := bytes.NewReader(body[len(indexMagic):])
	var hdr [2]uint64
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, err
	}
	if int64(hdr[0]) != size || int64(hdr[1]) != mtime {
		return nil, errStaleIndex
	}
	count, err := binary.ReadUvarint(r)
	if err != nil || count > uint64(r.Len()) {
		return nil, fmt.Errorf("bad entry count %d", count)
	}
	x := &tsvIndex{byID: make(map[string]int, count), entries: make([]tsvEntry, 0, count)}
	var end int64
	for i := uint64(0); i < count; i++ {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > maxTSVID || n > uint64(r.Len()) {
			return nil, fmt.Errorf("entry %d: bad id length", i)
		}
		id := make([]byte, n)
		r.Read(id)
		var v [3]uint64
		for j := range v {
			if v[j], err = binary.ReadUvarint(r); err != nil {
				return nil, fmt.Errorf("entry %d: %w", i, err)
			}
		}
		e := tsvEntry{id: string(id), offset: int64(v[0]), length: int64(v[1]), line: int(v[2])}
		if v[0] > uint64(size) || v[1] > maxTSVLine || e.offset < end || e.offset+e.length > size {
			return nil, fmt.Errorf("entry %d: range [%d, +%d) out of order or outside the file", i, v[0], v[1])
		}
		end = e.offset + e.length
		if err := x.add(e, path); err != nil {
			return nil, err
		}
	}
	if r.Len() != 0 {
		return nil, errors.New("trailing bytes")
	}
	return x, nil
}

// loadIndex reads the cache at idxPath, returning nil when it is missing, stale or bad.
func loadIndex(idxPath string, size, mtime int64, path string) *tsvIndex {
	st, err := os.Stat(idxPath)
	if err != nil || st.Size() > maxIndexFile {
		return nil
	}
	b, err := os.ReadFile(idxPath)
	if err != nil {
		return nil
	}
	x, err := decodeIndex(b, size, mtime, path)
	if err != nil {
		return nil
	}
	return x
}

// saveIndex writes the cache atomically (temp file + rename). Failure is not an error for
// the caller: an unwritable folder just means the index lives in memory only.
func saveIndex(idxPath string, x *tsvIndex, size, mtime int64) error {
	return atomicfile.WriteBytes(idxPath, encodeIndex(x, size, mtime))
}
