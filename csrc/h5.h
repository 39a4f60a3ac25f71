/* HDF5 access for Keras weight files (tf_model.h5), through the HDF5 C library.
 *
 * Same conventions as lx.h: a function returns NULL on success or a malloc'd message (free with
 * lx_free_str) that includes HDF5's own reason (its error stack is never printed). Files are
 * HDF5 ids (hid_t) carried as int64_t. Names are paths from the file's root ("a/b/kernel:0"). */
#ifndef LXMERT_H5_H_
#define LXMERT_H5_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* opens an existing file read-only; "not an HDF5 file" when the signature is absent */
char *lx_h5_open(const char *path, int64_t *file);
/* runs what the Go reader does (open, list, read every float dataset of at most budget bytes)
 * in a forked child, and reports whether HDF5 crashed or hung (past timeout_ms) on the file.
 * HDF5 is not hardened against malformed files; this keeps them from taking the process down.
 * An ordinary HDF5 error in the child is not reported here: the real read reports it. */
char *lx_h5_check(const char *path, int64_t budget, int64_t timeout_ms);

/* creates (truncates) a file for writing */
char *lx_h5_create(const char *path, int64_t *file);
char *lx_h5_close(int64_t file);

/* every dataset reachable through hard links, depth first in name order, as one malloc'd
 * record buffer (free with lx_free_str): per dataset u32 name length, the name, i32 type class
 * (H5T_class_t), i32 element size in bytes, i32 rank (-1: an empty dataspace), rank x i64 dims.
 * Soft and external links are an error (a weights file has none; an external link would open
 * another file). */
char *lx_h5_list(int64_t file, char **records, int64_t *nbytes);

/* reads a floating-point dataset of exactly n elements into dst, converted to float32 */
char *lx_h5_read_f32(int64_t file, const char *name, float *dst, int64_t n);

/* writes a little-endian float32 dataset, creating missing parent groups */
char *lx_h5_write_f32(int64_t file, const char *name, const int64_t *dims, int rank,
                      const float *data);

/* sets a fixed-length string attribute on the object at path ("/" for the root): an array of n
 * strings, or one scalar string when scalar != 0 (n must then be 1). Replaces an existing one. */
char *lx_h5_set_attr_strings(int64_t file, const char *path, const char *attr,
                             const char *const *values, int n, int scalar);

/* the HDF5 library version, e.g. "1.10.8" (malloc'd) */
char *lx_h5_version(char **out);

#ifdef __cplusplus
}
#endif
#endif
