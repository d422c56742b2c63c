"""Names PyTorch Geometric reaches for in torch when it is imported and on its everyday paths, and
what they do here: `torch.__config__.show()` (MKL or not), `torch.ops.aten` overloads as table keys,
`torch._C._disabled_torch_function_impl` and `_get_default_device`, `torch.jit._overload`,
`torch._tensor_str`, `torch.distributed.rpc`, the compressed layout objects, `torch._segment_reduce`
over a `ptr` and `Tensor._coalesced_`. None of these tests needs PyG."""

import pytest

import retrograd as rg


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_config_show_reports_the_build_flags():
    shown = rg.__config__.show()
    assert shown.startswith("PyTorch built with:\n")
    assert "USE_CUDA=0" in shown
    assert f"USE_MKL={'ON' if rg.backends.mkl.is_available() else 'OFF'}" in shown
    assert "at::get_num_threads() :" in rg.__config__.parallel_info()
    assert "__config__" in dir(rg)


def test_config_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        shown = m.__config__.show()
        assert shown.startswith("PyTorch built with:\n") and shown.endswith(", \n")
        assert "TORCH_VERSION=2.13.0" in shown and "USE_CUDA=0" in shown
        assert m.__config__.parallel_info().startswith("ATen/Parallel:\n\tat::get_num_threads() : ")


def test_aten_overloads_are_stable_keys_that_call_the_op():
    aten = rg.ops.aten
    assert aten.add.Tensor is aten.add.Tensor and aten.cat is aten.cat
    handlers = {aten.cat.default: "cat", aten.add.Tensor: "add"}
    assert handlers[aten.cat.default] == "cat"
    assert aten.add.Tensor(rg.tensor([1, 2]), rg.tensor([3, 4])).tolist() == [4, 6]
    assert aten.add_.Tensor(rg.tensor([1.0]), 2).tolist() == [3.0]
    assert aten.slice.Tensor(rg.arange(6).view(2, 3), 1, 1, 3).tolist() == [[1, 2], [4, 5]]
    assert aten._to_copy.default(rg.tensor([1, 2]), dtype=rg.float32).dtype is rg.float32
    values, order = aten.sort.stable(rg.tensor([3, 1, 2]), stable=True, dim=0)
    assert values.tolist() == [1, 2, 3] and order.tolist() == [1, 2, 0]
    assert aten.add.Tensor.name() == "aten::add.Tensor" and aten.add.Tensor.overloadpacket is aten.add
    with pytest.raises(NotImplementedError, match="aten._sparse_addmm"):
        aten._sparse_addmm.default(rg.ones(1))
    with pytest.raises(AttributeError, match="'_OpNamespace' 'aten' object has no attribute 'nosuch'"):
        aten.nosuch  # noqa: B018


def test_aten_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        aten = m.ops.aten
        assert repr(aten) == "<module 'torch.ops.aten' from 'torch.ops'>"
        assert repr(aten.add) == "<OpOverloadPacket(op='aten.add')>"
        assert repr(aten.add.Tensor) == "<OpOverload(op='aten.add', overload='Tensor')>"
        assert aten.index_select.default(m.tensor([5, 6, 7]), 0, m.tensor([2, 0])).tolist() == [7, 5]
        assert aten.flip.default(m.tensor([1, 2, 3]), [0]).tolist() == [3, 2, 1]


def test_c_names_for_tensor_subclasses():
    call = rg._C._disabled_torch_function_impl
    assert call(rg.add, (), (rg.tensor(1), 2)).item() == 3
    assert call(rg.mul, (), (rg.tensor(2),), {"other": 5}).item() == 10
    assert rg._C._get_default_device() == "cpu"


def test_c_names_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        assert m._C._disabled_torch_function_impl(m.sub, (), (m.tensor(5), 2)).item() == 3
        assert m._C._get_default_device() == "cpu"


def test_jit_overload_decorators_leave_the_function():
    def f(x):
        return x

    assert rg.jit._overload(f) is f and rg.jit._overload_method(f) is f


