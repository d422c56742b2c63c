"""Run under `mpiexec -n 2`: every collective against its definition on random data.

Each rank draws the same per-rank arrays from a seed (so it knows what every rank holds) and
checks the collective's result against NumPy's computation of its definition.
"""

import os

import numpy as np

import retrograd as torch
import retrograd.distributed as dist

BACKEND = os.environ.get("RETROGRAD_TEST_BACKEND", "mpi")  # "gloo": the ranks were started without MPI

dist.init_process_group(BACKEND)
rank, world = dist.get_rank(), dist.get_world_size()
assert world == 2, world
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def data(r: int, dtype: str, shape=(3, 4), seed: int = 0) -> np.ndarray:
    """What rank r holds: the same on every rank that asks."""
    g = np.random.default_rng(seed * 100 + r)
    if dtype == "bool":
        return g.random(shape) < 0.5
    if dtype.startswith("float"):
        return g.standard_normal(shape).astype(dtype)
    return g.integers(1, 5, size=shape).astype(dtype)


def T(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a.copy())


def same(t: torch.Tensor, expected: np.ndarray, what: str) -> None:
    got = t.numpy()
    assert got.dtype == expected.dtype, (what, got.dtype, expected.dtype)
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=1e-3 if got.dtype == np.float16 else 1e-6, err_msg=what)
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what)


REDUCE = {
    "SUM": lambda a, b: a | b if a.dtype == bool else a + b,
    "PRODUCT": lambda a, b: a & b if a.dtype == bool else a * b,
    "MAX": np.maximum,
    "MIN": np.minimum,
    "AVG": lambda a, b: ((a + b) / 2).astype(a.dtype),
    "BAND": np.bitwise_and,
    "BOR": np.bitwise_or,
    "BXOR": np.bitwise_xor,
}
checks = 0
for seed, dtype in enumerate(DTYPES):
    mine, other = data(rank, dtype, seed=seed), data(1 - rank, dtype, seed=seed)
    a0, a1 = data(0, dtype, seed=seed), data(1, dtype, seed=seed)
    for name, fn in REDUCE.items():
        integral = dtype != "bool" and dtype[0] in "iu"
        if (name == "AVG" and not dtype.startswith("float")) or (name.startswith("B") and not integral):
            continue
        expected = fn(a0, a1)
        t = T(mine)
        dist.all_reduce(t, op=getattr(dist.ReduceOp, name))
        same(t, expected, f"all_reduce {name} {dtype}")
        t = T(mine)
        work = dist.all_reduce(t, op=getattr(dist.ReduceOp, name), async_op=True)
        assert work.wait() is True
        same(t, expected, f"async all_reduce {name} {dtype}")
        t = T(mine)
        dist.reduce(t, dst=1, op=getattr(dist.ReduceOp, name))
        same(t, expected if rank == 1 else mine, f"reduce {name} {dtype}")
        checks += 3
    t = T(mine)
    dist.broadcast(t, src=1)
    same(t, a1, f"broadcast {dtype}")
    outs = [T(np.zeros_like(mine)) for _ in range(2)]
    dist.all_gather(outs, T(mine))
    same(outs[0], a0, f"all_gather {dtype}")
    same(outs[1], a1, f"all_gather {dtype}")
    out = T(np.zeros((6, 4), dtype=mine.dtype))
    dist.all_gather_into_tensor(out, T(mine))
    same(out, np.concatenate([a0, a1]), f"all_gather_into_tensor {dtype}")
    lists = [[data(r, dtype, seed=seed + 50 + i) for i in range(2)] for r in range(2)]
    out = T(np.zeros_like(mine))
    dist.reduce_scatter(out, [T(x) for x in lists[rank]])
    same(out, REDUCE["SUM"](lists[0][rank], lists[1][rank]), f"reduce_scatter {dtype}")
    big = [np.concatenate(lists[r]) for r in range(2)]
    out = T(np.zeros_like(mine))
    dist.reduce_scatter_tensor(out, T(big[rank]))
    same(out, REDUCE["SUM"](big[0], big[1])[3 * rank : 3 * rank + 3], f"reduce_scatter_tensor {dtype}")
    gl = [T(np.zeros_like(mine)) for _ in range(2)] if rank == 0 else None
    dist.gather(T(mine), gl, dst=0)
    if rank == 0:
        same(gl[0], a0, f"gather {dtype}")
        same(gl[1], a1, f"gather {dtype}")
    t = T(np.zeros_like(mine))
    dist.scatter(t, [T(x) for x in lists[1]] if rank == 1 else None, src=1)
    same(t, lists[1][rank], f"scatter {dtype}")
    t = T(mine)
    if rank == 0:
        dist.send(t, dst=1, tag=3)
        w = dist.isend(T(mine[::-1].copy()), dst=1)
        w.wait()
    else:
        got = T(np.zeros_like(mine))
        assert dist.recv(got, src=0, tag=3) == 0
        same(got, a0, f"send/recv {dtype}")
        w = dist.irecv(got, src=0)
        w.wait()
        same(got, a0[::-1], f"isend/irecv {dtype}")
    checks += 9

