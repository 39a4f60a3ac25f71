package features

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// npyArray is one decoded .npy array: values as float64 (exact for f4, i4 and integers
// up to 2^53) with its shape.
type npyArray struct {
	shape []int
	vals  []float64
}

// npyItemSize gives the element size of the little-endian dtypes we read.
var npyItemSize = map[string]int{"<f4": 4, "<f8": 8, "<i4": 4, "<i8": 8}

// maxNPYElements bounds an array's element count before reading it.
const maxNPYElements = MaxBoxes * MaxFeatDim

// readNPY parses a .npy stream: magic, version, header dict ('descr', 'fortran_order',
// 'shape'), then C-order little-endian data. It reads no more data than the header
// promises and grows its buffer only as bytes arrive (a lying header cannot make it
// allocate gigabytes up front).
func readNPY(r io.Reader) (*npyArray, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: reading magic: %w", err)
	}
	if !bytes.Equal(pre[:6], []byte("\x93NUMPY")) {
		return nil, fmt.Errorf("npy: bad magic %q, want \"\\x93NUMPY\"", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		if n := binary.LittleEndian.Uint32(b[:]); n > 1<<20 {
			return nil, fmt.Errorf("npy: header length %d exceeds 1 MiB", n)
		} else {
			hlen = int(n)
		}
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("npy: reading %d-byte header: %w", hlen, err)
	}
	h, err := parseNPYHeader(string(header))
	if err != nil {
		return nil, fmt.Errorf("npy: header %q: %w", truncate(header), err)
	}
	size, ok := npyItemSize[h.descr]
	switch {
	case h.fortran:
		return nil, fmt.Errorf("npy: fortran_order True is not supported: save a C-order array (numpy.ascontiguousarray)")
	case !ok && len(h.descr) > 0 && h.descr[0] == '>':
		return nil, fmt.Errorf("npy: big-endian dtype %q is not supported: convert with .astype('<%s')", h.descr, h.descr[1:])
	case !ok:
		return nil, fmt.Errorf("npy: dtype %q is not supported (want <f4, <f8, <i4 or <i8)", h.descr)
	}
	count := 1
	for _, d := range h.shape {
		if d < 0 || (d > 0 && count > maxNPYElements/d) {
			return nil, fmt.Errorf("npy: shape %v has more than %d elements", h.shape, maxNPYElements)
		}
		count *= d
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(count*size)))
	if err != nil {
		return nil, fmt.Errorf("npy: reading data: %w", err)
	}
	if len(data) != count*size {
		return nil, fmt.Errorf("npy: data is %d bytes, shape %v of %s needs %d (truncated file?)", len(data), h.shape, h.descr, count*size)
	}
	return &npyArray{shape: h.shape, vals: npyValues(h.descr, data, count)}, nil
}

// npyValues converts little-endian raw data of a supported dtype to float64.
func npyValues(descr string, data []byte, count int) []float64 {
	out := make([]float64, count)
	le := binary.LittleEndian
	for i := range out {
		switch descr {
		case "<f4":
			out[i] = float64(math.Float32frombits(le.Uint32(data[4*i:])))
		case "<f8":
			out[i] = math.Float64frombits(le.Uint64(data[8*i:]))
		case "<i4":
			out[i] = float64(int32(le.Uint32(data[4*i:])))
		case "<i8":
			out[i] = float64(int64(le.Uint64(data[8*i:])))
		}
	}
	return out
}
