package features

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// TSVOptions tunes OpenTSV. The zero value caches the index beside the file.
type TSVOptions struct {
	// IndexPath is the index cache file; "" means the data file's path + ".idx".
	IndexPath string
	// NoIndexCache keeps the index in memory only, neither reading nor writing a cache.
	NoIndexCache bool
	// Verify decodes and validates every line at open: a full decoding pass, so slow on
	// large files, but a bad line is reported at once rather than when its image is read.
	Verify bool
}

// TSVFile reads the bottom-up-attention TSV of the original LXMERT. Opening indexes the
// file (or loads a cached index); Image then reads and decodes a single line. It
// implements Source.
type TSVFile struct {
	path      string
	f         *os.File
	idx       *tsvIndex
	fromCache bool
	closed    atomic.Bool
	bufs      sync.Pool // *tsvBufs, reused line and base64 buffers
}

type tsvBufs struct{ line, scratch []byte }

// OpenTSV opens a TSV feature file and indexes it: it loads the cache beside the file when
// its recorded size and mtime match, else streams the file once (looking only for the
// first tab of each line) and tries to write the cache.
func OpenTSV(path string, opts TSVOptions) (*TSVFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	t := &TSVFile{path: path, f: f}
	if err := t.index(opts); err != nil {
		f.Close()
		return nil, err
	}
	if opts.Verify {
		for _, e := range t.idx.entries {
			if _, err := t.readEntry(e); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	return t, nil
}

// index loads or builds t.idx.
func (t *TSVFile) index(opts TSVOptions) error {
	st, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("features: %w", err)
	}
	size, mtime := st.Size(), st.ModTime().UnixNano()
	idxPath := opts.IndexPath
	if idxPath == "" {
		idxPath = t.path + ".idx"
	}
	if !opts.NoIndexCache {
		if t.idx = loadIndex(idxPath, size, mtime, t.path); t.idx != nil {
			t.fromCache = true
			return nil
		}
	}
	x, tail, err := buildTSVIndex(io.NewSectionReader(t.f, 0, size), t.path)
	if err != nil {
		return fmt.Errorf("features: %w", err)
	}
	t.idx = x
	if tail != nil {
		// A last line without a line ending is kept only if it decodes: files are
		// written line by line, so this is where an interrupted write shows.
		if _, err := t.readEntry(*tail); err != nil {
			return fmt.Errorf("features: %w (the last line has no line ending: truncated file?)", err)
		}
		if err := x.add(*tail, t.path); err != nil {
			return fmt.Errorf("features: %w", err)
		}
	}
	if len(x.entries) == 0 {
		return fmt.Errorf("features: %s: no images (the file is empty)", t.path)
	}
	if !opts.NoIndexCache {
		_ = saveIndex(idxPath, x, size, mtime) // best effort: read-only folders are fine
	}
	return nil
}

// Image reads and decodes the line of img_id id.
func (t *TSVFile) Image(id string) (*Image, error) {
	if t.closed.Load() {
		return nil, errors.New("features: " + t.path + ": source is closed")
	}
	i, ok := t.idx.byID[id]
	if !ok {
		return nil, unknownImage(id, t.path)
	}
	return t.readEntry(t.idx.entries[i])
}

// readEntry reads one indexed line with ReadAt (safe concurrently) and decodes it.
func (t *TSVFile) readEntry(e tsvEntry) (*Image, error) {
	b, _ := t.bufs.Get().(*tsvBufs)
	if b == nil {
		b = new(tsvBufs)
	}
	defer t.bufs.Put(b)
	if int64(cap(b.line)) < e.length {
		b.line = make([]byte, e.length)
	}
	line := b.line[:e.length]
	if n, err := t.f.ReadAt(line, e.offset); n < len(line) {
		return nil, fmt.Errorf("features: %s line %d (img_id %q): reading %d bytes at offset %d: %v (file changed since it was indexed?)", t.path, e.line, e.id, e.length, e.offset, err)
	}
	if !bytes.HasPrefix(line, []byte(e.id+"\t")) {
		return nil, fmt.Errorf("features: %s line %d: does not start with img_id %q: the file changed since it was indexed; reopen it", t.path, e.line, e.id)
	}
	img, _, err := decodeTSVLine(line, &b.scratch)
	if err != nil {
		return nil, fmt.Errorf("features: %s line %d (img_id %q): %w", t.path, e.line, e.id, err)
	}
	return img, nil
}

// IDs returns the img_ids in file order.
func (t *TSVFile) IDs() []string {
	ids := make([]string, len(t.idx.entries))
	for i, e := range t.idx.entries {
		ids[i] = e.id
	}
	return ids
}

// Len returns the number of images.
func (t *TSVFile) Len() int { return len(t.idx.entries) }

// Path returns the data file's path.
func (t *TSVFile) Path() string { return t.path }

// IndexFromCache reports whether the index was loaded from the cache file rather than
// built by reading the data file.
func (t *TSVFile) IndexFromCache() bool { return t.fromCache }

// Close closes the file; later Image calls fail. It is safe to call more than once.
func (t *TSVFile) Close() error {
	if t.closed.Swap(true) {
		return nil
	}
	return t.f.Close()
}
