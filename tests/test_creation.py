"""Tensor creation, dtype inference and promotion, conversions, Python protocols."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def name(dtype) -> str:
    return str(dtype).split(".")[-1]


# --- dtype inference -------------------------------------------------------------------------

DATA = [
    2.0,
    3,
    True,
    [1, 2],
    [1.0, 2],
    [[True, False]],
    [1, 2.5],
    np.float64(1.5),
    np.array([1, 2], np.int32),
    np.array([1.0], np.float16),
    np.array(True),
    [],
    [[1], [2]],
    -7,
]


@pytest.mark.parametrize("data", DATA, ids=[repr(d)[:30] for d in DATA])
def test_tensor_infers_dtype_like_pytorch(data):
    t = rg.tensor(data)
    expected = {
        float: "float32",
        int: "int64",
        bool: "bool",
    }
    if torch is not None:
        assert name(t.dtype) == name(torch.tensor(data).dtype)
        assert tuple(t.shape) == tuple(torch.tensor(data).shape)
    elif type(data) in expected:
        assert name(t.dtype) == expected[type(data)]


def test_default_dtype_changes_inference_and_factories():
    rg.set_default_dtype(rg.float64)
    assert rg.tensor(1.0).dtype == rg.float64
    assert rg.zeros(2).dtype == rg.float64
    assert (rg.tensor([1, 2]) / 2).dtype == rg.float64
    rg.set_default_dtype(rg.float32)
    with pytest.raises(TypeError):
        rg.set_default_dtype(rg.int64)


PROMOTIONS = [
    ("int64", 2.5),
    ("int32", 2),
    ("uint8", -1),
    ("bool", 1),
    ("bool", True),
    ("float16", 2.5),
    ("float32", "float64"),
    ("int32", "int64"),
    ("uint8", "int8"),
    ("int64", "float16"),
    ("bool", "uint8"),
    ("float32", "int64_0d"),
    ("int32", "float64_0d"),
    ("float16", "float64_0d"),
    ("int8", "int64_0d"),
    ("bool", "float32_0d"),
]


def _operand(module, spec, shape=(2,)):
    if isinstance(spec, str):
        dt, _, zero_d = spec.partition("_")
        arr = np.ones(() if zero_d else shape, dtype=dt)
        return module.tensor(arr)
    return spec


@needs_torch
@pytest.mark.parametrize("a,b", PROMOTIONS, ids=[f"{a}-{b}" for a, b in PROMOTIONS])
def test_type_promotion_matches_pytorch(a, b):
    for op in ("add", "mul", "div", "sub"):
        try:
            theirs = getattr(torch, op)(_operand(torch, a), _operand(torch, b))
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match=str(e)[:40].replace("(", ".").replace(")", ".")):
                getattr(rg, op)(_operand(rg, a), _operand(rg, b))
            continue
        ours = getattr(rg, op)(_operand(rg, a), _operand(rg, b))
        assert name(ours.dtype) == name(theirs.dtype), (op, a, b)
        np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float))


def test_promote_types():
    assert rg.promote_types(rg.uint8, rg.int8) == rg.int16
    assert rg.promote_types(rg.int64, rg.float16) == rg.float16
    assert rg.promote_types(rg.bool, rg.int32) == rg.int32
    assert rg.result_type(rg.tensor([1, 2]), 1.0) == rg.float32


# --- factories --------------------------------------------------------------------------------

FACTORIES = [
    ("zeros", lambda m: m.zeros(2, 3)),
    ("zeros_tuple", lambda m: m.zeros((2, 3), dtype=m.int32)),
    ("ones", lambda m: m.ones([3])),
    ("full", lambda m: m.full((2, 2), 7)),
    ("full_float", lambda m: m.full((2,), 1.5)),
    ("full_bool", lambda m: m.full((2,), True)),
    ("empty_shape", lambda m: m.empty(2, 0).shape),
    ("zeros_size_keyword", lambda m: m.zeros(size=(2, 3))),
    ("ones_size_keyword", lambda m: m.ones(size=[1, 2], dtype=m.int32)),
    ("empty_size_keyword", lambda m: m.empty(size=(2, 0)).shape),
    ("arange", lambda m: m.arange(5)),
    ("arange_float", lambda m: m.arange(0, 1, 0.25)),
    ("arange_neg", lambda m: m.arange(5, 0, -2)),
    ("linspace", lambda m: m.linspace(0, 1, 5)),
    ("linspace_odd", lambda m: m.linspace(-3.3, 7.1, 9)),
    ("logspace", lambda m: m.logspace(0, 2, 3)),
    ("eye", lambda m: m.eye(3)),
    ("eye_rect", lambda m: m.eye(2, 4, dtype=m.int64)),
    ("zeros_like", lambda m: m.zeros_like(m.ones(2, dtype=m.float64))),
    ("ones_like", lambda m: m.ones_like(m.tensor([1, 2]))),
    ("full_like", lambda m: m.full_like(m.tensor([1.0, 2.0]), 3)),
    ("new_zeros", lambda m: m.tensor([1], dtype=m.int32).new_zeros(2, 2)),
    ("new_ones", lambda m: m.tensor([1.0], dtype=m.float64).new_ones((3,))),
    ("new_full", lambda m: m.tensor([1.0]).new_full((2,), 4.0)),
    ("new_tensor", lambda m: m.tensor([1.0], dtype=m.float64).new_tensor([1, 2])),
]


@needs_torch
@pytest.mark.parametrize("make", [f for _, f in FACTORIES], ids=[n for n, _ in FACTORIES])
def test_factories_match_pytorch(make):
    ours, theirs = make(rg), make(torch)
    if isinstance(theirs, torch.Tensor):
        assert name(ours.dtype) == name(theirs.dtype)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    else:
        assert tuple(ours) == tuple(theirs)


def test_factories_without_torch():
    assert rg.zeros(2, 3).shape == rg.Size([2, 3])
    assert rg.arange(5).dtype == rg.int64
    assert rg.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert rg.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert rg.full((2,), 7).dtype == rg.int64
    assert rg.ones(2, requires_grad=True).requires_grad
    # the shape by keyword, as PyTorch's factories take it
    assert rg.zeros(size=(2, 3)).tolist() == [[0.0] * 3] * 2
    assert rg.ones(size=rg.Size([2]), dtype=rg.int64).tolist() == [1, 1]
    assert rg.empty(size=[0, 4]).shape == rg.Size([0, 4])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: m.zeros(2, size=(3,)), "zeros() got multiple values for argument 'size'"),
        (lambda m: m.ones(size=3), "ones(): argument 'size' must be tuple of ints, not int"),
        (lambda m: m.empty(1, size=[1]), "empty() got multiple values for argument 'size'"),
    ],
)
def test_size_keyword_errors_vs_torch(call, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        call(rg)
    if torch is not None:
        with pytest.raises(TypeError, match=re.escape(message)):
            call(torch)


# the shape methods take their shape by keyword too, under PyTorch's names (DiT's
# `x.reshape(shape=(N, h, w, p, p, c))`, `x.view(size=...)`, `x.permute(dims=...)`)
SHAPE_KEYWORDS = [
    ("reshape_shape", lambda m, x: x.reshape(shape=(4, 6)).shape),
    ("torch_reshape_shape", lambda m, x: m.reshape(input=x, shape=(6, -1)).shape),
    ("view_size", lambda m, x: x.view(size=(4, 6)).shape),
    ("view_dtype", lambda m, x: name(x.view(dtype=m.int32).dtype)),
    ("permute_dims", lambda m, x: x.permute(dims=(2, 0, 1)).shape),
    ("torch_permute_dims", lambda m, x: m.permute(x, dims=[1, 0, 2]).shape),
    ("expand_size", lambda m, x: x[:, :1].expand(size=(2, 3, 4)).shape),
    ("repeat_repeats", lambda m, x: x.repeat(repeats=(1, 2, 1)).shape),
    ("sum_to_size_size", lambda m, x: x.sum_to_size(size=(1, 3, 4)).tolist()),
    ("new_zeros_size", lambda m, x: x.new_zeros(size=(2,)).tolist()),
    ("new_ones_size", lambda m, x: x.new_ones(size=[2, 1]).tolist()),
    ("new_empty_size", lambda m, x: x.new_empty(size=(0, 2)).shape),
    ("arange_end", lambda m, x: m.arange(end=3).tolist()),
    ("arange_start_end", lambda m, x: m.arange(start=1, end=3).tolist()),
    ("full_like_input", lambda m, x: m.full_like(input=x[0, 0], fill_value=3).tolist()),
    # Mamba's `x_dbl.split(split_size=[dt_rank, n, n], dim=-1)`: the method's name differs from the function's
    ("split_split_size", lambda m, x: [t.tolist() for t in x[0, 0].split(split_size=[1, 3], dim=-1)]),
    ("split_split_size_int", lambda m, x: [t.shape for t in x.split(split_size=2, dim=2)]),
    ("torch_split_sections", lambda m, x: [t.shape for t in m.split(x, split_size_or_sections=[2, 1], dim=1)]),
]
SHAPE_KEYWORD_ERRORS = [
    (lambda m, x: x.reshape(6, shape=(6,)), "reshape() got multiple values for argument 'shape'"),
    (lambda m, x: x.reshape(shape=24), "reshape(): argument 'shape' must be tuple of ints, not int"),
    (lambda m, x: x.reshape(), 'reshape() missing 1 required positional arguments: "shape"'),
    (lambda m, x: x.permute(0, dims=(0,)), "permute() got multiple values for argument 'dims'"),
    (lambda m, x: x.permute(), 'permute() missing 1 required positional arguments: "dims"'),
    (lambda m, x: x.expand(2, size=(2,)), "expand() got multiple values for argument 'size'"),
    (lambda m, x: x.repeat(repeats=2), "repeat(): argument 'repeats' must be tuple of ints, not int"),
    (lambda m, x: x.new_zeros(size=2), "new_zeros(): argument 'size' must be tuple of ints, not int"),
    (lambda m, x: x.view(size=(24,), dtype=m.float32),
     "view() received an invalid combination of arguments - got (dtype=torch.dtype, size=tuple, ), but expected one "
     "of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n"),
    (lambda m, x: m.arange(),
     "arange() received an invalid combination of arguments - got (), but expected one of:\n * (Number end, *, "),
]


def test_shape_keywords_without_torch():
    x = rg.arange(24.0).reshape(2, 3, 4)
    assert x.reshape(shape=(4, 6)).shape == rg.Size([4, 6])
    assert x.view(size=[24]).shape == rg.Size([24]) and x.view(dtype=rg.int32).dtype == rg.int32
    assert x.permute(dims=(2, 0, 1)).shape == rg.Size([4, 2, 3])
    assert x[:, :1].expand(size=(2, 3, 4)).shape == x.shape
    assert x.repeat(repeats=(1, 2, 1)).shape == rg.Size([2, 6, 4])
    assert x.sum_to_size(size=(1, 1, 4)).tolist() == [[[60.0, 66.0, 72.0, 78.0]]]
    assert x.new_zeros(size=(2,)).tolist() == [0.0, 0.0]
    assert rg.arange(end=3).tolist() == [0, 1, 2] and rg.arange(start=1, end=3).tolist() == [1, 2]
    assert rg.full_like(input=rg.zeros(2), fill_value=7.0).tolist() == [7.0, 7.0]
    assert [t.tolist() for t in x[0, 0].split(split_size=[1, 3], dim=-1)] == [[0.0], [1.0, 2.0, 3.0]]
    assert [t.shape[1] for t in rg.split(x, split_size_or_sections=2, dim=1)] == [2, 1]
    for call, message in SHAPE_KEYWORD_ERRORS:
        with pytest.raises(TypeError) as got:
            call(rg, x)
        assert str(got.value).replace("retrograd.dtype", "torch.dtype").startswith(message)


@needs_torch
@pytest.mark.parametrize("call", [f for _, f in SHAPE_KEYWORDS], ids=[n for n, _ in SHAPE_KEYWORDS])
def test_shape_keywords_vs_torch(call):
    ours, theirs = call(rg, rg.arange(24.0).reshape(2, 3, 4)), call(torch, torch.arange(24.0).reshape(2, 3, 4))
    assert ours == theirs


@needs_torch
@pytest.mark.parametrize("call, message", SHAPE_KEYWORD_ERRORS)
def test_shape_keyword_errors_vs_torch(call, message):
    with pytest.raises(TypeError) as expected:
        call(torch, torch.arange(24.0).reshape(2, 3, 4))
    assert str(expected.value).startswith(message)


# --- conversions and protocols ---------------------------------------------------------------


def test_attributes():
    t = rg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.size() == rg.Size([2, 3, 4]) and t.size(-1) == 4
    assert t.dim() == t.ndim == 3 and t.numel() == 24 and len(t) == 2
    assert repr(t.shape) == "retrograd.Size([2, 3, 4])"
    assert isinstance(t.shape, tuple) and t.shape[1:] == rg.Size([3, 4])
    assert repr(rg.float64) == "retrograd.float64" and rg.float == rg.float32
    assert t.device == rg.device("cpu") and str(t.device) == "cpu"
    assert t.T.shape == (4, 3, 2) and t.mT.shape == (2, 4, 3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.size(3)


def test_item_tolist_and_python_numbers():
    assert rg.tensor(2.5).item() == 2.5 and isinstance(rg.tensor(3).item(), int)
    assert rg.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert float(rg.tensor([1.5])) == 1.5 and int(rg.tensor(7.9)) == 7
    assert [10, 20, 30][rg.tensor(1)] == 20
    assert bool(rg.tensor(0.0)) is False
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        rg.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(rg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][rg.tensor(1.0)]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(rg.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(rg.tensor(1.0))


def _reversed_tensors(m):
    """`reversed(t)` is one tensor flipped along dim 0 (a 0-d tensor is itself), as PyTorch's `__reversed__`."""
    x = m.arange(6.0, requires_grad=True)
    r = reversed(x.view(2, 3))
    r.select(0, 0).sum().backward()
    scalar = m.tensor(3.0)
    return type(r).__name__, r.tolist(), type(r.grad_fn).__name__, x.grad.tolist(), reversed(scalar) is scalar


