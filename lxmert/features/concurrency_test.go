package features

import (
	"math/rand"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcurrentReads has 8 goroutines read random ids from one shared Source of each
// format and compares with sequential reads (run with -race).
func TestConcurrentReads(t *testing.T) {
	dir := genFixtures(t)
	rng := rand.New(rand.NewSource(3))
	var images []*Image
	for i := 0; i < 12; i++ {
		images = append(images, randomImage(rng, "img"+string(rune('A'+i)), 1+rng.Intn(36), 16))
	}
	paths := []string{writeTSVFile(t, dir, "many.tsv", images...), filepath.Join(dir, "features.arrow")}
	for _, path := range paths {
		src, err := Open(path)
		require.NoError(t, err)
		ids := src.IDs()
		want := map[string]*Image{}
		for _, id := range ids {
			want[id], err = src.Image(id)
			require.NoError(t, err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(seed int64) {
				defer wg.Done()
				r := rand.New(rand.NewSource(seed))
				for k := 0; k < 40; k++ {
					id := ids[r.Intn(len(ids))]
					img, err := src.Image(id)
					if err == nil && !equalImages(img, want[id]) {
						err = errorf("%s: concurrent read of %q differs", path, id)
					}
					if err != nil {
						errs <- err
						return
					}
					img.Features[0]++ // callers own what they get
				}
			}(int64(g))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.NoError(t, src.Close())
	}
}
