package features

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/lxmert-go/golxmert/internal/allocbound"
)

// FuzzTSVLine feeds arbitrary lines to the decoder: it must never panic, and what it
// accepts must be a consistent image that WriteTSV writes back to an equal one.
func FuzzTSVLine(f *testing.F) {
	rng := rand.New(rand.NewSource(5))
	var buf bytes.Buffer
	if err := WriteTSV(&buf, randomImage(rng, "seed", 2, 3)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("a\t1\t1\t\t\t\t\t1\t\t\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		allocbound.Check(t, len(line), 16, func() {
			img, _, err := decodeTSVLine(line, nil)
			if err != nil {
				return
			}
			if err := img.Validate(); err != nil {
				t.Fatalf("decoded image is inconsistent: %v", err)
			}
			var out bytes.Buffer
			if err := WriteTSV(&out, img); err != nil {
				t.Fatalf("WriteTSV refused a decoded image: %v", err)
			}
			again, _, err := decodeTSVLine(out.Bytes(), nil)
			if err != nil {
				t.Fatalf("re-decoding WriteTSV's line: %v", err)
			}
			if again.NumBoxes != img.NumBoxes || again.FeatDim != img.FeatDim || !bytes.Equal(f32Bytes(again.Features...), f32Bytes(img.Features...)) {
				t.Fatalf("round trip changed the image")
			}
		})
	})
}
