/* C API of the data-parallel layer (csrc/dist*.cc): torch.distributed's c10d engine, a
 * TCPStore rendezvous and a ProcessGroupGloo, laid out exactly as Python's
 * init_process_group(backend="gloo", init_method="env://") lays them out, so that a Go rank
 * and a Python rank can share one process group. Same conventions as lx.h: every function
 * that can fail returns NULL or a malloc'd message (free with lx_free_str). */
#ifndef LXMERT_DIST_H_
#define LXMERT_DIST_H_
#include <stdint.h>

#include "lx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *lx_pg;      /* a joined process group: its store and its Gloo group */
typedef void *lx_reducer; /* bucketed gradient averaging driven by autograd hooks */

typedef struct {
  const char *master_addr; /* the TCPStore's host */
  int port;                /* the TCPStore's port */
  int rank, world_size;
  int is_server;            /* host the TCPStore (rank 0, unless torchrun's agent hosts it) */
  const char *store_prefix; /* "" or torchrun's "/worker/attempt_N" */
  const char *ifnames;      /* comma-separated interfaces (GLOO_SOCKET_IFNAME), or "" */
  const char *hostname;     /* else the address to bind Gloo to, or "": this host's name */
  int64_t timeout_ms;       /* rendezvous and every collective */
} lx_pg_options;

/* Joins: the store (rank 0 waits for every peer), the Gloo group, torch's store-based
 * barrier and the group's sequence number, as init_process_group does. */
lx_err lx_pg_new(const lx_pg_options *o, lx_pg *out);
void lx_pg_free(lx_pg pg);
/* c10d::broadcast_coalesced from root into every tensor, in place, without autograd */
lx_err lx_pg_broadcast(lx_pg pg, const lx_tensor *ts, int n, int root);
/* one allreduce per tensor, in place; op: 0 sum, 1 min, 2 max */
lx_err lx_pg_allreduce(lx_pg pg, const lx_tensor *ts, int n, int op);
/* outs[i] receives rank i's `in` (n = world size, same shape and dtype) */
lx_err lx_pg_allgather(lx_pg pg, lx_tensor in, const lx_tensor *outs, int n);
lx_err lx_pg_barrier(lx_pg pg);
/* the store's add (delta 0 reads a counter), on keys of this library's own namespace */
lx_err lx_pg_store_add(lx_pg pg, const char *key, int64_t delta, int64_t *value);

/* DDP-style gradient averaging: parameters go into buckets (in reverse order, the first
 * capped at first_bucket_bytes, the others at bucket_bytes); when an armed backward has
 * accumulated every gradient of a bucket, its average over the group is launched
 * asynchronously (overlapping the rest of the backward), and the end of that backward waits
 * for every bucket and writes the averages back into the gradients. */
lx_err lx_reducer_new(lx_pg pg, const lx_tensor *params, int n, int64_t bucket_bytes,
                      int64_t first_bucket_bytes, lx_reducer *out);
/* arms the backward of loss (the last micro-batch of an optimizer step); parameters the loss
 * does not depend on are final at once. After it, a parameter no rank has a gradient for
 * keeps none; the others hold the mean over the ranks (zeros for ranks without one). */
lx_err lx_reducer_prepare(lx_reducer r, lx_tensor loss);
/* number of buckets and, per bucket, its parameter count and bytes (cap entries) */
lx_err lx_reducer_buckets(lx_reducer r, int64_t *params, int64_t *bytes, int cap, int *n);
void lx_reducer_free(lx_reducer r);

#ifdef __cplusplus
}
#endif
#endif
