package features

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// arrowColumn returns the first column present under one of names, or nil.
func arrowColumn(rec arrow.RecordBatch, names ...string) (arrow.Array, string) {
	for _, n := range names {
		if idx := rec.Schema().FieldIndices(n); len(idx) > 0 {
			return rec.Column(idx[0]), n
		}
	}
	return nil, names[0]
}

// arrowImages decodes every row of rec; first is the index of its first row in the file.
func arrowImages(rec arrow.RecordBatch, first int) ([]*Image, error) {
	idCol, _ := arrowColumn(rec, "img_id")
	featCol, featName := arrowColumn(rec, "roi_features", "features")
	boxCol, boxName := arrowColumn(rec, "boxes", "normalized_boxes")
	for _, c := range []struct {
		col  arrow.Array
		name string
	}{{idCol, "img_id"}, {featCol, "roi_features"}, {boxCol, "boxes"}} {
		if c.col == nil {
			return nil, fmt.Errorf("no column %q (columns: %v)", c.name, rec.Schema().Fields())
		}
	}
	var images []*Image
	for row := 0; row < int(rec.NumRows()); row++ {
		img, err := arrowImage(rec, row, idCol, featCol, featName, boxCol, boxName)
		if err != nil {
			id := ""
			if img != nil {
				id = fmt.Sprintf(" (img_id %q)", img.ID)
			}
			return nil, fmt.Errorf("row %d%s: %w", first+row, id, err)
		}
		images = append(images, img)
	}
	return images, nil
}

// arrowImage decodes one row. On error it may return a partial Image naming the id.
func arrowImage(rec arrow.RecordBatch, row int, idCol, featCol arrow.Array, featName string, boxCol arrow.Array, boxName string) (*Image, error) {
	img := &Image{}
	if s, ok := idCol.(*array.String); ok {
		img.ID = s.Value(row)
	} else {
		v, shape, err := arrowCell(idCol, row)
		if err != nil || len(shape) != 0 || v[0] != math.Trunc(v[0]) {
			return nil, fmt.Errorf("img_id: want an integer or string scalar (%v)", err)
		}
		img.ID = strconv.FormatInt(int64(v[0]), 10)
	}
	v, shape, err := arrowCell(featCol, row)
	if err != nil {
		return img, fmt.Errorf("%s: %w", featName, err)
	}
	if len(shape) != 2 || shape[0] < 1 || shape[0] > MaxBoxes || shape[1] < 1 || shape[1] > MaxFeatDim {
		return img, fmt.Errorf("%s: shape %v, want [boxes, dim] with 1 <= boxes <= %d, 1 <= dim <= %d", featName, shape, MaxBoxes, MaxFeatDim)
	}
	img.NumBoxes, img.FeatDim = shape[0], shape[1]
	if img.Features, err = toFloat32(featName, v); err != nil {
		return img, err
	}
	if v, shape, err = arrowCell(boxCol, row); err != nil {
		return img, fmt.Errorf("%s: %w", boxName, err)
	}
	if len(shape) != 2 || shape[0] != img.NumBoxes || shape[1] != 4 {
		return img, fmt.Errorf("%s: shape %v, want [%d, 4]", boxName, shape, img.NumBoxes)
	}
	if img.Boxes, err = toFloat32(boxName, v); err != nil {
		return img, err
	}
	if err := checkNormBoxes(img.Boxes); err != nil {
		return img, err
	}
	if err := arrowOptional(rec, row, img); err != nil {
		return img, err
	}
	return img, img.Validate()
}

// arrowOptional reads sizes and the detector outputs when their columns exist.
func arrowOptional(rec arrow.RecordBatch, row int, img *Image) error {
	if col, _ := arrowColumn(rec, "sizes"); col != nil {
		v, shape, err := arrowCell(col, row)
		if err != nil || len(shape) != 1 || shape[0] != 2 {
			return fmt.Errorf("sizes: want [height, width] (shape %v, %v)", shape, err)
		}
		hw, err := toInt64("sizes", v)
		if err != nil || hw[0] <= 0 || hw[1] <= 0 || hw[0] > maxImageSide || hw[1] > maxImageSide {
			return fmt.Errorf("sizes: %v is not a positive integer height and width", v)
		}
		img.Height, img.Width = int(hw[0]), int(hw[1])
	}
	for _, o := range []struct {
		name string
		ids  *[]int64
		conf *[]float32
	}{{"obj_ids", &img.ObjectIDs, nil}, {"obj_probs", nil, &img.ObjectConf}, {"attr_ids", &img.AttrIDs, nil}, {"attr_probs", nil, &img.AttrConf}} {
		col, _ := arrowColumn(rec, o.name)
		if col == nil {
			continue
		}
		v, shape, err := arrowCell(col, row)
		if err != nil || len(shape) != 1 || shape[0] != img.NumBoxes {
			return fmt.Errorf("%s: want %d values, one per box (shape %v, %v)", o.name, img.NumBoxes, shape, err)
		}
		if o.ids != nil {
			*o.ids, err = toInt64(o.name, v)
		} else {
			*o.conf, err = toFloat32(o.name, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
