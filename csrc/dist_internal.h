// What csrc/dist.cc and csrc/dist_reducer.cc share: the joined group behind an lx_pg.
#pragma once
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <exception>
#include <stdexcept>
#include <string>

#include "dist.h"

namespace lx {

struct ProcessGroup {
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  c10::intrusive_ptr<c10d::Store> own;  // this library's keys (liveness counters)
};

inline ProcessGroup &group(lx_pg pg) {
  if (pg == nullptr) throw std::invalid_argument("nil or closed process group");
  return *static_cast<ProcessGroup *>(pg);
}

// The message of e without c10's backtrace.
inline std::string without_backtrace(const std::exception &e) {
  if (auto c = dynamic_cast<const c10::Error *>(&e)) return c->what_without_backtrace();
  return e.what();
}

}  // namespace lx