def test_reversed_tensor():
    assert _reversed_tensors(rg) == ("Tensor", [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]], "FlipBackward0",
                                     [0.0, 0.0, 0.0, 1.0, 1.0, 1.0], True)


@needs_torch
def test_reversed_tensor_vs_torch():
    assert _reversed_tensors(rg) == _reversed_tensors(torch)


def test_numpy_bridge_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = rg.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5.0 if hasattr(rg.ops, "getitem") and rg.ops.__dict__.get("getitem") else t.tolist()[0] == 5
    t.add_(1)
    assert a.tolist() == [6.0, 1.0, 1.0]
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)
    assert np.asarray(t) is not None and np.asarray(t).dtype == np.float32
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        rg.ones(2, requires_grad=True).numpy()
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.clongdouble"):
        rg.from_numpy(np.zeros(2, np.clongdouble))
    assert rg.from_numpy(np.zeros(2, complex)).dtype == rg.complex128


_REFUSED_ARRAYS = [
    ("object_", np.array([[1.0, True, 3], [4, False, 6.5]], dtype=object)),  # pandas `df.values` of mixed columns
    ("str_", np.array(["1", "2"])),
    ("datetime64", np.array([1, 2], dtype="datetime64[D]")),
    ("void", np.zeros(2, dtype=[("a", "f4")])),
]


