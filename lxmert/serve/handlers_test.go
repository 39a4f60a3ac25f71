package serve

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A question about an image of the file gets ranked answers: top_k of them, 5 by default;
// the response echoes image_id and question and carries a request id.
func TestAnswerOK(t *testing.T) {
	s, err := New(Config{Logger: quietLogger(t)})
	require.NoError(t, err)
	require.NoError(t, s.Start(&fakeModel{}, fakeSource{}))
	defer s.Close()
	h := httptest.NewServer(s.Handler())
	defer h.Close()

	code, body, hdr := post(t, h.URL, `{"image_id": "img1", "question": "what is it?"}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "img1", body["image_id"])
	require.Equal(t, "what is it?", body["question"])
	require.Len(t, body["answers"], DefaultTopK)
	first := body["answers"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{"answer": "a0", "prob": 0.5}, first)
	require.NotEmpty(t, hdr.Get("X-Request-Id"))

	code, body, _ = post(t, h.URL, `{"image_id": 42, "question": "q", "top_k": 10}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "42", body["image_id"], "numeric ids are read as the file's string ids")
	require.Len(t, body["answers"], 10)

	req, err := http.NewRequest(http.MethodPost, h.URL+"/v1/answer", strings.NewReader(`{"image_id": "img2", "question": "q", "top_k": 1.0}`))
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", "trace-7")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	code, body, hdr = decode(t, resp)
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["answers"], 1)
	require.Equal(t, "trace-7", hdr.Get("X-Request-Id"), "a caller's request id is kept")
}

// Inline features (normalised boxes, or pixel boxes with img_w and img_h) are answered like
// an image of the file; bad ones are refused with 422.
func TestAnswerInline(t *testing.T) {
	s, err := New(Config{Logger: quietLogger(t), MaxInlineBoxes: 3})
	require.NoError(t, err)
	require.NoError(t, s.Start(&fakeModel{}, nil))
	defer s.Close()
	h := httptest.NewServer(s.Handler())
	defer h.Close()

	code, body, _ := post(t, h.URL, `{"question": "q", "features": [[1,2,3,4],[5,6,7,8]], "boxes": [[0,0,1,1],[0.1,0.2,0.3,0.4]]}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "", body["image_id"])
	code, body, _ = post(t, h.URL, `{"image_id": "mine", "question": "q", "features": [[1,2,3,4]], "boxes": [[10,20,30,40]], "img_w": 640, "img_h": 480}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "mine", body["image_id"])
	code, body, _ = post(t, h.URL, `{"image_id": "img1", "question": "q"}`)
	require.Equal(t, http.StatusNotFound, code, "no feature file: ids are unknown")
	require.Contains(t, body["error"], "no feature file")

	for _, tc := range []struct{ body, want string }{
		{`{"question": "q", "features": [[1,2,3]], "boxes": [[0,0,1,1]]}`, "has 3 features per region; the model wants 4"},
		{`{"question": "q", "features": [[1,2,3,4]]}`, "0 boxes for 1 feature rows"},
		{`{"question": "q", "features": [[1,2,3,4]], "boxes": [[0,0,300,200]]}`, "not normalised to [0, 1]"},
		{`{"question": "q", "features": [[1,2,3,4]], "boxes": [[0,0,1,1]], "img_w": 640}`, "give img_w and img_h together"},
		{`{"question": "q", "features": [[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4]], "boxes": [[0,0,1,1],[0,0,1,1],[0,0,1,1],[0,0,1,1]]}`, "4 regions, at most 3"},
	} {
		code, body, _ := post(t, h.URL, tc.body)
		require.Equal(t, http.StatusUnprocessableEntity, code, tc.body)
		require.Contains(t, body["error"], tc.want, tc.body)
	}
}

