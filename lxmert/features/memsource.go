package features

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// memSource is a Source whose images were all decoded at open (Arrow, npz, safetensors).
type memSource struct {
	path   string
	ids    []string
	byID   map[string]*Image
	closed atomic.Bool
}

// newMemSource indexes images by id, refusing duplicates.
func newMemSource(path string, images []*Image) (*memSource, error) {
	s := &memSource{path: path, byID: make(map[string]*Image, len(images))}
	for i, img := range images {
		if _, dup := s.byID[img.ID]; dup {
			return nil, fmt.Errorf("features: %s: duplicate image id %q (row %d repeats an earlier row)", path, img.ID, i)
		}
		s.byID[img.ID] = img
		s.ids = append(s.ids, img.ID)
	}
	return s, nil
}

// Image returns a copy of the image, so callers cannot change what others read.
func (s *memSource) Image(id string) (*Image, error) {
	if s.closed.Load() {
		return nil, errors.New("features: " + s.path + ": source is closed")
	}
	img, ok := s.byID[id]
	if !ok {
		return nil, unknownImage(id, s.path)
	}
	return img.Clone(), nil
}

func (s *memSource) IDs() []string { return append([]string(nil), s.ids...) }
func (s *memSource) Len() int      { return len(s.ids) }
func (s *memSource) Path() string  { return s.path }

func (s *memSource) Close() error {
	s.closed.Store(true)
	return nil
}

// Clone returns a deep copy of img.
func (img *Image) Clone() *Image {
	c := *img
	c.Features = cloneSlice(img.Features)
	c.Boxes = cloneSlice(img.Boxes)
	c.ObjectIDs = cloneSlice(img.ObjectIDs)
	c.ObjectConf = cloneSlice(img.ObjectConf)
	c.AttrIDs = cloneSlice(img.AttrIDs)
	c.AttrConf = cloneSlice(img.AttrConf)
	return &c
}

// cloneSlice copies s, keeping nil as nil.
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
