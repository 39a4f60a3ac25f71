package binding

// #include <stdlib.h>
// #include "lx.h"
// #include "h5.h"
import "C"

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"
)

// H5Class is an HDF5 datatype class (H5T_class_t).
type H5Class int32

// The classes a dataset may have; only H5Float datasets can be read.
const (
	H5Integer H5Class = iota
	H5Float
	H5Time
	H5String
	H5Bitfield
	H5Opaque
	H5Compound
	H5Reference
	H5Enum
	H5VarLen
	H5Array
)

var h5ClassNames = [...]string{"integer", "float", "time", "string", "bitfield", "opaque",
	"compound", "reference", "enum", "variable-length", "array"}

func (c H5Class) String() string {
	if c >= 0 && int(c) < len(h5ClassNames) {
		return h5ClassNames[c]
	}
	return fmt.Sprintf("class %d", int32(c))
}

// H5Dataset describes one dataset of an HDF5 file.
type H5Dataset struct {
	Name     string  // path from the root, without a leading "/"
	Class    H5Class // element class
	ItemSize int     // bytes per element as stored
	Shape    []int64 // nil for a scalar
	Empty    bool    // an empty (null) dataspace: no elements at all
}

// H5File is an HDF5 file opened for reading through the HDF5 C library. Its methods may be
// called from several goroutines (Debian's library is built thread-safe).
type H5File struct {
	path string
	id   C.int64_t
}

// OpenH5 opens an HDF5 file read-only. A file that is not HDF5, or is truncated, is an error
// naming it and HDF5's reason.
func OpenH5(path string) (*H5File, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var id C.int64_t
	if err := takeErr("OpenH5", C.lx_h5_open(cp, &id)); err != nil {
		return nil, h5Err("OpenH5", path, "", err)
	}
	return &H5File{path: path, id: id}, nil
}

// Path returns the file's path as given to OpenH5.
func (f *H5File) Path() string { return f.path }

// Close closes the file. Closing twice is a no-op.
func (f *H5File) Close() error {
	if f.id == 0 {
		return nil
	}
	err := takeErr("H5Close", C.lx_h5_close(f.id))
	f.id = 0
	return h5Err("H5Close", f.path, "", err)
}

// Datasets lists every dataset reachable through hard links, in depth-first name order.
func (f *H5File) Datasets() ([]H5Dataset, error) {
	if f.id == 0 {
		return nil, &Error{Op: "H5Datasets", Msg: f.path + ": file is closed"}
	}
	var rec *C.char
	var n C.int64_t
	if err := takeErr("H5Datasets", C.lx_h5_list(f.id, &rec, &n)); err != nil {
		return nil, h5Err("H5Datasets", f.path, "", err)
	}
	buf := C.GoBytes(unsafe.Pointer(rec), C.int(n))
	C.lx_free_str(rec)
	return parseH5Records(buf)
}

// parseH5Records decodes lx_h5_list's records (see csrc/h5.h).
func parseH5Records(b []byte) ([]H5Dataset, error) {
	le := binary.LittleEndian
	var out []H5Dataset
	for len(b) > 0 {
		bad := &Error{Op: "H5Datasets", Msg: "malformed dataset listing"}
		if len(b) < 4 {
			return nil, bad
		}
		nl := int(le.Uint32(b))
		if len(b) < 4+nl+12 {
			return nil, bad
		}
		d := H5Dataset{Name: string(b[4 : 4+nl])}
		b = b[4+nl:]
		d.Class, d.ItemSize = H5Class(int32(le.Uint32(b))), int(int32(le.Uint32(b[4:])))
		rank := int(int32(le.Uint32(b[8:])))
		b = b[12:]
		if rank == -1 {
			d.Empty, rank = true, 0
		}
		if rank < 0 || len(b) < 8*rank {
			return nil, bad
		}
		for i := 0; i < rank; i++ {
			d.Shape = append(d.Shape, int64(le.Uint64(b[8*i:])))
		}
		b = b[8*rank:]
		out = append(out, d)
	}
	return out, nil
}

// ReadFloat32 reads a floating-point dataset of exactly len(dst) elements into dst, converted
// to float32 by HDF5. Other classes and other element counts are errors naming the dataset.
func (f *H5File) ReadFloat32(name string, dst []float32) error {
	if f.id == 0 {
		return &Error{Op: "H5ReadFloat32", Msg: f.path + ": file is closed"}
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	e := C.lx_h5_read_f32(f.id, cn, (*C.float)(unsafe.SliceData(dst)), C.int64_t(len(dst)))
	return h5Err("H5ReadFloat32", f.path, "dataset "+name, takeErr("H5ReadFloat32", e))
}

// CheckH5 reads the file as a reader would (open it, list its datasets, read every
// floating-point one of at most budget bytes) in a forked child process, and returns an error
// when HDF5 crashed or did not finish within timeout. The HDF5 library is not hardened against
// malformed files (some crash or loop in it); checking first keeps such a file from taking the
// process down. Ordinary HDF5 errors are not reported here: the real read reports them.
func CheckH5(path string, budget int64, timeout time.Duration) error {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	e := C.lx_h5_check(cp, C.int64_t(budget), C.int64_t(timeout.Milliseconds()))
	return h5Err("CheckH5", path, "", takeErr("CheckH5", e))
}

// H5Version returns the HDF5 library's version, e.g. "1.10.8".
func H5Version() (string, error) {
	var out *C.char
	if err := takeErr("H5Version", C.lx_h5_version(&out)); err != nil {
		return "", err
	}
	defer C.lx_free_str(out)
	return C.GoString(out), nil
}

// h5Err puts the file and the object (e.g. "dataset a/kernel:0") in front of HDF5's reason.
func h5Err(op, path, object string, err error) error {
	e, ok := err.(*Error)
	if !ok || e == nil {
		return err
	}
	where := path
	if object != "" {
		where += ": " + object
	}
	return &Error{Op: op, Msg: where + ": " + e.Msg}
}
