package features

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// TSVFieldNames are the columns of the bottom-up-attention TSV that the original LXMERT
// reads, in order. The file has no header line.
var TSVFieldNames = []string{
	"img_id", "img_h", "img_w", "objects_id", "objects_conf",
	"attrs_id", "attrs_conf", "num_boxes", "boxes", "features",
}

// WriteTSV writes img as one line of the bottom-up-attention TSV. Boxes are converted from
// normalised to pixel coordinates (x by Width, y by Height); nil detector arrays are written
// as zeros of length NumBoxes. img must be consistent (see Image.Validate).
func WriteTSV(w io.Writer, img *Image) error {
	if err := img.Validate(); err != nil {
		return fmt.Errorf("features: WriteTSV: %w", err)
	}
	if img.Width <= 0 || img.Height <= 0 {
		return fmt.Errorf("features: WriteTSV: image %q: the TSV needs a positive size, have %dx%d (width x height)", img.ID, img.Width, img.Height)
	}
	if err := checkTSVID(img.ID); err != nil {
		return fmt.Errorf("features: WriteTSV: %w", err)
	}
	n := img.NumBoxes
	pixel := make([]float32, len(img.Boxes))
	for i := 0; i < n; i++ {
		pixel[4*i+0] = img.Boxes[4*i+0] * float32(img.Width)
		pixel[4*i+1] = img.Boxes[4*i+1] * float32(img.Height)
		pixel[4*i+2] = img.Boxes[4*i+2] * float32(img.Width)
		pixel[4*i+3] = img.Boxes[4*i+3] * float32(img.Height)
	}
	bw := bufio.NewWriter(w)
	fields := []string{
		img.ID, strconv.Itoa(img.Height), strconv.Itoa(img.Width),
		b64Int64(orZerosI(img.ObjectIDs, n)), b64Float32(orZerosF(img.ObjectConf, n)),
		b64Int64(orZerosI(img.AttrIDs, n)), b64Float32(orZerosF(img.AttrConf, n)),
		strconv.Itoa(n), b64Float32(pixel), b64Float32(img.Features),
	}
	for i, f := range fields {
		if i > 0 {
			bw.WriteByte('\t')
		}
		bw.WriteString(f)
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

func orZerosI(v []int64, n int) []int64 {
	if v == nil {
		return make([]int64, n)
	}
	return v
}

func orZerosF(v []float32, n int) []float32 {
	if v == nil {
		return make([]float32, n)
	}
	return v
}

func b64Int64(v []int64) string {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func b64Float32(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
