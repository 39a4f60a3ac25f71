package weights

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nlpodyssey/gopickle/types"
)

// readTorchZip reads the zip archive torch.save writes: <name>/data.pkl (the
// pickled object) and one record <name>/data/<key> per storage.
func readTorchZip(r io.ReaderAt, size int64) (*StateDict, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("zip archive: %w", err)
	}
	records := map[string]*zip.File{}
	prefix := ""
	for _, f := range zr.File {
		records[f.Name] = f
		if dir, base, ok := strings.Cut(f.Name, "/"); ok && base == "data.pkl" && prefix == "" {
			prefix = dir + "/"
		}
	}
	if prefix == "" {
		return nil, fmt.Errorf("zip archive has no <name>/data.pkl record; not a torch.save file")
	}
	if _, ok := records[prefix+"constants.pkl"]; ok {
		return nil, fmt.Errorf("this is a TorchScript archive, not a state dict saved by torch.save")
	}
	// Stored records cannot overlap in a well-formed archive, so together they fit in the
	// file; the budget stops a crafted central directory from pointing many records at the
	// same bytes.
	budget := uint64(size)
	if bo, ok := records[prefix+"byteorder"]; ok {
		b, err := readRecord(bo, 16, &budget)
		if err != nil {
			return nil, err
		}
		if string(b) != "little" {
			return nil, fmt.Errorf("byteorder record says %q; only little-endian archives are supported", b)
		}
	}
	storages := map[string]*storageRef{}
	load := func(id interface{}) (interface{}, error) {
		return zipStorage(id, prefix, records, storages, &budget)
	}
	pkl, err := readRecord(records[prefix+"data.pkl"], uint64(size), &budget)
	if err != nil {
		return nil, err
	}
	obj, n, err := unpickle(pkl, load)
	if err == nil && n != len(pkl) {
		err = fmt.Errorf("%d bytes after the pickle's STOP", len(pkl)-n)
	}
	if err != nil {
		return nil, fmt.Errorf("%sdata.pkl: %w", prefix, err)
	}
	return toStateDict(obj)
}

// zipStorage resolves a persistent id ('storage', class, key, location,
// numel) to the storage record, loading each record once.
func zipStorage(id interface{}, prefix string, records map[string]*zip.File, loaded map[string]*storageRef, budget *uint64) (interface{}, error) {
	tup, ok := id.(*types.Tuple)
	if !ok || tup.Len() != 5 || tup.Get(0) != "storage" {
		return nil, fmt.Errorf("persistent id %v is not ('storage', class, key, location, numel)", id)
	}
	sc, err := storageClassArg(tup.Get(1))
	if err != nil {
		return nil, err
	}
	key, ok1 := tup.Get(2).(string)
	numel, ok2 := tup.Get(4).(int)
	if !ok1 || !ok2 || numel < 0 || strings.Contains(key, "/") {
		return nil, fmt.Errorf("persistent id %v has a bad key or element count", id)
	}
	if st, ok := loaded[key]; ok {
		if st.dtype != sc.dtype || st.numel != int64(numel) {
			return nil, fmt.Errorf("storage %q is used as %d x %v and as %d x %v", key, st.numel, st.dtype, numel, sc.dtype)
		}
		return st, nil
	}
	rec, ok := records[prefix+"data/"+key]
	if !ok {
		return nil, fmt.Errorf("storage %q: record %sdata/%s is missing", key, prefix, key)
	}
	need, ok := mulNonNeg(int64(numel), int64(sc.dtype.ItemSize()))
	if !ok || uint64(need) > rec.UncompressedSize64 {
		return nil, fmt.Errorf("storage %q: %d x %v needs %d bytes, record %s has %d",
			key, numel, sc.dtype, need, rec.Name, rec.UncompressedSize64)
	}
	data, err := readRecord(rec, *budget, budget)
	if err != nil {
		return nil, err
	}
	st := &storageRef{key: key, dtype: sc.dtype, numel: int64(numel), data: data[:need:need]}
	loaded[key] = st
	return st, nil
}

// readRecord reads a whole zip record into one buffer and reads on to EOF so
// the CRC is checked. Only stored records are accepted: torch.save never
// compresses, and a compressed record could inflate far beyond the file (a
// zip bomb). A record may not claim more than limit bytes, so a corrupt size
// cannot trigger a huge allocation.
func readRecord(f *zip.File, limit uint64, budget *uint64) ([]byte, error) {
	if f.Method != zip.Store {
		return nil, fmt.Errorf("record %s is compressed (zip method %d); torch.save writes stored records only", f.Name, f.Method)
	}
	if f.CompressedSize64 != f.UncompressedSize64 {
		return nil, fmt.Errorf("record %s is stored but claims %d bytes compressed, %d uncompressed", f.Name, f.CompressedSize64, f.UncompressedSize64)
	}
	if f.UncompressedSize64 > limit || f.UncompressedSize64 > *budget {
		return nil, fmt.Errorf("record %s claims %d bytes, more than the %d available", f.Name, f.UncompressedSize64, min(limit, *budget))
	}
	*budget -= f.UncompressedSize64
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", f.Name, err)
	}
	defer rc.Close()
	buf := make([]byte, f.UncompressedSize64)
	_, err = io.ReadFull(rc, buf)
	if err == nil {
		var one [1]byte
		if _, err = rc.Read(one[:]); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("record is longer than its header says")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", f.Name, err)
	}
	if uint64(len(buf)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("record %s: read %d bytes, header says %d", f.Name, len(buf), f.UncompressedSize64)
	}
	return buf, nil
}
