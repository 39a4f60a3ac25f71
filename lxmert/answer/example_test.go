package answer_test

import (
	"context"
	"fmt"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// Ask the embedded default model about a synthetic scene. With a model folder of your own,
// use answer.Load(dir, opts) and read images with features.Open(path).Image(id).
func ExampleAnswerer_Ask() {
	a, err := demo.Answerer(answer.Options{TopK: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	ss, err := scenes.Generate(7, 1, scenes.Options{FeatDim: a.Model.Config.VisualFeatDim})
	if err != nil {
		fmt.Println(err)
		return
	}
	img := ss[0].Image()
	res, err := a.Ask(context.Background(), img, "how many spheres are there?")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s has %d regions; %q\n", res.ImageID, img.NumBoxes, res.Question)
	// The runner-up has a probability near 0, so its label is the model's whim: not printed.
	best := res.Answers[0]
	fmt.Printf("%d answers, best: %s %.2f\n", len(res.Answers), best.Answer, best.Prob)
	// Output:
	// synth_000000 has 6 regions; "how many spheres are there?"
	// 2 answers, best: 2 1.00
}
