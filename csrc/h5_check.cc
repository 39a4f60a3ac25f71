// lx_h5_check (csrc/h5.h): the reader's HDF5 work run first in a forked child, so that a file
// on which HDF5 crashes or loops costs an error, not the process.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "h5.h"
#include "h5_util.h"

namespace {

using namespace lxh5;

[[noreturn]] void check_child(const char *path, int64_t budget) {
  // A crash should just end the child: default actions, and no core file in the caller's folder.
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
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

int64_t now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

extern "C" {

char *lx_h5_check(const char *path, int64_t budget, int64_t timeout_ms) {
  try {
    std::lock_guard<std::mutex> lock(g_mu);
    pid_t pid = fork();
    // Without a child (no memory or processes left for one) the file is read unchecked, as
    // any HDF5 program reads it: refusing a good checkpoint then would be worse.
    if (pid < 0) return nullptr;
    if (pid == 0) check_child(path, budget);
    const int64_t deadline = now_ms() + timeout_ms;
    int status = 0;
    for (;;) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) return dup_str(std::string("waiting for the file check: ") + std::strerror(errno));
      if (now_ms() > deadline) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        std::string limit = timeout_ms % 1000 == 0 ? std::to_string(timeout_ms / 1000) + " s"
                                                   : std::to_string(timeout_ms) + " ms";
        return dup_str("HDF5 did not finish reading the file within " + limit + ": the file is malformed");
      }
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, nullptr);
    }
    if (WIFSIGNALED(status))
      return dup_str("HDF5 crashed reading the file (" + std::string(strsignal(WTERMSIG(status))) +
                     "): the file is malformed");
    return nullptr;
  } catch (const std::exception &e) {
    return dup_str(std::string("checking the file: ") + e.what());
  }
}

}  // extern "C"
