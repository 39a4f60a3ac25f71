package features

import (
	"math/rand"
	"os"
	"strconv"
	"testing"
)

// benchTSV writes 200 images of 36 boxes × 2048 (about 80 MB, like real obj36 files).
func benchTSV(b *testing.B) (string, []string) {
	rng := rand.New(rand.NewSource(6))
	dir := b.TempDir()
	f, err := os.Create(dir + "/bench.tsv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var ids []string
	img := randomImage(rng, "", 36, 2048)
	for i := 0; i < 200; i++ {
		img.ID = "COCO_train2014_" + strconv.Itoa(100000+i)
		ids = append(ids, img.ID)
		if err := WriteTSV(f, img); err != nil {
			b.Fatal(err)
		}
	}
	return f.Name(), ids
}

// BenchmarkTSVIndex measures index building (no cache) in MB/s of data file.
func BenchmarkTSVIndex(b *testing.B) {
	path, _ := benchTSV(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := OpenTSV(path, TSVOptions{NoIndexCache: true})
		if err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
}

// BenchmarkTSVImage measures one Image call (ReadAt + decode + validate) of a
// 36 × 2048 image.
func BenchmarkTSVImage(b *testing.B) {
	path, ids := benchTSV(b)
	src, err := OpenTSV(path, TSVOptions{NoIndexCache: true})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := src.Image(ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}