def test_tensor_str_formats_the_values():
    from retrograd._tensor_str import PRINT_OPTS, _tensor_str

    assert _tensor_str(rg.tensor([[1.0, 2.0], [3.0, 4.5]]), 0) == "[[1.0000, 2.0000],\n [3.0000, 4.5000]]"
    assert _tensor_str(rg.tensor([[1, 2], [3, 4]]), 7) == "[[1, 2],\n        [3, 4]]"
    assert PRINT_OPTS.threshold == 1000
    assert repr(PRINT_OPTS) == "__PrinterOptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)"


def test_tensor_str_vs_torch():
    torch = _torch()
    from torch import _tensor_str as theirs

    from retrograd import _tensor_str as ours

    for values in ([[1.0, 2.0], [3.0, 4.5]], [[1, 2], [3, 4]], 3.0, [1e-8, 1.0], []):
        for indent in (0, 4):
            assert ours._tensor_str(rg.tensor(values), indent) == theirs._tensor_str(torch.tensor(values), indent)
    assert repr(ours.PRINT_OPTS) == repr(theirs.PRINT_OPTS)


def test_rpc_is_not_available():
    from retrograd.distributed import rpc

    assert rpc.is_available() is False


def test_compressed_layouts_are_named():
    assert [repr(x) for x in (rg.sparse_csr, rg.sparse_csc, rg.sparse_bsr, rg.sparse_bsc)] == [
        "retrograd.sparse_csr", "retrograd.sparse_csc", "retrograd.sparse_bsr", "retrograd.sparse_bsc",
    ]  # fmt: skip
    assert isinstance(rg.sparse_csr, rg.layout) and rg.ones(2).layout != rg.sparse_csr


def test_compressed_layouts_vs_torch():
    torch = _torch()
    for name in ("sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc"):
        assert str(getattr(rg, name)).split(".")[1] == str(getattr(torch, name)).split(".")[1] == name


def test_segment_reduce_over_a_ptr():
    data = rg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    ptr = rg.tensor([0, 1, 1, 4])
    assert rg._segment_reduce is rg.segment_reduce
    assert rg._segment_reduce(data, "sum", offsets=ptr).tolist() == [[1, 2], [0, 0], [15, 18]]
    assert rg._segment_reduce(data, "amax", offsets=ptr).tolist() == [[1, 2], [-float("inf")] * 2, [7, 8]]
    assert rg._segment_reduce(data, "mean", offsets=ptr, initial=0).tolist() == [[1, 2], [0, 0], [5, 6]]


def test_segment_reduce_over_a_ptr_vs_torch():
    torch = _torch()
    rows = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
    for reduce in ("sum", "mean", "amax", "amin", "prod"):
        for initial in (None, 0):
            got = [m._segment_reduce(m.tensor(rows), reduce, offsets=m.tensor([0, 1, 1, 4]), initial=initial)
                   for m in (rg, torch)]  # fmt: skip
            assert got[0].tolist() == got[1].tolist() or reduce == "mean" and initial is None  # NaN rows


def _coo(m):
    return m.sparse_coo_tensor(m.tensor([[1, 0], [0, 1]]), m.tensor([1.0, 2.0]), (2, 2))


def test_coalesced_flag_set_in_place():
    a = _coo(rg)
    assert not a.is_coalesced()
    assert a._coalesced_(True) is a and a.is_coalesced()
    assert a.indices().tolist() == [[1, 0], [0, 1]]  # trusted, not sorted
    with pytest.raises(TypeError, match=r"argument 'coalesced' \(position 1\) must be bool, not int"):
        a._coalesced_(1)
    with pytest.raises(NotImplementedError, match="aten::_coalesced_"):
        rg.ones(2)._coalesced_(True)
    leaf = _coo(rg).requires_grad_()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        leaf._coalesced_(True)


def test_coalesced_flag_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        a = _coo(m)
        assert a._coalesced_(True).is_coalesced() and a.indices().tolist() == [[1, 0], [0, 1]]
        assert a._coalesced_(False).is_coalesced() is False
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            _coo(m).requires_grad_()._coalesced_(True)