@pytest.mark.parametrize("kind,array", _REFUSED_ARRAYS)
@pytest.mark.parametrize("make", ["tensor", "as_tensor", "asarray"])
def test_arrays_of_non_numbers_are_refused_even_with_a_dtype(kind, array, make):
    # d2l's Kaggle chapter converts `df.values.astype(float)` because PyTorch refuses the object array
    for dtype in (None, rg.float32, rg.int64):
        with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{kind}. The only supported"):
            getattr(rg, make)(array, dtype=dtype)
    assert rg.tensor(np.array([1, 2], dtype=object).astype(float), dtype=rg.float32).tolist() == [1.0, 2.0]


@needs_torch
@pytest.mark.parametrize("kind,array", _REFUSED_ARRAYS)
def test_arrays_of_non_numbers_with_a_dtype_vs_torch(kind, array):
    for lib in (rg, torch):
        with pytest.raises(TypeError) as info:
            lib.tensor(array, dtype=lib.float32)
        assert str(info.value).startswith(f"can't convert np.ndarray of type numpy.{kind}.")


def _array_object_changes(m):
    """What changing a shared array object's shape, dtype or flags in place does to the tensor."""
    out = []
    t = m.zeros(2, 3)
    a = t.numpy()
    a.shape = (6,)
    b = np.asarray(t)
    b.shape = (3, 2)
    out.append((tuple(t.shape), a is t.numpy()))
    x = np.zeros(4, dtype=np.float32)
    u = m.from_numpy(x)
    x.shape = (2, 2)
    v = m.as_tensor(x)
    x.dtype = np.int32
    x.flags.writeable = False
    u.add_(1)  # the tensor's memory is still its own to write
    v.add_(1)  # the same memory: 2.0 in both, whose float32 bits x now reads as int32
    out.append((tuple(u.shape), str(u.dtype).split(".")[-1], u.tolist(), tuple(v.shape), x.tolist()))
    return out


def test_numpy_array_objects_are_the_callers_own():
    # fast.ai-style code reshapes the array it got from t.numpy() (or gave to from_numpy) in place
    assert _array_object_changes(rg) == [
        ((2, 3), False),
        ((4,), "float32", [2.0, 2.0, 2.0, 2.0], (2, 2), [[1073741824, 1073741824], [1073741824, 1073741824]]),
    ]


@needs_torch
def test_numpy_array_objects_are_the_callers_own_vs_torch():
    assert _array_object_changes(rg) == _array_object_changes(torch)


