// HDF5 reading behind csrc/h5.h: open, list, read as float32, version.
#include "h5.h"

#include "h5_util.h"

namespace lxh5 {

herr_t visit(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  auto *v = static_cast<Visit *>(data);
  try {
    if (info->type != H5L_TYPE_HARD) throw std::runtime_error(std::string("link ") + name + " is a soft or external link");
    Id obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose, std::string("object ") + name);
    if (H5Iget_type(obj.id) != H5I_DATASET) return 0;
    Id type(H5Dget_type(obj.id), H5Tclose, std::string("dataset ") + name + ": type");
    Id space(H5Dget_space(obj.id), H5Sclose, std::string("dataset ") + name + ": dataspace");
    int rank = 0;
    hsize_t dims[H5S_MAX_RANK];
    switch (H5Sget_simple_extent_type(space.id)) {
      case H5S_NULL:
        rank = -1;
        break;
      case H5S_SCALAR:
        break;
      case H5S_SIMPLE:
        rank = H5Sget_simple_extent_dims(space.id, dims, nullptr);
        if (rank < 0) fail(std::string("dataset ") + name + ": dimensions");
        break;
      default:
        fail(std::string("dataset ") + name + ": dataspace type");
    }
    H5T_class_t cls = H5Tget_class(type.id);
    if (cls == H5T_NO_CLASS) fail(std::string("dataset ") + name + ": type class");
    std::size_t len = std::strlen(name);
    put(v->records, static_cast<uint32_t>(len));
    v->records.append(name, len);
    put(v->records, static_cast<int32_t>(cls));
    put(v->records, static_cast<int32_t>(H5Tget_size(type.id)));
    put(v->records, static_cast<int32_t>(rank));
    for (int i = 0; i < rank; i++) put(v->records, static_cast<int64_t>(dims[i]));
    return 0;
  } catch (const std::exception &e) {
    v->error = e.what();
    return -1;
  }
}

// The child of lx_h5_check: list and read everything the Go reader would, then exit. Only the

}  // namespace lxh5

using namespace lxh5;

extern "C" {

char *lx_h5_open(const char *path, int64_t *file) {
  return guard([&] {
    htri_t is = H5Fis_hdf5(path);
    if (is < 0) fail("cannot open");
    if (is == 0) throw std::runtime_error("not an HDF5 file (no HDF5 signature)");
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) fail("cannot open");
    *file = f;
  });
}

char *lx_h5_close(int64_t file) {
  return guard([&] {
    if (H5Fclose(file) < 0) fail("close");
  });
}

char *lx_h5_list(int64_t file, char **records, int64_t *nbytes) {
  return guard([&] {
    Visit v;
    if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &v) < 0) {
      if (!v.error.empty()) throw std::runtime_error(v.error);
      fail("listing the datasets");
    }
    char *out = static_cast<char *>(std::malloc(v.records.size() + 1));
    if (out == nullptr) throw std::runtime_error("out of memory listing the datasets");
    std::memcpy(out, v.records.data(), v.records.size());
    *records = out;
    *nbytes = static_cast<int64_t>(v.records.size());
  });
}

char *lx_h5_read_f32(int64_t file, const char *name, float *dst, int64_t n) {
  return guard([&] {
    Id d(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, "cannot open the dataset");
    Id type(H5Dget_type(d.id), H5Tclose, "type");
    if (H5Tget_class(type.id) != H5T_FLOAT) throw std::runtime_error("not a floating-point dataset");
    Id space(H5Dget_space(d.id), H5Sclose, "dataspace");
    hssize_t got = H5Sget_simple_extent_npoints(space.id);
    if (got < 0) fail("dataspace");
    if (got != n)
      throw std::runtime_error("holds " + std::to_string(got) + " elements, expected " + std::to_string(n));
    if (n == 0) return;
    if (H5Dread(d.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0) fail("cannot read");
  });
}

char *lx_h5_version(char **out) {
  return guard([&] {
    unsigned maj = 0, min = 0, rel = 0;
    if (H5get_libversion(&maj, &min, &rel) < 0) fail("version");
    *out = dup_str(std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel));
  });
}

}  // extern "C"
