package features

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// OpenArrow reads an Arrow file written by HF's LXMERT demo extractor (datasets'
// ArrowWriter; IPC stream format, the IPC file format is accepted too). Columns: img_id
// (integer or string), roi_features [boxes, dim], boxes [boxes, 4] already normalised
// (normalized_boxes is accepted as the name too), and optional sizes (height, width),
// obj_ids, obj_probs, attr_ids, attr_probs. Padded detections are kept, as the demo feeds
// all of them to the model. All images are decoded at open and held in memory.
func OpenArrow(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	defer f.Close()
	var images []*Image
	if err := readArrowBatches(f, func(rec arrow.RecordBatch) error {
		imgs, err := arrowImages(rec, len(images))
		images = append(images, imgs...)
		return err
	}); err != nil {
		return nil, fmt.Errorf("features: %s: %w", path, err)
	}
	if len(images) == 0 {
		return nil, fmt.Errorf("features: %s: no images (no rows)", path)
	}
	s, err := newMemSource(path, images)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readArrowBatches calls fn on each record batch of an IPC file or stream. The Arrow
// library is not hardened against every corrupt input, so its panics become errors.
func readArrowBatches(f io.ReadSeeker, fn func(arrow.RecordBatch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt Arrow data: %v", r)
		}
	}()
	magic := make([]byte, 6)
	if _, err := io.ReadFull(f, magic); err != nil {
		return fmt.Errorf("not an Arrow IPC file or stream: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if bytes.Equal(magic, []byte("ARROW1")) {
		fr, err := ipc.NewFileReader(f.(ipc.ReadAtSeeker))
		if err != nil {
			return fmt.Errorf("arrow file format: %w", err)
		}
		defer fr.Close()
		for i := 0; i < fr.NumRecords(); i++ {
			rec, err := fr.RecordBatch(i)
			if err != nil {
				return fmt.Errorf("record batch %d: %w", i, err)
			}
			if err := validatedCall(rec, fn); err != nil {
				return err
			}
		}
		return nil
	}
	r, err := ipc.NewReader(f)
	if err != nil {
		return fmt.Errorf("arrow stream format: %w", err)
	}
	defer r.Release()
	for r.Next() {
		if err := validatedCall(r.RecordBatch(), fn); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("arrow stream: %w", err)
	}
	return nil
}

// validatedCall checks every column's buffers and offsets before fn reads them.
func validatedCall(rec arrow.RecordBatch, fn func(arrow.RecordBatch) error) error {
	for i, col := range rec.Columns() {
		if err := array.ValidateFull(col); err != nil {
			return fmt.Errorf("column %q: %w", rec.ColumnName(i), err)
		}
	}
	return fn(rec)
}
