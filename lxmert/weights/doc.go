// Package weights holds checkpoint tensors on the Go side and reads and
// writes the formats LXMERT checkpoints come in: safetensors (single file or
// sharded), the zip archives written by torch.save (pytorch_model.bin, .pth)
// and the legacy pre-1.6 torch.save stream. It also names the weights of HF's TensorFlow
// checkpoints as PyTorch's (FromTF, ToTF); the HDF5 files themselves (tf_model.h5) are read
// and written by the subpackage tfh5, which needs the native layer.
//
// The package is pure Go: it never touches libtorch. A Tensor is a name, a
// dtype, a shape and contiguous row-major little-endian bytes; the model
// package copies those bytes into libtorch tensors by name.
//
// Pickled checkpoints are decoded with an allow-list of Python globals: only
// the torch rebuild functions, the torch storage classes and
// collections.OrderedDict may appear, and anything else (os.system,
// builtins.eval, arbitrary classes) is refused with an error naming it.
// Nothing pickled is ever executed.
//
// Tensors returned by the readers may share memory with each other (tied
// weights) and with the buffer the file was read into; treat Tensor.Data as
// read-only and copy it before modifying.
package weights
