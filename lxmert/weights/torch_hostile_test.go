package weights

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A compressed record is refused before it is inflated: torch.save never compresses, and a
// deflated record can expand a thousandfold (a zip bomb).
func TestTorchZipRefusesCompressedRecords(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"archive/data.pkl", "archive/data/0"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		require.NoError(t, err)
		data := pklDict("w", pklTensor("0", "FloatStorage", 1<<20, 0, []int{1 << 20}, []int{1}))
		if strings.HasSuffix(name, "/0") {
			data = strings.Repeat("\x00", 4<<20) // 4 MiB of zeros deflate to a few KB
		}
		_, err = w.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	path := filepath.Join(t.TempDir(), "deflated.bin")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	_, err := ReadTorchBin(path)
	require.ErrorContains(t, err, "is compressed (zip method 8); torch.save writes stored records only")
}

// rawZip lays out stored records by hand, then adds central-directory entries that point at
// the bytes of an earlier record under other names (overlapping records, which no zip writer
// makes but a hostile file can).
func rawZip(records [][2]string, aliases map[string]string) []byte {
	var out, cd bytes.Buffer
	n := 0
	central := func(name string, crc uint32, size, offset int) {
		h := make([]byte, 46)
		binary.LittleEndian.PutUint32(h[0:], 0x02014b50)
		binary.LittleEndian.PutUint16(h[4:], 20)
		binary.LittleEndian.PutUint16(h[6:], 20)
		binary.LittleEndian.PutUint32(h[16:], crc)
		binary.LittleEndian.PutUint32(h[20:], uint32(size))
		binary.LittleEndian.PutUint32(h[24:], uint32(size))
		binary.LittleEndian.PutUint16(h[28:], uint16(len(name)))
		binary.LittleEndian.PutUint32(h[42:], uint32(offset))
		cd.Write(h)
		cd.WriteString(name)
		n++
	}
	type rec struct{ crc, size, offset int }
	at := map[string]rec{}
	for _, r := range records {
		name, data := r[0], r[1]
		crc := crc32.ChecksumIEEE([]byte(data))
		h := make([]byte, 30)
		binary.LittleEndian.PutUint32(h[0:], 0x04034b50)
		binary.LittleEndian.PutUint16(h[4:], 20)
		binary.LittleEndian.PutUint32(h[14:], crc)
		binary.LittleEndian.PutUint32(h[18:], uint32(len(data)))
		binary.LittleEndian.PutUint32(h[22:], uint32(len(data)))
		binary.LittleEndian.PutUint16(h[26:], uint16(len(name)))
		at[name] = rec{int(crc), len(data), out.Len()}
		central(name, crc, len(data), out.Len())
		out.Write(h)
		out.WriteString(name)
		out.WriteString(data)
	}
	for alias, target := range aliases {
		r := at[target]
		central(alias, uint32(r.crc), r.size, r.offset)
	}
	cdStart := out.Len()
	out.Write(cd.Bytes())
	e := make([]byte, 22)
	binary.LittleEndian.PutUint32(e[0:], 0x06054b50)
	binary.LittleEndian.PutUint16(e[8:], uint16(n))
	binary.LittleEndian.PutUint16(e[10:], uint16(n))
	binary.LittleEndian.PutUint32(e[12:], uint32(cd.Len()))
	binary.LittleEndian.PutUint32(e[16:], uint32(cdStart))
	out.Write(e)
	return out.Bytes()
}

// Records that overlap (many names for the same bytes) cannot make the reader allocate more
// than the file holds: stored records together may not exceed the file's size.
func TestTorchZipRecordsMayNotOverlap(t *testing.T) {
	const numel = 4096 // 16 KiB per storage
	storage := strings.Repeat("\x00", 4*numel)
	var kv []string
	aliases := map[string]string{}
	for i := 0; i < 64; i++ {
		key := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		kv = append(kv, key, pklTensor(key, "FloatStorage", numel, 0, []int{numel}, []int{1}))
		if i > 0 {
			aliases["archive/data/"+key] = "archive/data/a"
		}
	}
	data := rawZip([][2]string{{"archive/data.pkl", pklDict(kv...)}, {"archive/data/a", storage}}, aliases)
	require.Less(t, len(data), 2*len(storage)) // 64 records of 16 KiB claimed from a ~30 KiB file
	_, err := readTorchZip(bytes.NewReader(data), int64(len(data)))
	require.ErrorContains(t, err, "more than the")

	ok := rawZip([][2]string{{"archive/data.pkl", pklDict(kv[:2]...)}, {"archive/data/a", storage}}, nil)
	sd, err := readTorchZip(bytes.NewReader(ok), int64(len(ok)))
	require.NoError(t, err, "one record per storage is fine")
	require.Equal(t, 1, sd.Len())
}

// Many non-contiguous views of one storage cannot copy more than twice the storages' bytes
// plus 64 MiB altogether, however many of them the pickle lists.
func TestManyViewsOfOneStorageAreBounded(t *testing.T) {
	const side = 1024 // a 4 MiB storage; each transposed view copies 4 MiB
	view := pklTensor("0", "FloatStorage", side*side, 0, []int{side, side}, []int{1, side})
	var kv []string
	for i := 0; i < 40; i++ { // 160 MiB of copies from a 4 MiB file
		kv = append(kv, "w"+strings.Repeat("x", i), view)
	}
	path := torchZip(t, map[string]string{"data.pkl": pklDict(kv...), "data/0": strings.Repeat("\x00", 4*side*side)})
	_, err := ReadTorchBin(path)
	require.ErrorContains(t, err, "exceed twice the bytes of their storages")

	path = torchZip(t, map[string]string{"data.pkl": pklDict(kv[:4]...), "data/0": strings.Repeat("\x00", 4*side*side)})
	sd, err := ReadTorchBin(path)
	require.NoError(t, err, "a transposed weight or two is normal")
	require.Equal(t, 2, sd.Len())
}