# non-contiguous views are written through to their base
base = torch.zeros(4, 6)
view = base[:, ::2]
view.add_(float(rank + 1))
dist.all_reduce(view)
same(base, np.tile(np.array([3.0, 0.0], dtype=np.float32), (4, 3)), "all_reduce on a strided view")
# all_to_all_single, even and uneven
x = T(np.arange(4, dtype=np.float32) + 10 * rank)
y = T(np.zeros(4, dtype=np.float32))
dist.all_to_all_single(y, x)
same(y, np.array([0, 1, 10, 11], dtype=np.float32) + 2 * rank, "all_to_all_single")
# objects
objs = [None, None]
dist.all_gather_object(objs, {"rank": rank})
assert objs == [{"rank": 0}, {"rank": 1}], objs
lst = ["a", 1] if rank == 0 else [None, None]
dist.broadcast_object_list(lst, src=0)
assert lst == ["a", 1], lst
# subgroups: a group of rank 1 alone, and the whole world again
solo = dist.new_group([1])
if rank == 1:
    assert dist.get_rank(solo) == 0 and dist.get_world_size(solo) == 1
    t = T(np.ones(3, dtype=np.float32))
    dist.all_reduce(t, group=solo)
    same(t, np.ones(3, dtype=np.float32), "group of one")
else:
    assert solo is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(solo) == -1
    assert dist.get_process_group_ranks(solo) == [1]  # PyTorch's: the latest group made without this rank
    # made by its members alone: the others get None (PyTorch's), not NON_GROUP_MEMBER
    assert dist.new_group([1], use_local_synchronization=True) is None
both = dist.new_group([0, 1])
t = T(np.ones(2, dtype=np.float64))
dist.all_reduce(t, group=both)
same(t, np.full(2, 2.0), "group of two")
assert dist.barrier() is None
dist.barrier(async_op=True).wait()
# zero copy: a contiguous tensor's memory is where MPI wrote
t = torch.ones(5)
ptr = t.data_ptr()
dist.all_reduce(t)
assert t.data_ptr() == ptr and t.tolist() == [2.0] * 5
# a buffer past 64 KiB: the gloo backend's chunked all-reduce (reduce-scatter, then all-gather)
for dtype in ("float32", "int64"):
    big = T(data(rank, dtype, shape=(300, 101), seed=9))
    dist.all_reduce(big)
    same(big, data(0, dtype, shape=(300, 101), seed=9) + data(1, dtype, shape=(300, 101), seed=9), f"big {dtype}")
    checks += 1
dist.destroy_process_group()
print(f"rank {rank}: {checks} collective checks passed", flush=True)
