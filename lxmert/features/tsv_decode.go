package features

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// maxImageSide bounds img_h and img_w, which only scale boxes, to catch garbage.
const maxImageSide = 1 << 20

// tsvFieldCount is the number of tab-separated fields of a line.
var tsvFieldCount = len(TSVFieldNames)

// decodeTSVLine decodes one TSV line (its line ending may be present) into an Image with
// normalised boxes. It returns the img_id as soon as it is known so that callers can name
// it in errors, which start with the offending field. scratch, if not nil, is a reusable
// buffer for base64 decoding.
func decodeTSVLine(line []byte, scratch *[]byte) (img *Image, id string, err error) {
	if scratch == nil {
		scratch = new([]byte)
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	f := bytes.SplitN(line, []byte{'\t'}, tsvFieldCount+1) // a line of tabs cannot allocate more
	if tab := bytes.IndexByte(line, '\t'); tab >= 0 {
		id = string(line[:tab])
	}
	if len(f) > tsvFieldCount {
		return nil, id, fmt.Errorf("has more than %d tab-separated fields (%v)", tsvFieldCount, TSVFieldNames)
	}
	if len(f) < tsvFieldCount {
		return nil, id, fmt.Errorf("has %d tab-separated fields, want %d (%v)", len(f), tsvFieldCount, TSVFieldNames)
	}
	if err := checkTSVID(id); err != nil {
		return nil, id, err
	}
	img = &Image{ID: id}
	if img.Height, err = parseCount("img_h", f[1], 1, maxImageSide); err != nil {
		return nil, id, err
	}
	if img.Width, err = parseCount("img_w", f[2], 1, maxImageSide); err != nil {
		return nil, id, err
	}
	if img.NumBoxes, err = parseCount("num_boxes", f[7], 1, MaxBoxes); err != nil {
		return nil, id, err
	}
	n := img.NumBoxes
	buf := *scratch
	defer func() { *scratch = buf }()
	if img.ObjectIDs, buf, err = decodeInt64s("objects_id", f[3], n, buf); err != nil {
		return nil, id, err
	}
	if img.AttrIDs, buf, err = decodeInt64s("attrs_id", f[5], n, buf); err != nil {
		return nil, id, err
	}
	for _, a := range []struct {
		name  string
		field []byte
		per   int // values per box; 0: any dimension, the same for every box
		dst   *[]float32
	}{
		{"objects_conf", f[4], 1, &img.ObjectConf},
		{"attrs_conf", f[6], 1, &img.AttrConf},
		{"boxes", f[8], 4, &img.Boxes},
		{"features", f[9], 0, &img.Features},
	} {
		if *a.dst, buf, err = decodeFloat32s(a.name, a.field, n, a.per, buf); err != nil {
			return nil, id, err
		}
	}
	img.FeatDim = len(img.Features) / n
	if err := checkPixelBoxes(img.Boxes, img.Width, img.Height); err != nil {
		return nil, id, err
	}
	normaliseBoxes(img.Boxes, img.Width, img.Height)
	return img, id, nil
}

// checkTSVID refuses ids a TSV line cannot carry: empty, or with control characters
// (tabs and line ends would break the line; the others are never real ids).
func checkTSVID(id string) error {
	if id == "" {
		return fmt.Errorf("img_id: empty")
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] == 0x7f {
			return fmt.Errorf("img_id: %q contains control character %#02x", id, id[i])
		}
	}
	return nil
}

// parseCount parses a decimal integer field and checks it lies in [lo, hi].
func parseCount(name string, b []byte, lo, hi int) (int, error) {
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a decimal integer", name, truncate(b))
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s: %d outside [%d, %d]", name, v, lo, hi)
	}
	return v, nil
}

// decodeBase64 decodes field into scratch, growing it as needed.
func decodeBase64(name string, field []byte, scratch []byte) ([]byte, error) {
	n := base64.StdEncoding.DecodedLen(len(field))
	if cap(scratch) < n {
		scratch = make([]byte, n)
	}
	got, err := base64.StdEncoding.Decode(scratch[:n], field)
	if err != nil {
		return scratch, fmt.Errorf("%s: base64: %v", name, err)
	}
	return scratch[:got], nil
}

// decodeInt64s decodes a base64 field of n little-endian int64s.
func decodeInt64s(name string, field []byte, n int, scratch []byte) ([]int64, []byte, error) {
	raw, err := decodeBase64(name, field, scratch)
	if err != nil {
		return nil, raw, err
	}
	if len(raw) != 8*n {
		return nil, raw, fmt.Errorf("%s: %d bytes, want num_boxes*8 = %d (%d int64)", name, len(raw), 8*n, n)
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out, raw, nil
}

// decodeFloat32s decodes a base64 field of little-endian float32s: n*per of them, or for
// per == 0 n rows of one dimension in [1, MaxFeatDim]. Every value must be finite.
func decodeFloat32s(name string, field []byte, n, per int, scratch []byte) ([]float32, []byte, error) {
	raw, err := decodeBase64(name, field, scratch)
	if err != nil {
		return nil, raw, err
	}
	if per == 0 {
		if len(raw) == 0 || len(raw)%(4*n) != 0 {
			return nil, raw, fmt.Errorf("%s: %d bytes is not a positive multiple of num_boxes*4 = %d (float32 rows of one dimension)", name, len(raw), 4*n)
		}
		if dim := len(raw) / (4 * n); dim > MaxFeatDim {
			return nil, raw, fmt.Errorf("%s: dimension %d exceeds the limit %d", name, dim, MaxFeatDim)
		}
	} else if len(raw) != 4*n*per {
		return nil, raw, fmt.Errorf("%s: %d bytes, want num_boxes*%d*4 = %d (%d float32)", name, len(raw), per, 4*n*per, n*per)
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	if i := firstNonFinite(out); i >= 0 {
		return nil, raw, fmt.Errorf("%s: value %d (box %d) is %v, not finite", name, i, i/(len(out)/n), out[i])
	}
	return out, raw, nil
}

// truncate shortens b for an error message.
func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
