// Process groups on torch.distributed's c10d: a TCPStore rendezvous and a ProcessGroupGloo,
// with the store keys Python's init_process_group(backend="gloo", init_method="env://")
// uses, so Go and Python ranks can join one group (and torchrun can start Go workers).
#include <glog/logging.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#include "common.h"
#include "dist.h"
#include "dist_internal.h"

namespace {

std::vector<at::Tensor> tensor_list(const lx_tensor *ts, int n) {
  TORCH_CHECK(n >= 0 && (n == 0 || ts != nullptr), "tensor list: bad length ", n);
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (int i = 0; i < n; i++) out.push_back(lx::T(ts[i]));
  return out;
}

std::shared_ptr<::gloo::transport::Device> device(const lx_pg_options *o, std::string *which) {
  using c10d::ProcessGroupGloo;
  if (o->ifnames != nullptr && o->ifnames[0] != '\0') {
    std::string names(o->ifnames);
    *which = "interface " + names.substr(0, names.find(','));
    return ProcessGroupGloo::createDeviceForInterface(names.substr(0, names.find(',')));
  }
  if (o->hostname != nullptr && o->hostname[0] != '\0') {
    *which = o->hostname;
    return ProcessGroupGloo::createDeviceForHostname(o->hostname);
  }
  *which = "this host's name";
  return ProcessGroupGloo::createDefaultDevice();
}

// torch's _store_based_barrier: every rank adds 1 to the key, then waits for world_size.
void store_barrier(c10d::Store &store, int world, std::chrono::milliseconds timeout) {
  const std::string key = "store_based_barrier_key:1";
  store.add(key, 1);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t n = store.add(key, 0); n < world; n = store.add(key, 0)) {
    TORCH_CHECK(std::chrono::steady_clock::now() - start < timeout,
                "timed out in the store-based barrier after the group was made: ", n, " of ",
                world, " processes arrived");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void wait_all(std::vector<c10::intrusive_ptr<c10d::Work>> &works) {
  for (auto &w : works) w->wait();
}

}  // namespace

extern "C" {

lx_err lx_pg_new(const lx_pg_options *o, lx_pg *out) {
  LX_TRY
  TORCH_CHECK(o != nullptr && o->master_addr != nullptr, "process group: no options");
  TORCH_CHECK(o->world_size >= 1 && o->rank >= 0 && o->rank < o->world_size,
              "process group: rank ", o->rank, " is not in [0, ", o->world_size, ")");
  TORCH_CHECK(o->port > 0 && o->port < 65536, "process group: port ", o->port,
              " is not in [1, 65535]");
  TORCH_CHECK(o->timeout_ms > 0, "process group: the timeout must be positive");
  const std::chrono::milliseconds timeout(o->timeout_ms);
  // c10d and Gloo log their failures to stderr through glog before throwing; the errors
  // returned here say the same with context, and a CLI prints one line per failure.
  FLAGS_minloglevel = std::max(FLAGS_minloglevel, google::GLOG_FATAL);
  auto g = std::make_unique<lx::ProcessGroup>();
  c10d::TCPStoreOptions so;
  so.port = static_cast<std::uint16_t>(o->port);
  so.isServer = o->is_server != 0;
  so.numWorkers = static_cast<std::size_t>(o->world_size);
  so.waitWorkers = true;
  so.timeout = timeout;
  so.multiTenant = o->store_prefix == nullptr || o->store_prefix[0] == '\0';
  c10::intrusive_ptr<c10d::Store> root;
  try {
    root = c10::make_intrusive<c10d::TCPStore>(std::string(o->master_addr), so);
  } catch (const std::exception &e) {
    std::ostringstream msg;
    msg << "rendezvous at " << o->master_addr << ":" << o->port << " ("
        << (so.isServer ? "hosting" : "joining") << " the store): "
        << lx::without_backtrace(e);
    throw std::runtime_error(msg.str());
  }
  root->setTimeout(timeout);
  if (o->store_prefix != nullptr && o->store_prefix[0] != '\0')
    root = c10::make_intrusive<c10d::PrefixStore>(o->store_prefix, root);
  g->own = c10::make_intrusive<c10d::PrefixStore>("lxmert", root);
  auto base = c10::make_intrusive<c10d::PrefixStore>("default_pg", root);
  auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
  std::string dev;
  opts->devices.push_back(device(o, &dev));
  opts->threads = static_cast<int>(opts->devices.size()) * 2;
  try {
    g->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("0", base), o->rank, o->world_size, opts);
    store_barrier(*base, o->world_size, timeout);
    g->pg->setSequenceNumberForGroup();
  } catch (const std::exception &e) {
    std::ostringstream msg;
    msg << "connecting the Gloo group (device on " << dev
        << "): " << lx::without_backtrace(e);
    throw std::runtime_error(msg.str());
  }
  *out = g.release();
  LX_END
}

void lx_pg_free(lx_pg pg) { delete static_cast<lx::ProcessGroup *>(pg); }

lx_err lx_pg_broadcast(lx_pg pg, const lx_tensor *ts, int n, int root) {
  LX_TRY
  auto &g = lx::group(pg);
  at::NoGradGuard ng;
  auto list = tensor_list(ts, n);
  TORCH_CHECK(root >= 0 && root < g.pg->getSize(), "broadcast: root ", root, " is not a rank");
  // Coalesced as DDP's start does: consecutive tensors of one dtype are flattened into
  // buffers of at most 64 MB, broadcast with at most two in flight, and copied back.
  constexpr int64_t cap = int64_t(64) << 20;
  struct Flight {
    std::vector<at::Tensor> parts;
    std::vector<at::Tensor> flat;
    c10::intrusive_ptr<c10d::Work> work;
  };
  std::vector<Flight> flights;
  auto finish = [](Flight &f) {
    f.work->wait();
    int64_t off = 0;
    for (auto &t : f.parts) {
      t.copy_(f.flat[0].narrow(0, off, t.numel()).view(t.sizes()));
      off += t.numel();
    }
  };
  for (size_t i = 0; i < list.size();) {
    Flight f;
    int64_t bytes = 0;
    auto dt = list[i].scalar_type();
    std::vector<at::Tensor> flats;
    while (i < list.size() && list[i].scalar_type() == dt &&
           (f.parts.empty() || bytes + static_cast<int64_t>(list[i].nbytes()) <= cap)) {
      bytes += static_cast<int64_t>(list[i].nbytes());
      f.parts.push_back(list[i]);
      flats.push_back(list[i].reshape(-1));
      i++;
    }
    f.flat = {at::cat(flats)};
    c10d::BroadcastOptions bo;
    bo.rootRank = root;
    f.work = g.pg->broadcast(f.flat, bo);
    flights.push_back(std::move(f));
    if (flights.size() == 2) {
      finish(flights.front());
      flights.erase(flights.begin());
    }
  }
  for (auto &f : flights) finish(f);
  LX_END
}

lx_err lx_pg_allreduce(lx_pg pg, const lx_tensor *ts, int n, int op) {
  LX_TRY
  auto &g = lx::group(pg);
  at::NoGradGuard ng;
  c10d::AllreduceOptions ao;
  switch (op) {
    case 0: ao.reduceOp = c10d::ReduceOp::SUM; break;
    case 1: ao.reduceOp = c10d::ReduceOp::MIN; break;
    case 2: ao.reduceOp = c10d::ReduceOp::MAX; break;
    default: TORCH_CHECK(false, "allreduce: unknown op ", op);
  }
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto &t : tensor_list(ts, n)) {
    TORCH_CHECK(t.is_contiguous(), "allreduce: tensors must be contiguous");
    std::vector<at::Tensor> one{t};
    works.push_back(g.pg->allreduce(one, ao));
  }
  wait_all(works);
  LX_END
}

lx_err lx_pg_allgather(lx_pg pg, lx_tensor in, const lx_tensor *outs, int n) {
  LX_TRY
  auto &g = lx::group(pg);
  at::NoGradGuard ng;
  TORCH_CHECK(n == g.pg->getSize(), "allgather: ", n, " outputs for ", g.pg->getSize(), " ranks");
  std::vector<at::Tensor> input{lx::T(in)};
  std::vector<std::vector<at::Tensor>> output{tensor_list(outs, n)};
  g.pg->allgather(output, input)->wait();
  LX_END
}

lx_err lx_pg_barrier(lx_pg pg) {
  LX_TRY
  lx::group(pg).pg->barrier()->wait();
  LX_END
}

lx_err lx_pg_store_add(lx_pg pg, const char *key, int64_t delta, int64_t *value) {
  LX_TRY
  TORCH_CHECK(key != nullptr, "store: nil key");
  *value = lx::group(pg).own->add(key, delta);
  LX_END
}

}  // extern "C"
