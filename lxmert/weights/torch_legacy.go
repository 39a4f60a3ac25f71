package weights

import (
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/nlpodyssey/gopickle/types"
)

// legacyMagic and legacyProtocol open every pre-1.6 torch.save stream.
const (
	legacyMagic    = "1950a86a20f9469cfc6c"
	legacyProtocol = 1001
)

// legacyStream is the file being decoded and the read position in it.
type legacyStream struct {
	data []byte
	pos  int
}

// next decodes the pickle at the read position and moves past it.
func (s *legacyStream) next(what string, persistent func(interface{}) (interface{}, error)) (interface{}, error) {
	v, n, err := unpickle(s.data[s.pos:], persistent)
	if err != nil {
		return nil, fmt.Errorf("legacy torch.save stream: %s at byte %d: %w", what, s.pos, err)
	}
	s.pos += n
	return v, nil
}

// readTorchLegacy decodes the pre-1.6 torch.save stream, held whole in data:
// pickles of the magic number, the protocol version and system info, then
// the object pickle whose persistent ids are ('storage', class, key,
// location, numel, view), then a pickled list of storage keys, then for each
// key an int64 element count and the raw bytes. Storages slice data.
func readTorchLegacy(data []byte) (*StateDict, error) {
	s := &legacyStream{data: data}
	magic, err := s.next("magic number", nil)
	if err != nil {
		return nil, err
	}
	if n, ok := magic.(*big.Int); !ok || n.Text(16) != legacyMagic {
		return nil, fmt.Errorf("legacy torch.save stream: bad magic number %v", magic)
	}
	proto, err := s.next("protocol version", nil)
	if err != nil {
		return nil, err
	}
	if proto != legacyProtocol {
		return nil, fmt.Errorf("legacy torch.save stream: protocol %v, want %d", proto, legacyProtocol)
	}
	info, err := s.next("system info", nil)
	if err != nil {
		return nil, err
	}
	if d, ok := info.(*types.Dict); ok {
		if le, ok := d.Get("little_endian"); ok && le != true {
			return nil, fmt.Errorf("legacy torch.save stream was written big-endian; unsupported")
		}
	}
	storages := map[string]*storageRef{}
	obj, err := s.next("object", func(id interface{}) (interface{}, error) {
		return legacyStorage(id, storages)
	})
	if err != nil {
		return nil, err
	}
	keysObj, err := s.next("storage key list", nil)
	if err != nil {
		return nil, err
	}
	keys, ok := keysObj.(*types.List)
	if !ok {
		return nil, fmt.Errorf("legacy torch.save stream: storage key list is %T", keysObj)
	}
	for _, k := range *keys {
		key, _ := k.(string)
		st, ok := storages[key]
		if !ok {
			return nil, fmt.Errorf("legacy torch.save stream: data for unknown storage %v", k)
		}
		if err := s.storage(st); err != nil {
			return nil, err
		}
	}
	return toStateDict(obj)
}

// storage reads one storage's element count and slices its bytes, checking
// the count against the pickle and the bytes against the file's end.
func (s *legacyStream) storage(st *storageRef) error {
	if len(s.data)-s.pos < 8 {
		return fmt.Errorf("legacy torch.save stream: storage %q: file ends at byte %d before its element count", st.key, len(s.data))
	}
	if n := int64(binary.LittleEndian.Uint64(s.data[s.pos:])); n != st.numel {
		return fmt.Errorf("legacy torch.save stream: storage %q: data has %d elements, pickle says %d", st.key, n, st.numel)
	}
	s.pos += 8
	need, ok := mulNonNeg(st.numel, int64(st.dtype.ItemSize()))
	if !ok || need > int64(len(s.data)-s.pos) {
		return fmt.Errorf("legacy torch.save stream: storage %q: %d x %v at byte %d runs past the %d-byte file",
			st.key, st.numel, st.dtype, s.pos, len(s.data))
	}
	end := s.pos + int(need)
	st.data = s.data[s.pos:end:end]
	s.pos = end
	return nil
}

// legacyStorage registers the storage a persistent id names; its bytes come
// after the object pickle.
func legacyStorage(id interface{}, storages map[string]*storageRef) (interface{}, error) {
	tup, ok := id.(*types.Tuple)
	if !ok || tup.Len() != 6 || tup.Get(0) != "storage" {
		return nil, fmt.Errorf("persistent id %v is not ('storage', class, key, location, numel, view)", id)
	}
	sc, err := storageClassArg(tup.Get(1))
	if err != nil {
		return nil, err
	}
	key, ok1 := tup.Get(2).(string)
	numel, ok2 := tup.Get(4).(int)
	if !ok1 || !ok2 || numel < 0 {
		return nil, fmt.Errorf("persistent id %v has a bad key or element count", id)
	}
	if tup.Get(5) != nil {
		return nil, fmt.Errorf("storage %q: storage views (pre-1.0 torch) are not supported", key)
	}
	if st, ok := storages[key]; ok {
		if st.dtype != sc.dtype || st.numel != int64(numel) {
			return nil, fmt.Errorf("storage %q is used as %d x %v and as %d x %v", key, st.numel, st.dtype, numel, sc.dtype)
		}
		return st, nil
	}
	st := &storageRef{key: key, dtype: sc.dtype, numel: int64(numel)}
	storages[key] = st
	return st, nil
}
