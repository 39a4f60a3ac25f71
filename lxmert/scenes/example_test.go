package scenes_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

func Example() {
	ss, err := scenes.Generate(1, 1, scenes.Options{FeatDim: 64})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := ss[0]
	img := s.Image() // region features for the model: one box per object
	fmt.Println(s.ID, img.NumBoxes, "regions of", img.FeatDim)
	for _, q := range scenes.Questions(s, rand.New(rand.NewPCG(1, 2)), 3) {
		fmt.Printf("%s: %s %s\n", q.Type, q.Text, q.Answer)
	}
	// Output:
	// synth_000000 4 regions of 64
	// spatial: what material is the cylinder left of the sphere? metal
	// compare: are there more gray cylinders than blue spheres? yes
	// compare: are there more gray spheres than gray cubes? no
}
