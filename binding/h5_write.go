package binding

// #include <stdlib.h>
// #include "h5.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// H5Writer is an HDF5 file being written: float32 datasets and string attributes, what a
// Keras weights file holds.
type H5Writer struct {
	path string
	id   C.int64_t
}

// CreateH5 creates (or truncates) an HDF5 file.
func CreateH5(path string) (*H5Writer, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var id C.int64_t
	if err := takeErr("CreateH5", C.lx_h5_create(cp, &id)); err != nil {
		return nil, h5Err("CreateH5", path, "", err)
	}
	return &H5Writer{path: path, id: id}, nil
}

// WriteFloat32 writes a float32 dataset of the given shape at name (a path from the root;
// missing groups are created).
func (w *H5Writer) WriteFloat32(name string, shape []int64, data []float32) error {
	if w.id == 0 {
		return &Error{Op: "H5WriteFloat32", Msg: w.path + ": file is closed"}
	}
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return &Error{Op: "H5WriteFloat32", Msg: fmt.Sprintf("%s: dataset %s: negative dimension in %v", w.path, name, shape)}
		}
		n *= d
	}
	if n != int64(len(data)) {
		return &Error{Op: "H5WriteFloat32", Msg: fmt.Sprintf("%s: dataset %s: shape %v holds %d elements, data has %d", w.path, name, shape, n, len(data))}
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var dims *C.int64_t
	if len(shape) > 0 {
		dims = (*C.int64_t)(unsafe.Pointer(unsafe.SliceData(shape)))
	}
	e := C.lx_h5_write_f32(w.id, cn, dims, C.int(len(shape)), (*C.float)(unsafe.SliceData(data)))
	runtime.KeepAlive(shape)
	runtime.KeepAlive(data)
	return h5Err("H5WriteFloat32", w.path, "dataset "+name, takeErr("H5WriteFloat32", e))
}

// SetStrings sets attribute attr of the object at path ("/" for the root) to an array of
// fixed-length strings, the way Keras stores layer_names and weight_names.
func (w *H5Writer) SetStrings(path, attr string, values []string) error {
	return w.setStrings(path, attr, values, false)
}

// SetString sets attribute attr of the object at path to one fixed-length string.
func (w *H5Writer) SetString(path, attr, value string) error {
	return w.setStrings(path, attr, []string{value}, true)
}

func (w *H5Writer) setStrings(path, attr string, values []string, scalar bool) error {
	if w.id == 0 {
		return &Error{Op: "H5SetStrings", Msg: w.path + ": file is closed"}
	}
	cs := make([]*C.char, len(values)+1) // never empty, so the pointer below is valid
	for i, v := range values {
		cs[i] = C.CString(v)
	}
	defer func() {
		for _, c := range cs {
			C.free(unsafe.Pointer(c))
		}
	}()
	cp, ca := C.CString(path), C.CString(attr)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(ca))
	sc := C.int(0)
	if scalar {
		sc = 1
	}
	// cs lives in Go memory but holds only C pointers, which cgo allows to pass.
	e := C.lx_h5_set_attr_strings(w.id, cp, ca, (**C.char)(unsafe.Pointer(&cs[0])), C.int(len(values)), sc)
	return h5Err("H5SetStrings", w.path, "attribute "+attr+" of "+path, takeErr("H5SetStrings", e))
}

// Close flushes and closes the file. Closing twice is a no-op.
func (w *H5Writer) Close() error {
	if w.id == 0 {
		return nil
	}
	err := takeErr("H5Close", C.lx_h5_close(w.id))
	w.id = 0
	return h5Err("H5Close", w.path, "", err)
}
