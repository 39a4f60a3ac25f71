// Internal helpers of the HDF5 files (csrc/h5*.cc): messages from HDF5's error stack, ids
// closed on scope exit, the call guard and the dataset walk. HDF5 reports failures on a
// per-thread error stack that it would print to stderr: printing is switched off at the start
// of every call (the setting is per thread in Debian's thread-safe build).
#pragma once
#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace lxh5 {

inline char *dup_str(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p != nullptr) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

inline herr_t collect(unsigned, const H5E_error2_t *e, void *data) {
  auto *msgs = static_cast<std::vector<std::string> *>(data);
  if (e->desc != nullptr && e->desc[0] != '\0' && (msgs->empty() || msgs->back() != e->desc))
    msgs->push_back(e->desc);
  return 0;
}

// The outermost and innermost descriptions of the current error stack ("unable to open file:
// truncated file: eof = ..."), then the stack is cleared.
inline std::string stack() {
  std::vector<std::string> msgs;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &msgs);
  H5Eclear2(H5E_DEFAULT);
  if (msgs.empty()) return "HDF5 gave no reason";
  if (msgs.size() == 1) return msgs[0];
  return msgs.front() + ": " + msgs.back();
}

[[noreturn]] inline void fail(const std::string &what) { throw std::runtime_error(what + ": " + stack()); }

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

inline void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Every call holds this lock, so that no thread of ours is inside HDF5 when lx_h5_check forks.
inline std::mutex g_mu;

template <typename F>
char *guard(F &&body) {
  std::lock_guard<std::mutex> lock(g_mu);
  quiet();
  try {
    body();
  } catch (const std::exception &e) {
    H5Eclear2(H5E_DEFAULT);
    return dup_str(e.what());
  } catch (...) {
    H5Eclear2(H5E_DEFAULT);
    return dup_str("unknown C++ exception");
  }
  return nullptr;
}

template <typename T>
inline void put(std::string &buf, T v) {
  buf.append(reinterpret_cast<const char *>(&v), sizeof v);
}

struct Visit {
  std::string records;
  std::string error;
};

// H5Lvisit's callback: appends each dataset's record (see lx_h5_list) to a Visit.
herr_t visit(hid_t group, const char *name, const H5L_info_t *info, void *data);

}  // namespace lxh5
