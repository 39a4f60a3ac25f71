package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
