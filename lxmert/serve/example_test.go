package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
	"github.com/lxmert-go/golxmert/lxmert/serve"
)

// Serve the embedded default model on a loopback port and ask it about a scene sent
// inline; cancelling the context drains the server. With a feature file, pass
// features.Open(path) to Start and send {"image_id", "question"} instead.
func ExampleServer() {
	a, err := demo.Answerer(answer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	s, err := serve.New(serve.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Start(a, nil); err != nil {
		fmt.Println(err)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	ss, err := scenes.Generate(7, 1, scenes.Options{FeatDim: a.FeatDim()})
	if err != nil {
		fmt.Println(err)
		return
	}
	img := ss[0].Image()
	feats, boxes := make([][]float32, img.NumBoxes), make([][]float32, img.NumBoxes)
	for j := range feats {
		feats[j], boxes[j] = img.Features[j*img.FeatDim:(j+1)*img.FeatDim], img.Boxes[4*j:4*j+4]
	}
	body, _ := json.Marshal(map[string]any{"image_id": img.ID, "question": "how many spheres are there?",
		"top_k": 2, "features": feats, "boxes": boxes})
	resp, err := http.Post("http://"+ln.Addr().String()+"/v1/answer", "application/json", strings.NewReader(string(body)))
	if err != nil {
		fmt.Println(err)
		return
	}
	var res answer.Result
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, res.ImageID, res.Question)
	// The runner-up has a probability near 0, so its label is the model's whim: not printed.
	best := res.Answers[0]
	fmt.Printf("%d answers, best: %s %.2f\n", len(res.Answers), best.Answer, best.Prob)
	cancel()
	fmt.Println("drained:", <-done == nil)
	// Output:
	// 200 synth_000000 how many spheres are there?
	// 2 answers, best: 2 1.00
	// drained: true
}
