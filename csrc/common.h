// Shared helpers for the C boundary: exception capture, handle conversion, grad-mode guard.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "lx.h"

// The message returned when even the error string cannot be allocated: a static string
// (lx_free_str knows not to free it), so a failed malloc is still an error, never NULL
// (which would read as success).
extern "C" char lx_oom_message[];

namespace lx {

inline char *dup_str(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p == nullptr) return lx_oom_message;
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

// dup_out copies a result string; it throws when the copy cannot be made.
inline char *dup_out(const std::string &s) {
  char *p = dup_str(s);
  if (p == lx_oom_message) throw std::bad_alloc();
  return p;
}

inline const at::Tensor &T(lx_tensor t) {
  if (t == nullptr) throw std::invalid_argument("nil tensor handle");
  return *static_cast<at::Tensor *>(t);
}

// Optional handle: NULL becomes an undefined tensor.
inline at::Tensor opt(lx_tensor t) {
  return t == nullptr ? at::Tensor() : *static_cast<at::Tensor *>(t);
}

inline lx_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline c10::ScalarType dtype_of(int code) {
  if (code < 0 || code >= static_cast<int>(c10::ScalarType::NumOptions))
    throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  return static_cast<c10::ScalarType>(code);
}

}  // namespace lx

// LX_TRY/LX_END wrap every exported body: any C++ exception becomes the returned message, so
// no exception ever crosses into Go. c10 errors drop their backtrace, which is noise to a user.
#define LX_TRY try {
#define LX_END                                                  \
  }                                                             \
  catch (const c10::Error &e) {                                 \
    return lx::dup_str(e.what_without_backtrace());             \
  }                                                             \
  catch (const std::exception &e) {                             \
    return lx::dup_str(e.what());                               \
  }                                                             \
  catch (...) {                                                 \
    return lx::dup_str("unknown C++ exception");                \
  }                                                             \
  return nullptr;

// Grad mode for the duration of one call (it is thread-local in libtorch).
#define LX_GRAD(g) c10::AutoGradMode lx_grad_guard_((g) != 0)
