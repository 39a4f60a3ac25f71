package features

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// writeArrowStream writes one record batch with an int64 img_id column and float32
// list-of-list columns given per row as [][]float32 (rows of a 2-D cell).
func writeArrowStream(t *testing.T, path string, ids []int64, cols map[string][][][]float32) {
	mem := memory.NewGoAllocator()
	fields := []arrow.Field{{Name: "img_id", Type: arrow.PrimitiveTypes.Int64}}
	names := []string{}
	for name := range cols {
		names = append(names, name)
		fields = append(fields, arrow.Field{Name: name, Type: arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float32))})
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
	for i, name := range names {
		lb := b.Field(i + 1).(*array.ListBuilder)
		inner := lb.ValueBuilder().(*array.ListBuilder)
		vals := inner.ValueBuilder().(*array.Float32Builder)
		for _, cell := range cols[name] {
			lb.Append(true)
			for _, r := range cell {
				inner.Append(true)
				vals.AppendValues(r, nil)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := ipc.NewWriter(f, ipc.WithSchema(rec.Schema()))
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
}

func TestArrowErrors(t *testing.T) {
	dir := t.TempDir()
	feat := [][]float32{{1, 2}, {3, 4}}
	box := [][]float32{{0, 0, 1, 1}, {0.1, 0.1, 0.2, 0.2}}

	ok := filepath.Join(dir, "ok.arrow")
	writeArrowStream(t, ok, []int64{7}, map[string][][][]float32{"roi_features": {feat}, "normalized_boxes": {box}})
	src, err := Open(ok)
	require.NoError(t, err)
	img, err := src.Image("7")
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2, 3, 4}, img.Features)
	require.Equal(t, 0, img.Height, "no sizes column")

	for name, c := range map[string]struct {
		ids  []int64
		cols map[string][][][]float32
		want string
	}{
		"no features": {[]int64{1}, map[string][][][]float32{"boxes": {box}}, `no column "roi_features"`},
		"pixel boxes": {[]int64{1}, map[string][][][]float32{"roi_features": {feat}, "boxes": {{{0, 0, 10, 10}, {0, 0, 1, 1}}}},
			`row 0 (img_id "1"): boxes: box 0 (0, 0, 10, 10) is not normalised`},
		"ragged": {[]int64{1}, map[string][][][]float32{"roi_features": {{{1, 2}, {3}}}, "boxes": {box}},
			`row 0 (img_id "1"): roi_features: ragged lists: 2 and 1 elements at depth 1`},
		"box count": {[]int64{1, 2}, map[string][][][]float32{"roi_features": {feat, feat}, "boxes": {box, box[:1]}},
			`row 1 (img_id "2"): boxes: shape [1 4], want [2, 4]`},
		"duplicate": {[]int64{5, 5}, map[string][][][]float32{"roi_features": {feat, feat}, "boxes": {box, box}},
			`duplicate image id "5"`},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.arrow")
			writeArrowStream(t, path, c.ids, c.cols)
			_, err := Open(path)
			require.ErrorContains(t, err, "bad.arrow: ")
			require.ErrorContains(t, err, c.want)
		})
	}
	junk := filepath.Join(dir, "junk.arrow")
	require.NoError(t, os.WriteFile(junk, []byte("ARROW1 but not really an arrow file"), 0o644))
	_, err = Open(junk)
	require.ErrorContains(t, err, "junk.arrow: ")
}
