//go:build lxmert_installed

package binding

// The native libraries installed by make install (PREFIX, default /usr/local), found through
// their pkg-config file lxmert.pc (set PKG_CONFIG_PATH to PREFIX/lib/pkgconfig when PREFIX is
// not a default one); binaries find them through an rpath into PREFIX, not into a source tree.

// #cgo pkg-config: lxmert
import "C"