// Every malformed request gets its 4xx with a JSON {"error"} saying what is wrong.
func TestAnswerErrors(t *testing.T) {
	s, err := New(Config{Logger: quietLogger(t), MaxBody: 4096})
	require.NoError(t, err)
	require.NoError(t, s.Start(&fakeModel{}, fakeSource{}))
	defer s.Close()
	h := httptest.NewServer(s.Handler())
	defer h.Close()

	big := `{"image_id": "img1", "question": "` + strings.Repeat("a", 5000) + `"}`
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{`{"image_id": "img1", "question": `, 400, "malformed JSON: the body ends inside the JSON value"},
		{`{"image_id": "img1" "question": "q"}`, 400, "malformed JSON: invalid character"},
		{``, 400, "empty request body"},
		{`[1, 2]`, 400, "got a JSON array, want an object"},
		{`{"image_id": "img1", "question": "q"} {}`, 400, "data after the request object"},
		{`{"image_id": "img1", "question": "q", "topk": 3}`, 400, `unknown field "topk"`},
		{`{"image_id": "img1", "question": 7}`, 400, `field "question": got a JSON number, want string`},
		{`{"image_id": "img1"}`, 400, "empty question"},
		{`{"image_id": "img1", "question": "  \t "}`, 400, "empty question"},
		{`{"image_id": "img1", "question": "` + strings.Repeat("why ", 600) + `"}`, 422, "question of 2400 bytes is longer than the limit of 2048"},
		{`{"question": "q"}`, 400, "missing image_id"},
		{`{"image_id": {"a": 1}, "question": "q"}`, 400, "image_id must be a string or a number"},
		{`{"image_id": "img1", "question": "q", "img_w": 5, "img_h": 5}`, 400, "img_w and img_h go with inline features"},
		{`{"image_id": "nope", "question": "q"}`, 404, `unknown image_id "nope"`},
		{`{"image_id": "img1", "question": "q", "top_k": 0}`, 422, "unsupported top_k 0: want an integer from 1 to 10"},
		{`{"image_id": "img1", "question": "q", "top_k": -1}`, 422, "unsupported top_k -1"},
		{`{"image_id": "img1", "question": "q", "top_k": 11}`, 422, "unsupported top_k 11"},
		{`{"image_id": "img1", "question": "q", "top_k": 2.5}`, 422, "unsupported top_k 2.5"},
		{`{"image_id": "img1", "question": "q", "top_k": "3"}`, 422, `unsupported top_k "3"`},
		{`{"image_id": "img1", "question": "q", "top_k": 1e300}`, 422, "unsupported top_k 1e300"},
		{big, 413, "over the limit of 4096"},
		{`{"image_id": "bad", "question": "q"}`, 500, `image "bad": image "bad" has 3 features per region`},
		{`{"image_id": "img1", "question": "fail"}`, 500, `the model cannot answer "fail"`},
		{`{"image_id": "img1", "question": "panic"}`, 500, "the forward panicked: a forward panicked"},
	} {
		code, body, _ := post(t, h.URL, tc.body)
		require.Equal(t, tc.code, code, "%.80s: %v", tc.body, body)
		require.Contains(t, body["error"], tc.want, "%.80s", tc.body)
	}

	// A body sent without a length (chunked) is cut at the limit too.
	req, err := http.NewRequest(http.MethodPost, h.URL+"/v1/answer", struct{ *strings.Reader }{strings.NewReader(big)})
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	code, body, _ := decode(t, resp)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.Contains(t, body["error"], "over the limit of 4096 bytes")

	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodGet, "/v1/answer", "POST"},
		{http.MethodPut, "/v1/answer", "POST"},
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodDelete, "/metrics", "GET, HEAD"},
	} {
		req, err := http.NewRequest(tc.method, h.URL+tc.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		code, body, hdr := decode(t, resp)
		require.Equal(t, http.StatusMethodNotAllowed, code, "%s %s", tc.method, tc.path)
		require.Equal(t, tc.allow, hdr.Get("Allow"))
		require.Contains(t, body["error"], "method "+tc.method+" is not allowed")
	}
	resp, err = http.Get(h.URL + "/v2/ask")
	require.NoError(t, err)
	code, body, _ = decode(t, resp)
	require.Equal(t, http.StatusNotFound, code)
	require.Contains(t, body["error"], "no endpoint /v2/ask")
}

// Bad requests sent among good ones, and a failing question batched with good ones, do
// not disturb the good ones: each still gets its answer.
func TestErrorsDoNotDisturb(t *testing.T) {
	m := &fakeModel{}
	_, url, _ := startServer(t, Config{MaxWait: 20e6, MaxBatch: 8}, m, fakeSource{})
	bad := []string{`{"image_id": "img1", "question": "fail"}`, `{"image_id": "img1", "question": "panic"}`,
		`{bad json`, `{"image_id": "nope", "question": "q"}`, `{"image_id": "img1", "question": "q", "top_k": 0}`}
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 1 {
				code, _, err := tryPost(context.Background(), url, bad[i/2%len(bad)])
				assert.NoError(t, err)
				assert.GreaterOrEqual(t, code, 400)
				return
			}
			q := fmt.Sprintf("question %d", i)
			code, body, err := tryPost(context.Background(), url, fmt.Sprintf(`{"image_id": "img%d", "question": %q, "top_k": 2}`, 1+i%3, q))
			assert.NoError(t, err)
			assert.Equal(t, http.StatusOK, code, body)
			assert.Equal(t, q, body["question"])
			assert.Len(t, body["answers"], 2)
		}()
	}
	wg.Wait()
	mixed := false
	for _, b := range m.forwards() {
		if len(b) > 1 {
			mixed = true
		}
	}
	require.True(t, mixed, "some forwards were batched: %v", m.forwards())
}

// /healthz and /readyz answer 503 until the model is loaded, and /v1/answer says so too.
func TestHealthBeforeStart(t *testing.T) {
	s, err := New(Config{Logger: quietLogger(t)})
	require.NoError(t, err)
	h := httptest.NewServer(s.Handler())
	defer h.Close()
	get := func(path string) (int, map[string]any) {
		resp, err := http.Get(h.URL + path)
		require.NoError(t, err)
		code, body, _ := decode(t, resp)
		return code, body
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		code, body := get(p)
		require.Equal(t, http.StatusServiceUnavailable, code, p)
		require.Equal(t, "loading", body["status"])
	}
	code, body, hdr := post(t, h.URL, `{"image_id": "img1", "question": "q"}`)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "1", hdr.Get("Retry-After"))
	require.Contains(t, body["error"], "loading")

	require.NoError(t, s.Start(&fakeModel{}, fakeSource{}))
	defer s.Close()
	require.ErrorContains(t, s.Start(&fakeModel{}, fakeSource{}), "called twice")
	code, body = get("/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", body["status"])
	code, body = get("/readyz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ready", body["status"])
	resp, err := http.Head(h.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// New refuses negative settings; Start refuses a nil model.
func TestConfigErrors(t *testing.T) {
	_, err := New(Config{Queue: -1})
	require.ErrorContains(t, err, "Config.Queue is negative")
	s, err := New(Config{})
	require.NoError(t, err)
	require.ErrorContains(t, s.Start(nil, nil), "needs a model")
	require.Equal(t, 16, s.cfg.MaxBatch)
	require.Equal(t, 256, s.cfg.Queue)
	require.Equal(t, int64(1<<20), s.cfg.MaxBody)
	require.Equal(t, 5e6, float64(s.cfg.MaxWait))
	s, err = New(Config{MaxWait: -1})
	require.NoError(t, err)
	require.Zero(t, s.cfg.MaxWait)
}