def _numpy_conversions(m):
    """What NumPy's constructors make of a tensor: values, whether memory is shared, warnings."""
    import warnings

    out = []
    for convert in (np.asarray, np.array, lambda t: np.array(t, dtype=np.float32, copy=None),
                    lambda t: np.array(t, copy=False), lambda t: np.array(t, dtype=np.float64)):
        t = m.arange(3.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                a = convert(t)
                result = (a.tolist(), str(a.dtype), np.shares_memory(a, t.numpy()))
            except ValueError as error:
                result = ("ValueError", str(error).splitlines()[0])
        out.append((result, [(w.category.__name__, str(w.message)[:39], w.filename) for w in caught]))
    return out


def test_numpy_copies_a_tensor_itself_as_for_pytorchs_array_method():
    # Tensor.__array__ takes no `copy`, as PyTorch's: np.array copies (warning that the keyword is
    # missing), np.array(copy=False) cannot promise a view, np.asarray shares the memory
    warning = [("DeprecationWarning", "__array__ implementation doesn't accept", __file__)]
    assert _numpy_conversions(rg) == [
        (([0.0, 1.0, 2.0], "float32", True), []),
        (([0.0, 1.0, 2.0], "float32", False), warning),
        (([0.0, 1.0, 2.0], "float32", True), []),
        (("ValueError", "Unable to avoid copy while creating an array as requested."), warning),
        (([0.0, 1.0, 2.0], "float64", False), warning),
    ]


@needs_torch
def test_numpy_copies_of_a_tensor_vs_torch():
    assert _numpy_conversions(rg) == _numpy_conversions(torch)


def test_dlpack_round_trip_with_numpy():
    a = np.arange(4.0)
    t = rg.from_dlpack(a)
    assert np.shares_memory(t.numpy(), a)
    back = np.from_dlpack(t)
    assert np.shares_memory(back, a)


@needs_torch
def test_dlpack_with_pytorch():
    pt = torch.arange(4.0)
    t = rg.from_dlpack(pt)
    pt[0] = 10
    assert t.tolist()[0] == 10.0
    back = torch.from_dlpack(t)
    t.add_(1)
    assert back.tolist() == [11.0, 2.0, 3.0, 4.0]


def test_legacy_dlpack_capsule_round_trip():
    import retrograd.utils.dlpack as dlpack

    a = rg.arange(3.0)
    capsule = dlpack.to_dlpack(a)
    assert type(capsule).__name__ == "PyCapsule"
    b = dlpack.from_dlpack(capsule)
    b[0] = 7.0  # the capsule shares a's memory, writable as in PyTorch
    assert a.tolist() == [7.0, 1.0, 2.0] and b.dtype == rg.float32
    with pytest.raises(RuntimeError, match="^from_dlpack received an invalid capsule. Note that DLTensor capsules"):
        dlpack.from_dlpack(capsule)  # a capsule is read once
    with pytest.raises(TypeError, match=r"^_to_dlpack\(\): argument 'data' \(position 1\) must be Tensor, not list$"):
        dlpack.to_dlpack([1])
    assert rg.to_dlpack is dlpack.to_dlpack and rg.from_dlpack is dlpack.from_dlpack
    assert dlpack.__all__ == ["DLDeviceType", "from_dlpack"]
    assert int(dlpack.DLDeviceType.kDLCPU) == 1 and dlpack.DLDeviceType(2).name == "kDLCUDA"
    t = dlpack.from_dlpack(dlpack.to_dlpack(rg.ones(2, 3).t()))  # strides travel with the capsule
    assert t.shape == (3, 2) and t.stride() == (1, 3)


@needs_torch
def test_legacy_dlpack_capsules_vs_torch():
    import torch.utils.dlpack as torch_dlpack

    import retrograd.utils.dlpack as dlpack

    pt = torch.arange(4.0)
    ours = dlpack.from_dlpack(torch_dlpack.to_dlpack(pt))  # PyTorch's capsule read here
    ours[1] = 5.0
    assert pt.tolist() == [0.0, 5.0, 2.0, 3.0]
    back = torch_dlpack.from_dlpack(dlpack.to_dlpack(ours))  # and ours read by PyTorch
    back[2] = 6.0
    assert ours.tolist() == [0.0, 5.0, 6.0, 3.0]
    assert [(d.name, int(d)) for d in dlpack.DLDeviceType] == [(d.name, int(d)) for d in torch_dlpack.DLDeviceType]
    errors = []
    for m, ones in ((torch_dlpack, torch.ones), (dlpack, rg.ones)):
        capsule = m.to_dlpack(ones(1))
        m.from_dlpack(capsule)
        with pytest.raises(RuntimeError) as info:
            m.from_dlpack(capsule)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_to_and_casts():
    t = rg.tensor([1.7, -2.2])
    assert t.to(rg.float64).dtype == rg.float64
    assert t.double().dtype == rg.float64 and t.half().dtype == rg.float16
    assert t.long().tolist() == [1, -2] and t.int().dtype == rg.int32 and t.bool().dtype == rg.bool
    assert t.to("cpu") is t and t.to(t) is t
    assert t.type_as(rg.tensor([1])).dtype == rg.int64
    assert t.to(rg.float32, copy=True) is not t
    with pytest.raises(AssertionError, match="CUDA"):  # PyTorch's type when built without CUDA
        t.to("cuda")
    with pytest.raises(AssertionError, match="CUDA"):
        rg.zeros(2, device="cuda")


def test_cast_is_differentiable():
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    y.sum().backward()
    assert x.grad.dtype == rg.float32 and x.grad.tolist() == [3.0, 3.0]
    assert not x.long().requires_grad


def test_clone_and_contiguous():
    x = rg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0"
    assert x.contiguous() is x
    assert not x.t().is_contiguous() and x.t().contiguous().is_contiguous()


def _clone_strides(lib):
    x = lib.arange(24.0).reshape(2, 3, 4)
    views = [x, x.transpose(0, 2), x.permute(1, 2, 0), x[:, ::2], x[:1].expand(3, 3, 4), x.mT]
    views.append(x.permute(1, 2, 0)[:, ::2])  # gaps: packed, in the same order
    return [
        (v.clone().stride(), v.clone(memory_format=lib.contiguous_format).stride(), v.clone().is_contiguous())
        for v in views
    ]


def test_clone_keeps_the_order_of_strides():
    # PyTorch's preserve_format: the copy keeps the order of the input's strides, without gaps
    assert _clone_strides(rg) == [
        ((12, 4, 1), (12, 4, 1), True),
        ((1, 4, 12), (6, 2, 1), False),
        ((4, 1, 12), (8, 2, 1), False),
        ((8, 4, 1), (8, 4, 1), True),
        ((12, 4, 1), (12, 4, 1), True),
        ((12, 1, 4), (12, 3, 1), False),
        ((2, 1, 6), (4, 2, 1), False),
    ]


@needs_torch
def test_clone_strides_match_pytorch():
    assert _clone_strides(rg) == _clone_strides(torch)


# --- memory formats: channels_last (N, C, H, W) and channels_last_3d (N, C, D, H, W) ---------------


def _format_facts(lib, shape, fmt):
    """What each entry point that takes `memory_format` makes of a row-major tensor of `shape`."""
    t = lib.zeros(shape)
    f = getattr(lib, fmt)
    a, b = t.to(memory_format=f), t.contiguous(memory_format=f)
    return (
        a.stride(), a is t, b.stride(), b is t, t.clone(memory_format=f).stride(),
        [g(t, memory_format=f).stride() for g in (lib.empty_like, lib.zeros_like, lib.ones_like)],
        lib.full_like(t, 2, memory_format=f).stride(),
        a.is_contiguous(), a.is_contiguous(memory_format=f), t.is_contiguous(memory_format=f),
        a.to(memory_format=lib.contiguous_format) is a, lib.empty(shape, memory_format=f).stride(),
    )  # fmt: skip


# PyTorch's answers: size-1 dims may keep any stride (contiguous() then returns the tensor itself,
# to() still copies), a size-0 dim zeroes the strides of the dims after it in memory
_FORMAT_FACTS = [
    ((2, 3, 4, 5), "channels_last", (
        (60, 1, 15, 3), False, (60, 1, 15, 3), False, (60, 1, 15, 3),
        [(60, 1, 15, 3)] * 3, (60, 1, 15, 3), False, True, False, False, (60, 1, 15, 3),
    )),
    ((2, 1, 4, 5), "channels_last", (
        (20, 1, 5, 1), False, (20, 20, 5, 1), True, (20, 1, 5, 1),
        [(20, 1, 5, 1)] * 3, (20, 1, 5, 1), True, True, True, False, (20, 1, 5, 1),
    )),
    ((2, 3, 1, 1), "channels_last", (
        (3, 1, 3, 3), False, (3, 1, 1, 1), True, (3, 1, 3, 3),
        [(3, 1, 3, 3)] * 3, (3, 1, 3, 3), True, True, True, False, (3, 1, 3, 3),
    )),
    ((2, 1, 1, 1), "channels_last", (
        (1, 1, 1, 1), False, (1, 1, 1, 1), True, (1, 1, 1, 1),
        [(1, 1, 1, 1)] * 3, (1, 1, 1, 1), True, True, True, True, (1, 1, 1, 1),
    )),
    ((2, 0, 4, 5), "channels_last", (
        (0, 1, 0, 0), False, (0, 1, 0, 0), False, (0, 1, 0, 0),
        [(0, 1, 0, 0)] * 3, (0, 1, 0, 0), True, True, False, True, (0, 1, 0, 0),
    )),
    ((0, 3, 4, 5), "channels_last", (
        (60, 1, 15, 3), False, (60, 1, 15, 3), False, (60, 1, 15, 3),
        [(60, 1, 15, 3)] * 3, (60, 1, 15, 3), True, True, False, True, (60, 1, 15, 3),
    )),
    ((1, 0, 1, 1), "channels_last", (
        (0, 1, 0, 0), False, (1, 1, 1, 1), True, (0, 1, 0, 0),
        [(0, 1, 0, 0)] * 3, (0, 1, 0, 0), True, True, True, True, (0, 1, 0, 0),
    )),
    ((2, 3, 4, 5, 6), "channels_last_3d", (
        (360, 1, 90, 18, 3), False, (360, 1, 90, 18, 3), False, (360, 1, 90, 18, 3),
        [(360, 1, 90, 18, 3)] * 3, (360, 1, 90, 18, 3), False, True, False, False, (360, 1, 90, 18, 3),
    )),
    ((1, 3, 1, 5, 1), "channels_last_3d", (
        (15, 1, 15, 3, 3), False, (15, 1, 15, 3, 3), False, (15, 1, 15, 3, 3),
        [(15, 1, 15, 3, 3)] * 3, (15, 1, 15, 3, 3), False, True, False, False, (15, 1, 15, 3, 3),
    )),
    ((2, 0, 4, 5, 6), "channels_last_3d", (
        (0, 1, 0, 0, 0), False, (0, 1, 0, 0, 0), False, (0, 1, 0, 0, 0),
        [(0, 1, 0, 0, 0)] * 3, (0, 1, 0, 0, 0), True, True, False, True, (0, 1, 0, 0, 0),
    )),
]


@pytest.mark.parametrize("shape, fmt, expected", _FORMAT_FACTS, ids=lambda v: str(v))
def test_memory_formats_give_pytorchs_strides(shape, fmt, expected):
    assert _format_facts(rg, shape, fmt) == expected


@needs_torch
@pytest.mark.parametrize("shape, fmt, expected", _FORMAT_FACTS, ids=lambda v: str(v))
def test_memory_formats_vs_torch(shape, fmt, expected):
    assert _format_facts(rg, shape, fmt) == _format_facts(torch, shape, fmt)


def _already_laid_out(lib):
    """Tensors whose strides already follow channels_last: to() keeps them, as PyTorch's suggest_memory_format."""
    cl = lib.channels_last
    y = lib.arange(120.0).reshape(2, 3, 4, 5).to(memory_format=cl)
    nhwc = lib.zeros(2, 4, 5, 3).permute(0, 3, 1, 2)
    gaps = y[:, :, ::2]
    return [
        (t.to(memory_format=cl) is t, t.contiguous(memory_format=cl) is t, t.is_contiguous(memory_format=cl),
         t.clone().stride(), t.to(memory_format=lib.preserve_format) is t)
        for t in (y, nhwc, gaps)
    ] + [y.contiguous().stride(), y.tolist() == lib.arange(120.0).reshape(2, 3, 4, 5).tolist()]  # fmt: skip


def test_channels_last_tensors_are_kept_where_pytorch_keeps_them():
    assert _already_laid_out(rg) == [
        (True, True, True, (60, 1, 15, 3), True),
        (True, True, True, (60, 1, 15, 3), True),
        (True, False, False, (30, 1, 15, 3), True),
        (60, 20, 5, 1),
        True,
    ]


@needs_torch
def test_channels_last_tensors_kept_vs_torch():
    assert _already_laid_out(rg) == _already_laid_out(torch)


def _format_errors(lib):
    x3, x4, x5 = lib.ones(2, 3, 4), lib.ones(2, 3, 4, 5), lib.ones(2, 3, 4, 5, 6)
    cl, cl3 = lib.channels_last, lib.channels_last_3d
    calls = [
        lambda: x3.contiguous(memory_format=cl), lambda: x3.clone(memory_format=cl),
        lambda: x3.to(memory_format=cl), lambda: lib.empty_like(x3, memory_format=cl),
        lambda: lib.zeros_like(x3, memory_format=cl), lambda: lib.randn_like(x3, memory_format=cl),
        lambda: x5.to(memory_format=cl), lambda: x4.contiguous(memory_format=cl3),
        lambda: lib.empty(2, 3, memory_format=cl),
        lambda: x4.transpose(2, 3).contiguous(memory_format=lib.preserve_format),
        lambda: x4.contiguous(memory_format=lib.preserve_format) is x4,
        lambda: lib.empty(2, 3, memory_format=lib.preserve_format),
        lambda: x3.is_contiguous(memory_format=cl), lambda: x4.is_contiguous(memory_format=cl3),
    ]  # fmt: skip
    out = []
    for call in calls:
        try:
            out.append(call())
        except RuntimeError as e:
            out.append(str(e))
    return out


def test_memory_format_errors_are_pytorchs():
    rank4 = "required rank 4 tensor to use channels_last format"
    rank5 = "required rank 5 tensor to use channels_last_3d format"
    assert _format_errors(rg) == [rank4] * 7 + [rank5, rank4] + [
        "preserve memory format is unsupported by the contiguous operator", True,
        "unsupported memory format Preserve", False, False,
    ]  # fmt: skip
    for call in (lambda: rg.ones(1).to(memory_format="channels_last"), lambda: rg.ones(1).to(layout=1)):
        with pytest.raises(TypeError, match=r"to\(\) received an invalid combination of arguments"):
            call()
    with pytest.raises(TypeError, match="must be torch.memory_format, not str"):
        rg.ones(1).is_contiguous(memory_format="channels_last")


@needs_torch
def test_memory_format_errors_vs_torch():
    assert _format_errors(rg) == _format_errors(torch)


def _laid_out_graph(lib):
    w = lib.arange(24.0).reshape(1, 2, 3, 4).requires_grad_()
    y = w.to(lib.float64, memory_format=lib.channels_last)
    (y * y).sum().backward()
    c = w.clone(memory_format=lib.channels_last)
    kept = w.contiguous(memory_format=lib.channels_last)
    return (y.grad_fn.name(), y.dtype, y.stride(), y.reshape(-1)[:5].tolist(), w.grad.stride(),
            w.grad.reshape(-1)[:5].tolist(), c.grad_fn.name(), kept.grad_fn.name())  # fmt: skip


def test_relaid_tensors_keep_values_and_gradients():
    assert _laid_out_graph(rg) == (
        "ToCopyBackward0", rg.float64, (24, 1, 8, 2), [0.0, 1.0, 2.0, 3.0, 4.0], (24, 12, 4, 1),
        [0.0, 2.0, 4.0, 6.0, 8.0], "CloneBackward0", "CloneBackward0",
    )  # fmt: skip


@needs_torch
def test_relaid_tensors_vs_torch():
    ours, theirs = _laid_out_graph(rg), _laid_out_graph(torch)
    assert ours[:1] + ours[2:] == theirs[:1] + theirs[2:]
    assert str(ours[1]).split(".")[-1] == str(theirs[1]).split(".")[-1]


def _random_like_in_memory_order(lib):
    """PyTorch's `*_like(memory_format=channels_last)` draws fill the memory in order."""
    x = lib.zeros(2, 3, 2, 2)
    out = []
    for draw in (lambda: lib.rand_like(x, memory_format=lib.channels_last),
                 lambda: lib.randn_like(x, memory_format=lib.channels_last),
                 lambda: lib.randint_like(x, 10, memory_format=lib.channels_last)):  # fmt: skip
        lib.manual_seed(0)
        t = draw()
        out.append((t.stride(), [round(v, 4) for v in t.reshape(-1)[:4].tolist()]))
    return out


def test_random_like_draws_in_memory_order():
    assert _random_like_in_memory_order(rg) == [
        ((12, 1, 6, 3), [0.4963, 0.132, 0.4901, 0.6323]),
        ((12, 1, 6, 3), [1.541, 0.5684, 0.4033, -0.4033]),
        ((12, 1, 6, 3), [4.0, 0.0, 7.0, 3.0]),
    ]


@needs_torch
def test_random_like_draws_in_memory_order_vs_torch():
    assert _random_like_in_memory_order(rg) == _random_like_in_memory_order(torch)


def test_tensor_from_tensor_warns_and_copies():
    x = rg.tensor([1.0])
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        y = rg.tensor(x)
    y.add_(1)
    assert x.tolist() == [1.0]


_ARRAY_LIST_CALLS = {
    "tensor": lambda m, rows: m.tensor(rows),
    "tensor_with_dtype": lambda m, rows: m.tensor(rows, dtype=m.float64),
    "as_tensor_with_dtype": lambda m, rows: m.as_tensor(rows, dtype=m.float32),
    "FloatTensor": lambda m, rows: m.FloatTensor(rows),
    "Tensor": lambda m, rows: m.Tensor(rows),
}


@pytest.mark.parametrize("call", list(_ARRAY_LIST_CALLS))
def test_a_list_of_arrays_warns_once_at_the_callers_line(call, monkeypatch):
    import warnings

    from retrograd import _user_frames

    monkeypatch.setattr(_user_frames, "_warned_once", set())  # as in a new process
    rows = [np.zeros(2, np.float32), np.ones(2, np.float32)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = _ARRAY_LIST_CALLS[call](rg, rows)
        _ARRAY_LIST_CALLS[call](rg, rows)  # once per process, as PyTorch's TORCH_WARN_ONCE
    assert t.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert [str(w.message)[:60] for w in caught] == ["Creating a tensor from a list of numpy.ndarrays is extremely"]
    assert caught[0].filename == __file__


@needs_torch
@pytest.mark.parametrize("call", ["FloatTensor", "tensor_with_dtype"])
def test_a_list_of_arrays_warning_vs_torch(call, tmp_path):
    import os
    import subprocess
    import sys

    script = tmp_path / "rows.py"
    build = {"FloatTensor": "torch.FloatTensor(rows)", "tensor_with_dtype": "torch.tensor(rows, dtype=torch.float64)"}
    script.write_text(f"import numpy as np\nimport torch\nrows = [np.zeros(2), np.ones(2)]\nprint({build[call]})\n")
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    ours = subprocess.run([sys.executable, "-m", "retrograd", "run", str(script)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=src), timeout=120)
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ours.stdout == theirs.stdout
    # PyTorch's message ends with the C++ source line it was raised at, which retrograd has not
    assert ours.stderr == re.sub(r" \(Triggered internally at [^)]*\)", "", theirs.stderr)


# --- evenly spaced values, to the last bit ---------------------------------------------------

SPACED = [(0, 1, 50), (-1, 1, 100), (0, 10, 1000), (0.1, 0.7, 33), (-3.3, 7.1, 257), (1e-3, 5, 64),
          (0, 2 * np.pi, 200), (3, -2, 77), (0, 1, 31), (0, 1, 32), (-2.5, 4.5, 9)]
STEPPED = [(-1, 1, 0.1), (0, 5, 0.3), (0.5, 10.2, 0.7), (-3, 3, 0.01), (1e-3, 2, 0.013), (10, -2, -0.35),
           (0, 100, 0.1), (0, 100, 3)]


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "float16", "bfloat16"])
@pytest.mark.parametrize("bounds", SPACED, ids=str)
def test_linspace_bits_match_pytorch(bounds, dtype):
    if dtype == "bfloat16" and not hasattr(rg, "bfloat16"):
        pytest.skip("bfloat16 needs ml_dtypes")
    ours = rg.linspace(*bounds, dtype=getattr(rg, dtype)).double().numpy()
    theirs = torch.linspace(*bounds, dtype=getattr(torch, dtype)).double().numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_linspace_in_16_bit_floats_rounds_each_operation():
    # step = -1/3 rounded to half (-0.33325...), then 1 + step rounded again: 0.66699..., not the
    # nearest half to 2/3 (0.66650...)
    assert rg.linspace(1, 0, 4, dtype=rg.float16).tolist() == [1.0, 0.6669921875, 0.333251953125, 0.0]
    if hasattr(rg, "bfloat16"):
        assert rg.linspace(1, 0, 4, dtype=rg.bfloat16).tolist() == [1.0, 0.6640625, 0.333984375, 0.0]


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("bounds", STEPPED, ids=str)
def test_arange_bits_match_pytorch(bounds, dtype):
    if dtype == "bfloat16" and not hasattr(rg, "bfloat16"):
        pytest.skip("bfloat16 needs ml_dtypes")
    ours = rg.arange(*bounds, dtype=getattr(rg, dtype)).double().numpy()
    theirs = torch.arange(*bounds, dtype=getattr(torch, dtype)).double().numpy()
    np.testing.assert_array_equal(ours, theirs)


