package serve

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// item checks the request against the model and the features: 400 for a missing or empty
// field, 422 for a value the model cannot take, 404 for an image the file does not hold.
func (req *request) item(m Model, src features.Source, maxBoxes int) (answer.Item, *httpError) {
	if req.Question == nil || strings.TrimSpace(*req.Question) == "" {
		return answer.Item{}, errorf(http.StatusBadRequest, "empty question")
	}
	if n := len(*req.Question); n > MaxQuestionBytes {
		return answer.Item{}, errorf(http.StatusUnprocessableEntity, "question of %d bytes is longer than the limit of %d", n, MaxQuestionBytes)
	}
	k, herr := req.topK(m.NumLabels())
	if herr != nil {
		return answer.Item{}, herr
	}
	id := vqa.ID(req.ImageID)
	if len(req.ImageID) > 0 && string(req.ImageID) != "null" && id == "" {
		return answer.Item{}, errorf(http.StatusBadRequest, "image_id must be a string or a number, got %s", truncate(req.ImageID))
	}
	img, herr := req.image(id, m, src, maxBoxes)
	if herr != nil {
		return answer.Item{}, herr
	}
	return answer.Item{Image: img, Question: *req.Question, TopK: k}, nil
}

// topK reads top_k: absent or null means DefaultTopK (capped at the number of answers).
func (req *request) topK(labels int) (int, *httpError) {
	if len(req.TopK) == 0 || string(req.TopK) == "null" {
		return min(DefaultTopK, labels), nil
	}
	var v float64
	if err := json.Unmarshal(req.TopK, &v); err != nil || v != math.Trunc(v) || v < 1 || v > float64(labels) {
		return 0, errorf(http.StatusUnprocessableEntity, "unsupported top_k %s: want an integer from 1 to %d (the model's number of answers)", truncate(req.TopK), labels)
	}
	return int(v), nil
}

// image returns the inline image when features are given, else the feature file's.
func (req *request) image(id string, m Model, src features.Source, maxBoxes int) (*features.Image, *httpError) {
	if req.Features != nil || req.Boxes != nil {
		if len(req.Features) > maxBoxes {
			return nil, errorf(http.StatusUnprocessableEntity, "inline features have %d regions, at most %d", len(req.Features), maxBoxes)
		}
		img, err := answer.InlineImage(id, req.Features, req.Boxes, req.ImgW, req.ImgH)
		if err == nil {
			err = m.Check(img)
		}
		if err != nil {
			return nil, errorf(http.StatusUnprocessableEntity, "%v", err)
		}
		return img, nil
	}
	switch {
	case req.ImgW != 0 || req.ImgH != 0:
		return nil, errorf(http.StatusBadRequest, "img_w and img_h go with inline features and boxes")
	case id == "":
		return nil, errorf(http.StatusBadRequest, "missing image_id (or inline features and boxes)")
	case src == nil:
		return nil, errorf(http.StatusNotFound, "unknown image_id %q: the server has no feature file (send inline features)", id)
	}
	img, err := src.Image(id)
	if errors.Is(err, features.ErrUnknownImage) {
		return nil, errorf(http.StatusNotFound, "unknown image_id %q", id)
	}
	if err == nil {
		err = m.Check(img)
	}
	if err != nil { // the file is bad or does not suit the model: the server's fault
		return nil, errorf(http.StatusInternalServerError, "image %q: %v", id, err)
	}
	return img, nil
}

// truncate shows at most 40 bytes of a raw JSON value in an error.
func truncate(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}
