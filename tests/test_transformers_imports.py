"""Names Hugging Face transformers imports from torch when it loads a model, and what they do here:
DTensor placements and FSDP2 policies (values), DTensor/DeviceMesh/fully_shard/flex_attention
(NotImplementedError when used), the CUDA graph and stream-context classes, and a few private
names (`TransformGetItemToIndex`, `_EXTRA_STATE_KEY_SUFFIX`, `wait_tensor`)."""

import importlib

import pytest

import retrograd as rg


def _placements(m):
    pt = importlib.import_module(m.__name__ + ".distributed.tensor.placement_types")
    shard, strided, rep, part = pt.Shard(0), pt._StridedShard(1, split_factor=2), pt.Replicate(), pt.Partial()
    return (
        [(repr(p), str(p), p.is_shard(), p.is_replicate(), p.is_partial()) for p in (shard, strided, rep, part)],
        shard == pt.Shard(0), shard == strided, isinstance(strided, pt.Shard), len({shard, pt.Shard(0), rep}),
        [pt.Shard.local_shard_size_and_offset(*a) for a in [(10, 3, 2), (10, 4, 3), (2, 4, 3)]],
        pt.__all__,
    )  # fmt: skip


def test_placements():
    rows, same, strided_is_shard, is_subclass, distinct, sizes, names = _placements(rg)
    assert rows == [
        ("Shard(dim=0)", "S(0)", True, False, False), ("_StridedShard(dim=1, sf=2)", "_S(1, 2)", False, False, False),
        ("Replicate()", "R", False, True, False), ("Partial(sum)", "P(sum)", False, False, True),
    ]  # fmt: skip
    assert same and not strided_is_shard and not is_subclass and distinct == 2
    assert sizes == [(2, 8), (1, 9), (0, 2)]
    assert names == ["Placement", "Shard", "Replicate", "Partial"]


def test_placements_vs_torch():
    torch = pytest.importorskip("torch")
    assert _placements(rg) == _placements(torch)


def test_local_shape_and_offset():
    from retrograd.distributed.tensor._utils import compute_local_shape_and_global_offset
    from retrograd.distributed.tensor.placement_types import Replicate, Shard

    class Mesh:  # two mesh dims of 2 ranks; this rank is (1, 0)
        def size(self, dim):
            return 2

        def get_coordinate(self):
            return [1, 0]

    assert compute_local_shape_and_global_offset((5, 4), Mesh(), [Shard(0), Replicate()]) == ((2, 4), (3, 0))
    assert compute_local_shape_and_global_offset((5, 4), Mesh(), [Shard(1), Shard(1)], skip_offset=True) == ((5, 1), ())


def test_dtensor_is_a_type_only():
    from retrograd.distributed.device_mesh import init_device_mesh
    from retrograd.distributed.tensor import DTensor, Shard, distribute_tensor

    assert issubclass(DTensor, rg.Tensor) and not isinstance(rg.ones(2), DTensor)
    with pytest.raises(NotImplementedError, match="retrograd has no DTensor yet"):
        distribute_tensor(rg.ones(2), None, [Shard(0)])
    with pytest.raises(NotImplementedError, match="retrograd has no DeviceMesh yet"):
        init_device_mesh("cpu", (2,))


def _fsdp(m):
    fsdp = importlib.import_module(m.__name__ + ".distributed.fsdp")
    composable = importlib.import_module(m.__name__ + ".distributed._composable.fsdp")
    return repr(fsdp.MixedPrecisionPolicy()), repr(fsdp.CPUOffloadPolicy()), composable.fully_shard is fsdp.fully_shard


def test_fsdp_policies():
    assert _fsdp(rg) == (
        "MixedPrecisionPolicy(param_dtype=None, reduce_dtype=None, output_dtype=None, cast_forward_inputs=True)",
        "CPUOffloadPolicy(pin_memory=True)", True,
    )  # fmt: skip
    with pytest.raises(NotImplementedError, match="retrograd has no FSDP yet"):
        rg.distributed.fsdp.fully_shard(rg.nn.Linear(2, 2))


def test_fsdp_policies_vs_torch():
    torch = pytest.importorskip("torch")
    assert _fsdp(rg) == _fsdp(torch)


def test_functional_collectives_wait_tensor():
    from retrograd.distributed._functional_collectives import all_to_all_single_autograd, wait_tensor

    t = rg.ones(2)
    assert wait_tensor(t) is t and callable(all_to_all_single_autograd)


def _cuda_and_private(m):
    nn = importlib.import_module(m.__name__ + ".nn.modules.module")
    flex = importlib.import_module(m.__name__ + ".nn.attention.flex_attention")
    traced = importlib.import_module(m.__name__ + "._dynamo._trace_wrapped_higher_order_op")
    with pytest.raises(RuntimeError) as info:
        m.cuda.CUDAGraph()
    with m.cuda.stream(None):
        pass
    with traced.TransformGetItemToIndex():
        pass
    return (
        str(info.value), type(m.cuda.stream(None)).__name__, nn._EXTRA_STATE_KEY_SUFFIX,
        flex._DEFAULT_SPARSE_BLOCK_SIZE, flex.AuxRequest(), isinstance(m.cuda.graph, type),
    )  # fmt: skip


def test_cuda_classes_and_private_names():
    assert _cuda_and_private(rg) == (
        "Tried to instantiate dummy base class CUDAGraph", "StreamContext", "_extra_state", 128,
        (False, False), True,
    )  # fmt: skip
    from retrograd.nn.attention.flex_attention import create_block_mask

    with pytest.raises(NotImplementedError, match="retrograd has no flex_attention yet"):
        create_block_mask(lambda b, h, q, k: q >= k, None, None, 4, 4)


def test_cuda_classes_and_private_names_vs_torch():
    torch = pytest.importorskip("torch")
    assert _cuda_and_private(rg) == _cuda_and_private(torch)
