// HDF5 reader and writer behind csrc/h5.h. HDF5 reports failures on a per-thread error stack
// that it would print to stderr: printing is switched off at the start of every call (the
// setting is per thread in Debian's thread-safe build) and the stack becomes the message.
#include "h5.h"

#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

char *dup(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p != nullptr) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

herr_t collect(unsigned, const H5E_error2_t *e, void *data) {
  auto *msgs = static_cast<std::vector<std::string> *>(data);
  if (e->desc != nullptr && e->desc[0] != '\0' && (msgs->empty() || msgs->back() != e->desc))
    msgs->push_back(e->desc);
  return 0;
}

// The outermost and innermost descriptions of the current error stack ("unable to open file:
// truncated file: eof = ..."), then the stack is cleared.
std::string stack() {
  std::vector<std::string> msgs;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &msgs);
  H5Eclear2(H5E_DEFAULT);
  if (msgs.empty()) return "HDF5 gave no reason";
  if (msgs.size() == 1) return msgs[0];
  return msgs.front() + ": " + msgs.back();
}

[[noreturn]] void fail(const std::string &what) { throw std::runtime_error(what + ": " + stack()); }

// An HDF5 id closed on scope exit.
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  Id(hid_t i, herr_t (*c)(hid_t), const std::string &what) : id(i), close(c) {
    if (id < 0) fail(what);
  }
  ~Id() {
    if (id >= 0) close(id);
  }
  Id(const Id &) = delete;
  Id &operator=(const Id &) = delete;
};

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Every call holds this lock, so that no thread of ours is inside HDF5 when lx_h5_check forks.
std::mutex g_mu;

template <typename F>
char *guard(F &&body) {
  std::lock_guard<std::mutex> lock(g_mu);
  quiet();
  try {
    body();
  } catch (const std::exception &e) {
    H5Eclear2(H5E_DEFAULT);
    return dup(e.what());
  } catch (...) {
    H5Eclear2(H5E_DEFAULT);
    return dup("unknown C++ exception");
  }
  return nullptr;
}

template <typename T>
void put(std::string &buf, T v) {
  buf.append(reinterpret_cast<const char *>(&v), sizeof v);
}

struct Visit {
  std::string records;
  std::string error;
};

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
// exit matters: 0 or 1 (an HDF5 error, which the real read reports) mean HDF5 came back.
[[noreturn]] void check_child(const char *path, int64_t budget) {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS}) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  quiet();
  // A test hook (binding's tests): make the child fail the way a malformed file can.
  if (const char *fault = getenv("LXMERT_H5_CHECK_FAULT")) {
    if (std::strcmp(fault, "segv") == 0) raise(SIGSEGV);
    if (std::strcmp(fault, "hang") == 0) pause();
  }
  int code = 1;
  try {
    if (H5Fis_hdf5(path) > 0) {
      Id f(H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
      Visit v;
      if (H5Lvisit(f.id, H5_INDEX_NAME, H5_ITER_INC, visit, &v) >= 0) {
        const char *p = v.records.data(), *end = p + v.records.size();
        std::vector<float> buf;
        while (p < end) {
          uint32_t len;
          int32_t cls, size, rank;
          std::memcpy(&len, p, 4);
          std::string name(p + 4, len);
          p += 4 + len;
          std::memcpy(&cls, p, 4), std::memcpy(&size, p + 4, 4), std::memcpy(&rank, p + 8, 4);
          p += 12;
          int64_t n = 1;
          for (int i = 0; i < rank; i++, p += 8) {
            int64_t d;
            std::memcpy(&d, p, 8);
            n = (d != 0 && n > budget / 4 / d) ? budget : n * d;
          }
          if (cls != H5T_FLOAT || rank < 0 || 4 * n > budget) continue;  // the reader refuses these unread
          buf.resize(static_cast<std::size_t>(n));
          Id d(H5Dopen2(f.id, name.c_str(), H5P_DEFAULT), H5Dclose, "open");
          if (n > 0) H5Dread(d.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
        }
        code = 0;
      }
    }
  } catch (...) {
  }
  _exit(code);
}

}  // namespace

extern "C" {

char *lx_h5_check(const char *path, int64_t budget, int64_t timeout_ms) {
  std::lock_guard<std::mutex> lock(g_mu);
  pid_t pid = fork();
  // Without a child (no memory or processes left for one) the file is read unchecked, as
  // any HDF5 program reads it: refusing a good checkpoint then would be worse.
  if (pid < 0) return nullptr;
  if (pid == 0) check_child(path, budget);
  int status = 0;
  for (int64_t waited_us = 0;; waited_us += 2000) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return dup(std::string("waiting for the file check: ") + std::strerror(errno));
    if (waited_us / 1000 > timeout_ms) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      std::string limit = timeout_ms % 1000 == 0 ? std::to_string(timeout_ms / 1000) + " s"
                                                 : std::to_string(timeout_ms) + " ms";
      return dup("HDF5 did not finish reading the file within " + limit + ": the file is malformed");
    }
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, nullptr);
  }
  if (WIFSIGNALED(status))
    return dup("HDF5 crashed reading the file (" + std::string(strsignal(WTERMSIG(status))) +
               "): the file is malformed");
  return nullptr;
}

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

char *lx_h5_create(const char *path, int64_t *file) {
  return guard([&] {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) fail("cannot create");
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

char *lx_h5_version(char **out) {
  return guard([&] {
    unsigned maj = 0, min = 0, rel = 0;
    if (H5get_libversion(&maj, &min, &rel) < 0) fail("version");
    *out = dup(std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel));
  });
}

}  // extern "C"
