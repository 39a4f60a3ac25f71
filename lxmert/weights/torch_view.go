package weights

import "fmt"

// maxExpandedBytes bounds a view that repeats storage elements (torch.expand, stride 0):
// state dicts practically never hold one, and a hostile file can claim terabytes with it.
const maxExpandedBytes = 64 << 20

// materialize turns a pickled view (storage, offset, size, stride) into a
// contiguous Tensor. A view that already is contiguous slices the storage
// bytes (tied weights then share memory); any other view is gathered into a
// new buffer, whose bytes are taken from *budget (see gatherBudget). Every
// index the view can reach is checked against the storage.
func materialize(name string, pt *pickledTensor, budget *int64) (*Tensor, error) {
	st := pt.storage
	is := int64(st.dtype.ItemSize())
	if st.data == nil && st.numel > 0 {
		return nil, fmt.Errorf("tensor %q: storage %q was never loaded", name, st.key)
	}
	numel, err := numElements(pt.size)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", name, err)
	}
	if numel == 0 {
		return New(name, st.dtype, pt.size, []byte{})
	}
	last := pt.offset // highest element index the view touches
	for i, s := range pt.size {
		step, ok := mulNonNeg(s-1, pt.stride[i])
		if !ok || last > st.numel-step {
			return nil, fmt.Errorf("tensor %q: view offset %d size %v stride %v reaches past the %d elements of storage %q",
				name, pt.offset, pt.size, pt.stride, st.numel, st.key)
		}
		last += step
	}
	if last >= st.numel {
		return nil, fmt.Errorf("tensor %q: view offset %d size %v stride %v reaches element %d of storage %q, which has %d",
			name, pt.offset, pt.size, pt.stride, last, st.key, st.numel)
	}
	if isContiguous(pt.size, pt.stride) {
		b, e := pt.offset*is, (pt.offset+numel)*is
		return New(name, st.dtype, pt.size, st.data[b:e:e])
	}
	// A view with repeated (stride-0 or overlapping) elements can claim far more bytes than
	// the file holds; refuse it before allocating rather than exhaust memory.
	bytes, ok := mulNonNeg(numel, is)
	if !ok || (bytes > int64(len(st.data)) && bytes > maxExpandedBytes) {
		return nil, fmt.Errorf("tensor %q: view size %v stride %v of storage %q (%d bytes) would expand to %d elements; refusing views larger than their storage beyond %d MiB",
			name, pt.size, pt.stride, st.key, len(st.data), numel, maxExpandedBytes>>20)
	}
	if bytes > *budget {
		return nil, fmt.Errorf("tensor %q: view size %v stride %v would copy %d bytes; the checkpoint's views already exceed twice the bytes of their storages",
			name, pt.size, pt.stride, bytes)
	}
	*budget -= bytes
	out := make([]byte, bytes)
	gather(out, st.data, int(is), pt.offset, pt.size, pt.stride)
	return New(name, st.dtype, pt.size, out)
}

// isContiguous reports whether stride is row-major for size, ignoring the
// stride of dimensions of length 1 (torch does the same).
func isContiguous(size, stride []int64) bool {
	want := int64(1)
	for i := len(size) - 1; i >= 0; i-- {
		if size[i] != 1 && stride[i] != want {
			return false
		}
		want *= size[i]
	}
	return true
}

// gather copies a strided view of src into dst in row-major order. Rows
// whose last stride is 1 are copied as one block.
func gather(dst, src []byte, is int, offset int64, size, stride []int64) {
	nd := len(size)
	idx := make([]int64, nd)
	rowLen, rowStride := int64(1), int64(1)
	outer := nd
	if nd > 0 {
		rowLen, rowStride, outer = size[nd-1], stride[nd-1], nd-1
	}
	pos := 0
	for {
		base := offset
		for d := 0; d < outer; d++ {
			base += idx[d] * stride[d]
		}
		if rowStride == 1 {
			n := int(rowLen) * is
			copy(dst[pos:pos+n], src[int(base)*is:])
			pos += n
		} else {
			for j := int64(0); j < rowLen; j++ {
				s := int(base+j*rowStride) * is
				copy(dst[pos:pos+is], src[s:s+is])
				pos += is
			}
		}
		d := outer - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < size[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}