@needs_torch
def test_linspace_complex_bounds_and_tensor_bounds():
    assert rg.linspace(1 + 1j, 3 - 2j, 5).dtype == rg.complex64
    np.testing.assert_array_equal(rg.linspace(1 + 1j, 3 - 2j, 5).numpy(), torch.linspace(1 + 1j, 3 - 2j, 5).numpy())
    np.testing.assert_array_equal(rg.linspace(rg.tensor(0.5), rg.tensor(2.0), 7).numpy(),
                                  torch.linspace(torch.tensor(0.5), torch.tensor(2.0), 7).numpy())


# logspace reads its arguments as linspace does (PyTorch's parser: Number or 0-d Tensor bounds, an int
# count); it named linspace in its message, and a string bound was NumPy's ValueError
_LOGSPACE_BAD_ARGUMENTS = {
    "string end": ((0, "a", 3), "logspace() received an invalid combination of arguments - got (int, str, int), "),
    "float steps": ((0, 1, 2.5), "logspace() received an invalid combination of arguments - got (int, int, float), "),
    "None steps": ((0, 1, None), "logspace() received an invalid combination of arguments - got (int, int, NoneType)"),
}


@pytest.mark.parametrize("case", sorted(_LOGSPACE_BAD_ARGUMENTS))
def test_logspace_refuses_what_its_parser_refuses(case):
    args, message = _LOGSPACE_BAD_ARGUMENTS[case]
    with pytest.raises(TypeError) as got:
        rg.logspace(*args)
    assert str(got.value).startswith(message)
    assert " * (Tensor start, Tensor end, int steps, float base = 10.0, *, Tensor out = None, " in str(got.value)
    assert rg.logspace(rg.tensor(0.0), 2, 3).tolist() == [1.0, 10.0, 100.0]  # a 0-d tensor bound is its value


