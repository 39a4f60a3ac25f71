// HDF5 writing behind csrc/h5.h: float32 datasets and fixed-length string attributes.
#include "h5.h"

#include "h5_util.h"

using namespace lxh5;

extern "C" {

char *lx_h5_create(const char *path, int64_t *file) {
  return guard([&] {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) fail("cannot create");
    *file = f;
  });
}

char *lx_h5_write_f32(int64_t file, const char *name, const int64_t *dims, int rank, const float *data) {
  return guard([&] {
    if (rank < 0 || rank > H5S_MAX_RANK) throw std::runtime_error("rank " + std::to_string(rank) + " out of range");
    std::vector<hsize_t> d(dims, dims + rank);
    Id space(rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, d.data(), nullptr), H5Sclose, "dataspace");
    Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "link properties");
    if (H5Pset_create_intermediate_group(lcpl.id, 1) < 0) fail("link properties");
    Id ds(H5Dcreate2(file, name, H5T_IEEE_F32LE, space.id, lcpl.id, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
          "cannot create the dataset");
    if (H5Dwrite(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail("cannot write");
  });
}

char *lx_h5_set_attr_strings(int64_t file, const char *path, const char *attr, const char *const *values, int n,
                             int scalar) {
  return guard([&] {
    if (n < 0 || (scalar != 0 && n != 1)) throw std::runtime_error("bad string count " + std::to_string(n));
    std::size_t width = 1;
    for (int i = 0; i < n; i++) width = std::max(width, std::strlen(values[i]));
    std::string buf(width * static_cast<std::size_t>(n), '\0');
    for (int i = 0; i < n; i++) std::memcpy(&buf[width * i], values[i], std::strlen(values[i]));
    Id obj(H5Oopen(file, path, H5P_DEFAULT), H5Oclose, "cannot open the object");
    Id type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    if (H5Tset_size(type.id, width) < 0 || H5Tset_strpad(type.id, H5T_STR_NULLPAD) < 0) fail("string type");
    hsize_t dim = static_cast<hsize_t>(n);
    Id space(scalar != 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, nullptr), H5Sclose, "dataspace");
    htri_t exists = H5Aexists(obj.id, attr);
    if (exists < 0) fail("attribute lookup");
    if (exists > 0 && H5Adelete(obj.id, attr) < 0) fail("cannot replace the attribute");
    Id a(H5Acreate2(obj.id, attr, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "cannot create the attribute");
    if (n > 0 && H5Awrite(a.id, type.id, buf.data()) < 0) fail("cannot write the attribute");
  });
}

}  // extern "C"
