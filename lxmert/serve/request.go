package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// DefaultTopK is the number of answers when a request gives no top_k.
const DefaultTopK = 5

// MaxQuestionBytes bounds a question: the model reads only its first max-length tokens, and tokenizing a
// huge text would hold up the batch it joins.
const MaxQuestionBytes = 2048

// request is the body of POST /v1/answer: an image of the feature file (image_id) or one
// sent inline (features and boxes, with img_w and img_h when the boxes are in pixels).
type request struct {
	ImageID  json.RawMessage `json:"image_id"` // a string or a number
	Question *string         `json:"question"`
	TopK     json.RawMessage `json:"top_k"` // an integer from 1 to the number of answers; default 5
	Features [][]float32     `json:"features"`
	Boxes    [][]float32     `json:"boxes"`
	ImgW     int             `json:"img_w"`
	ImgH     int             `json:"img_h"`
}

// httpError is an error with the status it answers.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errorf(code int, format string, a ...any) *httpError {
	return &httpError{code, fmt.Sprintf(format, a...)}
}

// readRequest reads and decodes the body: 413 over the limit, 400 when it is not one JSON
// object of the request fields.
func readRequest(w http.ResponseWriter, r *http.Request, limit int64) (*request, *httpError) {
	if r.ContentLength > limit {
		return nil, errorf(http.StatusRequestEntityTooLarge, "request body of %d bytes is over the limit of %d", r.ContentLength, limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errorf(http.StatusRequestEntityTooLarge, "request body is over the limit of %d bytes", limit)
	case err != nil:
		return nil, errorf(http.StatusBadRequest, "reading the request body: %v", err)
	case len(bytes.TrimSpace(body)) == 0:
		return nil, errorf(http.StatusBadRequest, `empty request body (want JSON {"image_id", "question", "top_k"})`)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var req request
	if err := dec.Decode(&req); err != nil {
		return nil, errorf(http.StatusBadRequest, "malformed JSON: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(http.StatusBadRequest, "malformed JSON: data after the request object")
	}
	return &req, nil
}

// jsonProblem says what is wrong in a decoding error, naming the field or the offset.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("field %q: got a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	case errors.As(err, &typ):
		return fmt.Sprintf("got a JSON %s, want an object", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends inside the JSON value"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

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