@needs_torch
@pytest.mark.parametrize("case", sorted(_LOGSPACE_BAD_ARGUMENTS))
def test_logspace_bad_arguments_vs_torch(case):
    args, _ = _LOGSPACE_BAD_ARGUMENTS[case]
    with pytest.raises(TypeError) as theirs:
        torch.logspace(*args)
    with pytest.raises(TypeError) as ours:
        rg.logspace(*args)
    assert str(ours.value) == str(theirs.value)


# NumPy values inside lists keep their dtype and promote with the rest, item by item, as PyTorch
# reads them (a Python float is the default dtype, a NumPy float64 is float64)
_MIXED_LISTS = {
    "[np.ones(2), np.zeros(2)]": "float64",
    "[np.float64(1.0), 2.0]": "float64",
    "[[np.float64(1.0)], [np.float64(2.0)]]": "float64",
    "[np.ones(2, dtype=np.int32)]": "int32",
    "[np.float32(1), 2.0]": "float32",
    "[np.int64(1), 2.5]": "float32",
    "[np.int32(1), 2]": "int64",
    "[np.ones(2, dtype=np.int32), [1, 2]]": "int64",
    "[np.ones(2, dtype=np.float16), [1.0, 2]]": "float32",
    "[np.complex64(1), 2.0]": "complex64",
    "[np.uint8(3), True]": "uint8",
    "[np.int8(1), np.uint8(2)]": "int16",
    "[np.ones(2, np.float32), np.ones(2)]": "float64",
    "[[1, 2], [np.int16(3), 4]]": "int64",
    "[lib.tensor(2.0, dtype=lib.float64), 3, np.float32(2)]": "float64",
    "range(3)": "int64",
    "[1, 2.5, True]": "float32",
}


