"""A Python rank of a torch.distributed gloo group, for the Go side's interoperability test.

usage: python peer.py   (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT in the environment)

It joins with init_process_group("gloo", init_method="env://") exactly as a PyTorch training
script does, then runs the same collectives as the Go rank, in the same order, and prints
what it ends up with as one JSON line: the Go test checks both ranks hold the same values.
"""
import json
import os
from datetime import timedelta

import torch
import torch.distributed as dist

dist.init_process_group("gloo", init_method="env://", timeout=timedelta(seconds=60))
rank, world = dist.get_rank(), dist.get_world_size()

# Values whose float32 sum depends on order: both ranks must hold identical bits.
x = torch.tensor([0.1 * (rank + 1), 1e8, -3.5, 1.0 / 3.0 * (rank + 1)], dtype=torch.float32)
dist.all_reduce(x)
m = torch.tensor([rank * 10 - 5, 7 - rank], dtype=torch.int64)
dist.all_reduce(m, op=dist.ReduceOp.MAX)
b0 = torch.full((2, 3), float(rank) + 0.5, dtype=torch.float32)
dist.broadcast(b0, src=0)
b1 = torch.arange(5, dtype=torch.int64) * (rank + 1)
dist.broadcast(b1, src=1)
dist.barrier()
print(json.dumps({
    "rank": rank,
    "sum": x.view(torch.int32).tolist(),  # the float32 bits
    "max": m.tolist(),
    "bcast0": b0.flatten().tolist(),
    "bcast1": b1.tolist(),
}))
dist.destroy_process_group()
