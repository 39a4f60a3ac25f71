package features

import (
	"archive/zip"
	"fmt"
	"strings"
)

// maxNPZMembers bounds the archive's member count.
const maxNPZMembers = 64

// OpenNPZ reads one image from a numpy .npz archive (numpy.savez or savez_compressed) with
// arrays "features" [boxes, dim] and "boxes" [boxes, 4], plus optional scalars "img_h" and
// "img_w": with them, boxes are pixel x1, y1, x2, y2 and are normalised; without, they
// must already be in [0, 1]. Other arrays are ignored. The image id is the file's base
// name without extension.
func OpenNPZ(path string) (Source, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("features: %s: not a readable .npz (zip) archive: %w", path, err)
	}
	defer z.Close()
	if len(z.File) > maxNPZMembers {
		return nil, fmt.Errorf("features: %s: %d members, more than %d", path, len(z.File), maxNPZMembers)
	}
	arrays := map[string]namedArray{}
	for _, f := range z.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		switch name {
		case "features", "boxes", "img_h", "img_w":
		default:
			continue
		}
		a, err := readNPZMember(f)
		if err != nil {
			return nil, fmt.Errorf("features: %s: %s: %w", path, f.Name, err)
		}
		arrays[name] = namedArray{shape: a.shape, vals: a.vals}
	}
	img, err := imageFromArrays(imageID(path), arrays)
	if err != nil {
		return nil, fmt.Errorf("features: %s: %w", path, err)
	}
	return newMemSource(path, []*Image{img})
}

// readNPZMember decodes one .npy member.
func readNPZMember(f *zip.File) (*npyArray, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readNPY(rc)
}