@pytest.mark.parametrize("data", _MIXED_LISTS)
def test_tensor_of_lists_mixing_numpy_values_promotes_each_item(data):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lists of arrays: PyTorch's advice to stack them first
        t = rg.tensor(eval(data, {"np": np, "lib": rg}))
        assert t.dtype == getattr(rg, _MIXED_LISTS[data])
        if torch is not None:
            assert str(torch.tensor(eval(data, {"np": np, "lib": torch})).dtype) == f"torch.{_MIXED_LISTS[data]}"
    if "lib" not in data:
        np.testing.assert_array_equal(t.numpy(), np.array(eval(data, {"np": np}), dtype=t.numpy().dtype))


@pytest.mark.parametrize("dtype", ["float64", "int32", "bfloat16", "float16", "complex128", "bool"])
def test_tensor_of_a_tensor_keeps_its_dtype(dtype):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's advice to clone instead
        assert rg.tensor(rg.ones(2, dtype=getattr(rg, dtype))).dtype == getattr(rg, dtype)
        assert rg.tensor(rg.zeros((0, 3), dtype=getattr(rg, dtype))).dtype == getattr(rg, dtype)


def test_asarray_copies_aliases_or_refuses_as_asked():
    import warnings

    a = np.ones(3)
    shared, copied = rg.asarray(a), rg.asarray(a, copy=True)
    a[0] = 5.0
    assert shared.tolist() == [5.0, 1.0, 1.0] and copied.tolist() == [1.0, 1.0, 1.0]
    t = rg.ones(3, requires_grad=True)
    assert rg.asarray(t, requires_grad=True) is t
    assert rg.asarray(t, copy=True, requires_grad=True).grad_fn.name() == "CloneBackward0"
    with pytest.raises(ValueError, match="^can't alias tensor with dtype 'Float' into dtype 'Double'.$"):
        rg.asarray(t, dtype=rg.float64, copy=False)
    with pytest.raises(ValueError, match="^can't alias arbitrary sequence into a tensor.$"):
        rg.asarray([1, 2], copy=False)
    x = t * 2
    detached = rg.asarray(x, requires_grad=False)
    assert not detached.requires_grad and detached.data_ptr() == x.data_ptr()
    assert rg.asarray(np.ones(2, np.float32), requires_grad=True).requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unset requires_grad on a tensor that requires it: PyTorch warns
        assert rg.asarray(t) is t
    if torch is not None:
        for data in ([1, 2.0], np.float64(2), 3, np.arange(3, dtype=np.int32)):
            assert str(rg.asarray(data).dtype).split(".")[1] == str(torch.asarray(data).dtype).split(".")[1]


def test_empty_strided_lays_out_a_storage_just_big_enough():
    t = rg.empty_strided((2, 3), (1, 2))
    assert t.shape == (2, 3) and t.stride() == (1, 2) and not t.is_contiguous()
    assert t.untyped_storage().nbytes() == 24
    assert rg.empty_strided((2, 3), (0, 1)).untyped_storage().nbytes() == 12
    assert rg.empty_strided((0, 3), (3, 1)).untyped_storage().nbytes() == 0
    assert rg.empty_strided((), ()).shape == () and rg.empty_strided((2,), (1,), dtype=rg.int32).dtype == rg.int32
    assert t.fill_(3).tolist() == [[3.0] * 3] * 2
    with pytest.raises(RuntimeError, match=r"^dimensionality of sizes \(2\) must match .* strides \(1\)$"):
        rg.empty_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="^Storage size calculation overflowed"):
        rg.empty_strided((2, 3), (-1, 1))
    if torch is not None:
        for size, stride in (((2, 3), (1, 2)), ((2, 3), (0, 1)), ((4, 1, 2), (2, 7, 1))):
            ours, theirs = rg.empty_strided(size, stride), torch.empty_strided(size, stride)
            assert ours.stride() == theirs.stride()
            assert ours.untyped_storage().nbytes() == theirs.untyped_storage().nbytes()


