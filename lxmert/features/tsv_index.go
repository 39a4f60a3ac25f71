package features

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Bounds on a TSV line, checked while indexing.
const (
	maxTSVLine = 256 << 20 // bytes in one line
	maxTSVID   = 4096      // bytes in one img_id
)

// tsvEntry locates one line: its bytes are [offset, offset+length), line ending included.
type tsvEntry struct {
	id     string
	offset int64
	length int64
	line   int // 1-based
}

// tsvIndex maps img_id to its line. Entries are in file order.
type tsvIndex struct {
	entries []tsvEntry
	byID    map[string]int
}

// add appends an entry, refusing a duplicate id.
func (x *tsvIndex) add(e tsvEntry, path string) error {
	if prev, dup := x.byID[e.id]; dup {
		return fmt.Errorf("%s line %d: duplicate img_id %q (first on line %d)", path, e.line, e.id, x.entries[prev].line)
	}
	x.byID[e.id] = len(x.entries)
	x.entries = append(x.entries, e)
	return nil
}

// buildTSVIndex streams r once, recording each line's img_id (the bytes before the first
// tab), offset and length without decoding anything. Blank lines are skipped, as Python's
// csv reader does. The last line is returned unindexed as tail when it has no line ending,
// so that the caller can check it is complete.
func buildTSVIndex(r io.Reader, path string) (x *tsvIndex, tail *tsvEntry, err error) {
	x = &tsvIndex{byID: make(map[string]int)}
	br := bufio.NewReaderSize(r, 1<<20)
	var off int64
	for lineNo := 1; ; lineNo++ {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) == 0 && err == io.EOF {
			break
		}
		e := tsvEntry{offset: off, line: lineNo}
		tab := bytes.IndexByte(chunk, '\t')
		if tab > maxTSVID || (tab < 0 && len(chunk) > maxTSVID) {
			return nil, nil, fmt.Errorf("%s line %d: img_id longer than %d bytes", path, lineNo, maxTSVID)
		}
		if tab >= 0 {
			e.id = string(chunk[:tab])
		}
		blank := len(bytes.TrimRight(chunk, "\r\n")) == 0
		e.length = int64(len(chunk))
		for errors.Is(err, bufio.ErrBufferFull) {
			chunk, err = br.ReadSlice('\n')
			e.length += int64(len(chunk))
			blank = false
			if e.length > maxTSVLine {
				return nil, nil, fmt.Errorf("%s line %d: longer than %d bytes", path, lineNo, maxTSVLine)
			}
		}
		off += e.length
		if err != nil && err != io.EOF {
			return nil, nil, fmt.Errorf("%s line %d: %w", path, lineNo, err)
		}
		switch {
		case blank:
			continue
		case tab < 0:
			return nil, nil, fmt.Errorf("%s line %d: no tab: not a line of the %d-field TSV", path, lineNo, tsvFieldCount)
		case err == io.EOF:
			return x, &e, nil
		}
		if err := x.add(e, path); err != nil {
			return nil, nil, err
		}
	}
	return x, nil, nil
}
