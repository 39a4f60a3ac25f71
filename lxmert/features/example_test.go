package features_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// Open a feature file and read one image's regions, ready for LXMERT's visual_feats
// ([boxes, dim]) and visual_pos ([boxes, 4], normalised x1, y1, x2, y2).
func Example() {
	dir, err := os.MkdirTemp("", "features-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "val2014_obj36.tsv")
	var buf bytes.Buffer
	err = features.WriteTSV(&buf, &features.Image{ID: "COCO_val2014_000000000042", Height: 480, Width: 640,
		NumBoxes: 2, FeatDim: 3, Features: []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6},
		Boxes: []float32{0, 0, 0.5, 0.5, 0.25, 0.25, 1, 1}})
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}

	src, err := features.Open(path) // indexes the file once; the index is cached beside it
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	img, err := src.Image("COCO_val2014_000000000042")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(src.Len(), img.NumBoxes, img.FeatDim, img.Width, img.Height)
	fmt.Println(img.Boxes[4:8])
	// Output:
	// 1 2 3 640 480
	// [0.25 0.25 1 1]
}