def test_range_warns_that_it_is_deprecated_on_every_call():
    with pytest.warns(UserWarning, match=r"^torch\.range is deprecated and") as seen:
        assert rg.range(1, 3).tolist() == [1.0, 2.0, 3.0]
        with pytest.raises(RuntimeError, match="inconsistent with step sign"):
            rg.range(5, 4)  # the warning comes before the arguments are checked
    assert len(seen) == 2 and seen[0].filename == __file__


@needs_torch
def test_range_warning_like_torch():
    import warnings

    messages = []
    for m in (torch, rg):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            m.range(0, 2)
        messages.append([(w.category, str(w.message), w.filename) for w in seen])
    assert messages[1] == messages[0]


_NEGATIVE_STRIDES = (
    "At least one stride in the given numpy array is negative, and tensors with negative strides are not currently "
    "supported. (You can probably work around this by making a copy of your array  with array.copy().) "
)


@pytest.mark.parametrize("make", ["from_numpy", "as_tensor", "tensor", "asarray"])
def test_arrays_with_negative_strides_are_refused_as_pytorch(make):
    # PyTorch reads every array through a tensor over its memory, even when it copies it
    for lib in [rg] + ([torch] if (torch := _maybe_torch()) is not None else []):
        with pytest.raises(ValueError) as info:
            getattr(lib, make)(np.arange(6).reshape(2, 3)[:, ::-1])
        assert str(info.value) == _NEGATIVE_STRIDES
        assert getattr(lib, make)(np.arange(4)[::-1].copy()).tolist() == [3, 2, 1, 0]
    assert rg.tensor([np.arange(3)[::-1]]).tolist() == [[2, 1, 0]]  # arrays in a list are read item by item


def test_from_numpy_names_a_numpy_scalar_with_its_module():
    with pytest.raises(TypeError, match=r"^expected np.ndarray \(got numpy.float64\)$"):
        rg.from_numpy(np.float64(1.0))
    with pytest.raises(TypeError, match=r"^expected np.ndarray \(got list\)$"):
        rg.from_numpy([1.0])


def test_sharing_a_read_only_array_warns_once_per_process():
    import subprocess
    import sys

    script = (
        "import warnings, numpy as np, retrograd as rg\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    rg.tensor(np.broadcast_to(np.ones(1), (3,)))\n"  # a copy: nothing to warn of
        "    rg.from_numpy(np.broadcast_to(np.ones(1), (3,)))\n"
        "    rg.as_tensor(np.broadcast_to(np.ones(1), (3,)))\n"
        "print(len(seen), seen[0].filename, str(seen[0].message).split(',')[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1 <string> The given NumPy array is not writable"


def _maybe_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


@pytest.mark.parametrize(
    "make, kernel",
    [
        (lambda: rg.arange(3, dtype=rg.bool), "arange_cpu"),
        (lambda: rg.arange(0, dtype=rg.bool), "arange_cpu"),
        (lambda: rg.linspace(0, 1, 3, dtype=rg.bool), "linspace_cpu"),
        (lambda: rg.logspace(0, 1, 3, dtype=rg.bool), "logspace_cpu"),
        (lambda: rg.arange(3, out=rg.empty(0, dtype=rg.bool)), "arange_cpu"),
    ],
)
def test_ranges_have_no_bool_kernel(make, kernel):
    with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for 'Bool'"):
        make()


def test_an_empty_bool_linspace_is_made():
    assert rg.linspace(0, 1, 0, dtype=rg.bool).dtype == rg.bool


def test_ranges_and_factories_write_into_out_in_its_dtype():
    out = rg.empty(0)
    assert rg.arange(1, 7, 2, out=out) is out and out.tolist() == [1.0, 3.0, 5.0]
    out = rg.empty(0, dtype=rg.int64)
    assert rg.full((2,), 3, out=out) is out and out.tolist() == [3, 3]
    out = rg.empty(0, dtype=rg.float64)
    rg.eye(2, out=out)
    assert out.dtype == rg.float64 and out.tolist() == [[1.0, 0.0], [0.0, 1.0]]


# --- `layout=` and `pin_memory=` keywords (fastai's `TensorBase.new_empty` passes both) -------------

LAYOUT_KEYWORD_CALLS = [
    ("zeros", lambda m, **k: m.zeros(2, **k)),
    ("ones", lambda m, **k: m.ones(2, **k)),
    ("full", lambda m, **k: m.full((2,), 3.0, **k)),
    ("new_zeros", lambda m, **k: m.ones(1, dtype=m.int16).new_zeros(2, **k)),
    ("new_ones", lambda m, **k: m.ones(1, dtype=m.int16).new_ones((2,), **k)),
    ("new_full", lambda m, **k: m.ones(1, dtype=m.int16).new_full((2,), 3, **k)),
    ("new_empty", lambda m, **k: m.ones(1, dtype=m.int16).new_empty(2, **k)),
    ("new_empty_strided", lambda m, **k: m.ones(1, dtype=m.int16).new_empty_strided((2,), (1,), **k)),
]


def test_layout_and_pin_memory_keywords():
    for name, call in LAYOUT_KEYWORD_CALLS:
        for keywords in ({"layout": rg.strided}, {"layout": None}, {"pin_memory": False},
                         {"layout": rg.strided, "pin_memory": False}):
            out = call(rg, **keywords)
            assert out.shape == (2,) and out.layout == rg.strided, (name, keywords)
        assert call(rg).dtype == call(rg, layout=rg.strided, pin_memory=False).dtype
        with pytest.raises(RuntimeError, match="pin_memory=True requires"):  # no accelerator here
            call(rg, pin_memory=True)
    assert rg.zeros(1).new_full((2,), 7, layout=rg.strided).tolist() == [7.0, 7.0]


@pytest.mark.parametrize("name,call", LAYOUT_KEYWORD_CALLS, ids=[n for n, _ in LAYOUT_KEYWORD_CALLS])
def test_layout_and_pin_memory_keywords_vs_torch(name, call):
    torch = pytest.importorskip("torch")
    for keywords in ({"layout": "strided"}, {"pin_memory": False}):
        ours = call(rg, **{k: getattr(rg, v) if k == "layout" else v for k, v in keywords.items()})
        theirs = call(torch, **{k: getattr(torch, v) if k == "layout" else v for k, v in keywords.items()})
        assert tuple(ours.shape) == tuple(theirs.shape), name
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1], name
        if name not in ("new_empty", "new_empty_strided"):  # uninitialised values
            assert ours.tolist() == theirs.tolist()
