package features

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestIndexCache checks that a second open loads the index written by the first, that a
// changed data file rebuilds it, and that a corrupt or unwritable cache is harmless.
func TestIndexCache(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	dir := t.TempDir()
	a, b, c := randomImage(rng, "a", 3, 8), randomImage(rng, "b", 5, 8), randomImage(rng, "c", 2, 8)
	path := writeTSVFile(t, dir, "f.tsv", a, b)

	first, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	require.False(t, first.IndexFromCache())
	require.NoError(t, first.Close())
	require.FileExists(t, path+".idx")

	second, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	require.True(t, second.IndexFromCache())
	require.Equal(t, []string{"a", "b"}, second.IDs())
	img, err := second.Image("b")
	require.NoError(t, err)
	require.Equal(t, b.Features, img.Features)
	require.NoError(t, second.Close())

	// Rewrite with other content; force a different mtime even on coarse clocks.
	writeTSVFile(t, dir, "f.tsv", c, a, b)
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(path, later, later))
	third, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	require.False(t, third.IndexFromCache(), "stale index must be rebuilt")
	require.Equal(t, []string{"c", "a", "b"}, third.IDs())
	img, err = third.Image("b")
	require.NoError(t, err)
	require.Equal(t, b.Features, img.Features)
	require.NoError(t, third.Close())

	// A corrupt cache is ignored and rewritten.
	raw, err := os.ReadFile(path + ".idx")
	require.NoError(t, err)
	raw[len(raw)/2] ^= 0xff
	require.NoError(t, os.WriteFile(path+".idx", raw, 0o644))
	fourth, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	require.False(t, fourth.IndexFromCache())
	require.NoError(t, fourth.Close())
	fifth, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	require.True(t, fifth.IndexFromCache())
	require.NoError(t, fifth.Close())

	// An index path in a folder that does not exist: memory only, no error.
	ro, err := OpenTSV(path, TSVOptions{IndexPath: filepath.Join(dir, "nope", "f.idx")})
	require.NoError(t, err)
	require.Equal(t, 3, ro.Len())
	require.NoError(t, ro.Close())

	// NoIndexCache neither reads nor writes.
	other := writeTSVFile(t, dir, "g.tsv", a)
	g, err := OpenTSV(other, TSVOptions{NoIndexCache: true})
	require.NoError(t, err)
	require.False(t, g.IndexFromCache())
	require.NoFileExists(t, other+".idx")
	require.NoError(t, g.Close())
}

// TestIndexDecodeRejectsBadEntries checks the cache's own validation.
func TestIndexDecodeRejectsBadEntries(t *testing.T) {
	x := &tsvIndex{byID: map[string]int{}}
	require.NoError(t, x.add(tsvEntry{id: "a", offset: 0, length: 10, line: 1}, "f"))
	require.NoError(t, x.add(tsvEntry{id: "b", offset: 10, length: 10, line: 2}, "f"))
	enc := encodeIndex(x, 20, 7)
	got, err := decodeIndex(enc, 20, 7, "f")
	require.NoError(t, err)
	require.Equal(t, x.entries, got.entries)
	_, err = decodeIndex(enc, 21, 7, "f")
	require.ErrorIs(t, err, errStaleIndex)
	_, err = decodeIndex(encodeIndex(x, 15, 7), 15, 7, "f")
	require.ErrorContains(t, err, "outside the file")
	_, err = decodeIndex(enc[:len(enc)-1], 20, 7, "f")
	require.Error(t, err)
}
