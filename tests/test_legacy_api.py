"""The legacy and NumPy-facing API real programs still use, compared with PyTorch.

`autograd.Variable`, `FloatTensor`/`LongTensor`/... as constructors and isinstance targets, the
`Tensor(...)` constructor, `.type()`, `.data` assignment, NumPy's protocol (`np.sin(t)` gives a
tensor, NumPy conversions of a tensor that requires grad raise), and node class names.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import retrograd

CASES = {
    "variable": lambda t: t.autograd.Variable(t.ones(2), requires_grad=True),
    "variable_is_leaf": lambda t: t.autograd.Variable(t.ones(2) * t.ones(2, requires_grad=True)).is_leaf,
    "variable_empty": lambda t: t.autograd.Variable(),
    "variable_isinstance": lambda t: isinstance(t.ones(2), t.autograd.Variable),
    "variable_bad": lambda t: t.autograd.Variable([1, 2]),
    "float_tensor": lambda t: t.FloatTensor([1, 2]),
    "float_tensor_sizes": lambda t: t.FloatTensor(2, 3).shape,
    "float_tensor_size": lambda t: t.FloatTensor(t.Size([4])).shape,
    "float_tensor_negative": lambda t: t.FloatTensor(-1),
    "float_tensor_of_long": lambda t: t.FloatTensor(t.ones(2).long()),
    "long_tensor": lambda t: t.LongTensor([2.5, 1]),
    "byte_tensor": lambda t: t.ByteTensor([1, 2]),
    "bool_tensor": lambda t: t.BoolTensor([1, 0]),
    "double_tensor_empty": lambda t: t.DoubleTensor(),
    "isinstance_legacy": lambda t: (
        isinstance(t.ones(2), t.FloatTensor),
        isinstance(t.ones(2).long(), t.FloatTensor),
        isinstance(t.ones(2).long(), t.LongTensor),
        issubclass(t.FloatTensor, t.Tensor),
    ),
    "legacy_dtype": lambda t: t.HalfTensor.dtype,
    "tensor_ctor_data": lambda t: t.Tensor([1, 2]),
    "tensor_ctor_sizes": lambda t: t.Tensor(2, 3).shape,
    "tensor_ctor_empty": lambda t: t.Tensor(),
    "tensor_ctor_numpy": lambda t: t.Tensor(np.arange(3)),
    "tensor_ctor_alias": lambda t: (lambda x: (t.Tensor(x).data_ptr() == x.data_ptr(), t.Tensor(x) is x))(t.ones(2)),
    "tensor_ctor_in_graph": lambda t: (lambda x: (type(t.Tensor(x).grad_fn).__name__, t.Tensor(x)._base is x))(
        t.ones(2, requires_grad=True)
    ),
    # Tensor subclasses (fastai's TensorImage): made by the constructor, as_subclass, _make_subclass
    "subclass_ctor": lambda t: (lambda c: (c(t.ones(2)), repr(c(t.zeros(2, 2))), c(2, 3).shape, c([1, 2])))(
        _subclass(t)
    ),
    "as_subclass": lambda t: (lambda x: (x.as_subclass(_subclass(t)), x.as_subclass(t.Tensor), _alias_grad(t, x)))(
        t.ones(2, requires_grad=True)
    ),
    "as_subclass_shares_memory": lambda t: (lambda x: (x.as_subclass(_subclass(t)).add_(1), x))(t.zeros(2)),
    "as_subclass_not_a_type": lambda t: t.ones(2).as_subclass(3),
    "as_subclass_not_a_tensor": lambda t: t.ones(2).as_subclass(int),
    "make_subclass": lambda t: t.Tensor._make_subclass(_subclass(t), t.ones(2), True),
    "make_subclass_of_graph": lambda t: t.Tensor._make_subclass(_subclass(t), t.ones(2, requires_grad=True) * 2),
    "make_subclass_long_grad": lambda t: t.Tensor._make_subclass(_subclass(t), t.ones(2).long(), True),
    "tensor_ctor_scalar": lambda t: t.Tensor(3.5),
    "tensor_ctor_ragged": lambda t: t.Tensor([[1, 2], [3]]),
    "type_name": lambda t: (t.ones(2).type(), t.ones(2).long().type(), t.ones(2).bool().type()),
    "type_str": lambda t: t.ones(2).type("torch.LongTensor"),
    "type_cls": lambda t: t.ones(2).type(t.DoubleTensor).dtype,
    "type_dtype": lambda t: t.ones(2).type(t.int32),
    "type_bad": lambda t: t.ones(2).type("torch.Foo"),
    # the plain Tensor class (Pyro's eight-schools example): the default dtype
    "type_tensor_cls": lambda t: t.tensor([28, 8]).type(t.Tensor),
    "type_tensor_str": lambda t: t.tensor([28, 8]).type("torch.Tensor"),
    "data_assign": lambda t: (lambda a: (setattr(a, "data", t.zeros(3)), a.shape, a.requires_grad))(
        t.ones(2, requires_grad=True)
    ),
    "data_assign_dtype": lambda t: (lambda a: (setattr(a, "data", t.zeros(3).long()), a.dtype))(t.ones(2)),
    "data_assign_bad": lambda t: setattr(t.ones(2), "data", [1, 2]),
    "np_sin": lambda t: np.sin(t.ones(2)),
    "np_add_0d": lambda t: np.add(t.tensor(1.0), 1),
    "np_sqrt_0d": lambda t: np.sqrt(t.tensor(4.0)),
    "np_sin_requires_grad": lambda t: np.sin(t.ones(2, requires_grad=True)),
    "np_asarray_requires_grad": lambda t: np.asarray(t.ones(2, requires_grad=True)),
    "np_array_dtype": lambda t: np.array(t.ones(2), dtype=np.float64).dtype,
    "ndarray_operand_promotes": lambda t: t.ones(2) * np.ones(2),
    "numpy_scalar_operand": lambda t: (t.ones(2) * np.float64(2.0)).dtype,
    "node_class_name": lambda t: type((t.ones(2, requires_grad=True) * 2).grad_fn).__name__,
    "custom_function_node": lambda t: _custom_node(t),
    # the legacy `_cast_<Type>` functions (normflows' UniformGaussian calls torch._cast_Long)
    "cast_long": lambda t: t._cast_Long(t.tensor([1.7, -2.5]), non_blocking=True),
    "cast_others": lambda t: tuple(
        getattr(t, "_cast_" + n)(t.tensor([3.5, -1.0]))
        for n in ("Byte", "Char", "Double", "Float", "Half", "Int", "Short")
    ),
    "cast_same_dtype": lambda t: (lambda x: t._cast_Float(x) is x)(t.ones(2)),
    "cast_grad": lambda t: (lambda x: (type(t._cast_Double(x).grad_fn).__name__, t._cast_Long(x).requires_grad))(
        t.ones(2, requires_grad=True)
    ),
    "cast_not_a_tensor": lambda t: t._cast_Long([1, 2]),
}


def _subclass(t):
    return type("Image", (t.Tensor,), {})


def _alias_grad(t, x):
    y = x.as_subclass(_subclass(t))
    (y * 3).sum().backward()
    return type(y.grad_fn).__name__, y._base is x, y.is_leaf, x.grad


def _custom_node(t):
    class MyFn(t.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    y = MyFn.apply(t.ones(2, requires_grad=True))
    return type(y.grad_fn).__name__, y.grad_fn.name()


def _outcome(lib, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = CASES[name](lib)
        except Exception as e:  # noqa: BLE001  (the outcome is compared)
            return ("raises", type(e).__name__)
    return ("value", _plain(value))


def _plain(v):
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    if hasattr(v, "tolist") and hasattr(v, "dtype") and not isinstance(v, np.dtype):
        return (type(v).__name__, str(v.dtype).split(".")[-1], v.tolist())
    if type(v).__name__ == "Size":
        return ("Size", list(v))
    s = str(v)
    return s.replace("torch.", "retrograd.") if "retrograd" not in s else s


def test_every_case_runs_on_retrograd():
    for name in CASES:
        _outcome(retrograd, name)


@pytest.mark.pytorch
@pytest.mark.parametrize("name", sorted(CASES))
def test_legacy_api_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _outcome(retrograd, name), _outcome(torch, name)
    assert ours == theirs


def test_legacy_casts_convert_like_to():
    x = retrograd.tensor([1.7, -2.5], requires_grad=True)
    longs = retrograd._cast_Long(x)
    assert longs.dtype == retrograd.int64 and longs.tolist() == [1, -2] and not longs.requires_grad
    assert retrograd._cast_Float(x) is x
    doubled = retrograd._cast_Double(x)
    assert doubled.dtype == retrograd.float64 and type(doubled.grad_fn).__name__ == "ToCopyBackward0"
    doubled.sum().backward()
    assert x.grad.dtype == retrograd.float32 and x.grad.tolist() == [1.0, 1.0]
    assert retrograd._cast_Byte(retrograd.tensor([3.5])).dtype == retrograd.uint8
    with pytest.raises(TypeError, match=r"^_cast_Long\(\): argument 'input' \(position 1\) must be Tensor, not list$"):
        retrograd._cast_Long([1, 2])


def test_tensor_subclasses_without_torch():
    image = _subclass(retrograd)
    x = retrograd.ones(2, requires_grad=True)
    y = x.as_subclass(image)
    assert type(y) is image and y._base is x and type(y.grad_fn).__name__ == "AliasBackward0"
    assert repr(y) == "Image([1., 1.], grad_fn=<AliasBackward0>)"
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    assert type(image(retrograd.zeros(2))) is image and image(2, 3).shape == (2, 3)
    made = retrograd.Tensor._make_subclass(image, x * 2, True)
    assert type(made) is image and made.is_leaf and made.requires_grad and made.tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match="^cls must be a type \\(got int\\)$"):
        x.as_subclass(3)
    with pytest.raises(TypeError, match="^Creating a Tensor subclass from a class that does not inherit from Tensor"):
        x.as_subclass(int)
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients$"):
        retrograd.Tensor._make_subclass(image, retrograd.ones(2).long(), True)
    alias = retrograd.Tensor(x)  # the legacy constructor's alias stays in the graph
    assert alias._base is x and type(alias.grad_fn).__name__ == "AliasBackward0"


def test_type_of_the_tensor_class_is_the_default_dtype():
    x = retrograd.tensor([28, 8])
    assert x.type(retrograd.Tensor).dtype is retrograd.float32 and x.type("torch.Tensor").tolist() == [28.0, 8.0]
    retrograd.set_default_dtype(retrograd.float64)
    try:
        assert x.type(retrograd.Tensor).dtype is retrograd.float64
    finally:
        retrograd.set_default_dtype(retrograd.float32)


def test_numpy_conversion_of_a_tensor_that_requires_grad_raises():
    x = retrograd.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        np.asarray(x)
    assert np.asarray(x.detach()).tolist() == [1.0, 1.0]


def test_volatile_warns_like_pytorch():
    with pytest.warns(UserWarning, match="volatile was removed"):
        v = retrograd.autograd.Variable(retrograd.ones(2), volatile=True)
    assert not v.requires_grad


def _volatile_story(t):
    """Old code reading and setting `x.volatile`: always False, with a warning each time."""
    x = t.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        seen = [x.volatile]
        x.volatile = True
        seen += [x.volatile, x.requires_grad, (x * 2).volatile]
    return seen, [(w.category.__name__, str(w.message)) for w in caught]


def test_tensor_volatile_is_false_and_warns():
    got, warned = _volatile_story(retrograd)
    assert got == [False, False, True, False]
    read = ("UserWarning", "volatile was removed (Variable.volatile is always False)")
    write = ("UserWarning", "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.")
    assert warned == [read, write, read, read]


@pytest.mark.pytorch
def test_tensor_volatile_vs_torch():
    torch = pytest.importorskip("torch")
    assert _volatile_story(retrograd) == _volatile_story(torch)


def _resize_story(t):
    """Old code's non-inplace `x.resize(...)`/`x.resize_as(y)`: values, gradient, warnings, the size error."""
    x = t.arange(6.0, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = x.resize(2, 3)
        z = x.t() if x.dim() == 2 else x.view(3, 2).t().resize_as(t.zeros(6))
        (y * t.arange(6.0).view(2, 3)).sum().backward()
        try:
            x.resize(4)
            error = None
        except RuntimeError as e:
            error = str(e)
    return (y.tolist(), z.tolist(), x.grad.tolist(), y.requires_grad, error,
            [(w.category, str(w.message)) for w in caught])  # fmt: skip


def test_non_inplace_resize_is_a_reshape_with_a_warning():
    y, z, grad, requires_grad, error, warned = _resize_story(retrograd)
    assert y == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and z == [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]
    assert grad == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and requires_grad
    assert error == ("requested resize to 4 (4 elements in total), but the given tensor has a size of 6 (6 elements). "
                     "autograd's resize can only change the shape of a given tensor, while preserving the number of "
                     "elements. ")  # fmt: skip
    assert warned == [(UserWarning, "non-inplace resize is deprecated"),
                      (UserWarning, "non-inplace resize_as is deprecated"),
                      (UserWarning, "non-inplace resize is deprecated")]  # fmt: skip


@pytest.mark.pytorch
def test_non_inplace_resize_vs_torch():
    torch = pytest.importorskip("torch")
    assert _resize_story(retrograd) == _resize_story(torch)


LEGACY_CONSTRUCTOR_ERRORS = {
    "str": lambda t: t.FloatTensor("abc"),
    "bytes": lambda t: t.Tensor(b"ab"),
    "dict": lambda t: t.LongTensor({1: 2}),
    "set": lambda t: t.Tensor({1, 2}),
    "none": lambda t: t.FloatTensor(None),
    "object": lambda t: t.FloatTensor(object()),
    "float_tensor_to_long": lambda t: t.LongTensor(t.ones(2)),
    "half_tensor_to_float": lambda t: t.FloatTensor(t.ones(2).half()),
}


def _legacy_constructor_error(t, name):
    with pytest.raises(TypeError) as info:
        LEGACY_CONSTRUCTOR_ERRORS[name](t)
    return str(info.value)


def _options(c10_name):
    return (f"TensorOptions(dtype={c10_name}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")  # fmt: skip


def test_legacy_constructor_errors_name_what_they_got():
    """`torch.FloatTensor("abc")`, `torch.LongTensor(float_tensor)`: PyTorch's TypeErrors, word for word."""
    got = {name: _legacy_constructor_error(retrograd, name) for name in LEGACY_CONSTRUCTOR_ERRORS}
    assert got == {
        "str": "new(): invalid data type 'str'",
        "bytes": "new(): invalid data type 'bytes'",
        "dict": "new(): data must be a sequence (got dict)",
        "set": "new(): data must be a sequence (got set)",
        "none": "new(): data must be a sequence (got NoneType)",
        "object": "new(): data must be a sequence (got object)",
        "float_tensor_to_long": f"expected {_options('long int')} (got {_options('float')})",
        "half_tensor_to_float": f"expected {_options('float')} (got {_options('c10::Half')})",
    }


@pytest.mark.pytorch
@pytest.mark.parametrize("name", sorted(LEGACY_CONSTRUCTOR_ERRORS))
def test_legacy_constructor_errors_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert _legacy_constructor_error(retrograd, name) == _legacy_constructor_error(torch, name)


def test_deprecated_alpha_first_add_and_sub_vs_torch(monkeypatch):
    """`p.data.add_(-lr, p.grad.data)` (word_language_model and other older programs): works, with the warning."""
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    results = []
    for t in (retrograd, torch):
        x, y = t.tensor([1.0, 2.0]), t.tensor([0.5, -1.0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = [x.add(2, y), t.add(x, 2, y), x.sub(3, y), x.clone().add_(-0.5, y), x.clone().sub_(2, y)]
        assert any("This overload of add" in str(w.message) for w in caught)
        assert any("add(Number alpha, Tensor other)" in str(w.message) for w in caught)
        results.append([g.tolist() for g in got])
        with pytest.raises(TypeError):
            x.add(y, 2)
    assert results[0] == results[1]


def _deprecated_overload(name, old, new):
    return (f"This overload of {name} is deprecated:\n\t{name}({old})\nConsider using one of the following "
            f"signatures instead:\n\t{name}({new})")  # fmt: skip


_MM_NEW = "Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1"
# Scalars-first calls of old code, their values, and the warning PyTorch 2.13 gives for each when it comes first.
SCALARS_FIRST = {
    "addcmul_": (lambda t, x, m: x.clone().addcmul_(0.5, x, x + 1), [2.0, 5.0],
                 _deprecated_overload("addcmul_", "Number value, Tensor tensor1, Tensor tensor2",
                                      "Tensor tensor1, Tensor tensor2, *, Number value = 1")),
    "addcdiv": (lambda t, x, m: x.addcdiv(2, x, x + 1), [2.0, 10 / 3],
                _deprecated_overload("addcdiv", "Number value, Tensor tensor1, Tensor tensor2",
                                     "Tensor tensor1, Tensor tensor2, *, Number value = 1")),
    "add_": (lambda t, x, m: x.clone().add_(-0.5, x), [0.5, 1.0],
             _deprecated_overload("add_", "Number alpha, Tensor other", "Tensor other, *, Number alpha = 1")),
    "addcmul_out": (lambda t, x, m: t.addcmul(x, 2, x, x, out=t.empty(2)), [3.0, 10.0],
                    _deprecated_overload("addcmul", "Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, "
                                         "Tensor out = None", "Tensor input, Tensor tensor1, Tensor tensor2, *, "
                                         "Number value = 1, Tensor out = None")),
    "addmm": (lambda t, x, m: t.addmm(0.5, m, 2, m, m).sum(1), [35.5, 77.5],
              _deprecated_overload("addmm", "Number beta, Tensor input, Number alpha, Tensor mat1, Tensor mat2, *, "
                                   "Tensor out = None", f"Tensor input, {_MM_NEW}, Tensor out = None")
              + "\n\taddmm(Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, Number beta = 1, "
              "Number alpha = 1, Tensor out = None)"),
    "addmm_": (lambda t, x, m: m.clone().addmm_(0.5, m, m).sum(1), [18.5, 40.5],
               _deprecated_overload("addmm_", "Number beta, Tensor mat1, Tensor mat2", _MM_NEW)),
    "addmv": (lambda t, x, m: t.addmv(0.5, x, 2, m, x), [10.5, 23.0],
              _deprecated_overload("addmv", "Number beta, Tensor input, Number alpha, Tensor mat, Tensor vec, *, "
                                   "Tensor out = None", "Tensor input, Tensor mat, Tensor vec, *, Number beta = 1, "
                                   "Number alpha = 1, Tensor out = None")),
    "addr": (lambda t, x, m: m.addr(0.5, 2, x, x).sum(1), [7.5, 15.5],
             _deprecated_overload("addr", "Number beta, Number alpha, Tensor vec1, Tensor vec2",
                                  "Tensor vec1, Tensor vec2, *, Number beta = 1, Number alpha = 1")),
    "baddbmm": (lambda t, x, m: t.baddbmm(0.5, m[None], m[None], m[None]).sum((0, 2)), [18.5, 40.5],
                _deprecated_overload("baddbmm", "Number beta, Tensor input, Tensor batch1, Tensor batch2, *, "
                                     "Tensor out = None", "Tensor input, Tensor batch1, Tensor batch2, *, "
                                     "Number beta = 1, Number alpha = 1, Tensor out = None")
                + "\n\tbaddbmm(Tensor input, Tensor batch1, Tensor batch2, torch.dtype out_dtype, *, Number beta = 1, "
                "Number alpha = 1, Tensor out = None)"),
    "addbmm_": (lambda t, x, m: m.clone().addbmm_(0.5, 2, m[None], m[None]).sum(1), [35.5, 77.5],
                _deprecated_overload("addbmm_", "Number beta, Number alpha, Tensor batch1, Tensor batch2",
                                     "Tensor batch1, Tensor batch2, *, Number beta = 1, Number alpha = 1")),
}  # fmt: skip


def _scalars_first_run(t, name):
    x, m = t.tensor([1.0, 2.0]), t.tensor([[1.0, 2.0], [3.0, 4.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = SCALARS_FIRST[name][0](t, x, m)
    return got.tolist(), [str(w.message).split(" (Triggered internally")[0] for w in caught]


@pytest.mark.parametrize("name", sorted(SCALARS_FIRST))
def test_deprecated_scalars_first_overloads(monkeypatch, name):
    """`exp_avg_sq.addcmul_(1 - beta2, grad, grad)`, `torch.addmm(beta, M, alpha, m1, m2)`: they run,
    and the first of them in a process warns in PyTorch's words for the form it was called in."""
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    _, expected, message = SCALARS_FIRST[name]
    got, messages = _scalars_first_run(retrograd, name)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert messages == [message]
    assert _scalars_first_run(retrograd, name)[1] == []  # once per process, for all overloads together


SCALAR_TWICE = {
    "add": lambda t, x: x.add(2, x, alpha=3),
    "addcmul_": lambda t, x: x.clone().addcmul_(2, x, x, value=3),
    "addmm": lambda t, x: t.addmm(0.5, t.ones(2, 2), t.ones(2, 2), t.ones(2, 2), beta=2),
}


def _scalar_twice_error(t, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError) as info:
            SCALAR_TWICE[name](t, t.ones(2))
    return str(info.value).splitlines()[0]


def test_deprecated_scalars_first_refuse_the_scalar_twice():
    """`x.add(2, y, alpha=3)` gives alpha twice: PyTorch's TypeError, not one of the two silently."""
    assert _scalar_twice_error(retrograd, "add") == (
        "add() received an invalid combination of arguments - got unrecognized keyword arguments: alpha")
    assert _scalar_twice_error(retrograd, "addcmul_") == (
        "addcmul_() received an invalid combination of arguments - got unrecognized keyword arguments: value")
    assert _scalar_twice_error(retrograd, "addmm").startswith("addmm() received an invalid combination of arguments")


@pytest.mark.pytorch
@pytest.mark.parametrize("name", sorted(SCALAR_TWICE))
def test_deprecated_scalars_first_refuse_the_scalar_twice_vs_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _scalar_twice_error(retrograd, name), _scalar_twice_error(torch, name)
    assert ours == theirs or (name == "addmm" and ours.split(" - ")[0] == theirs.split(" - ")[0])


def test_deprecated_scalars_first_keep_errors():
    x = retrograd.ones(2)
    with pytest.raises(TypeError):
        x.addcmul(0.5, x, x, x)
    with pytest.raises(TypeError):
        retrograd.addmm(x, x, x, 0.5)
    with pytest.raises(TypeError):
        retrograd.addcmul(x, x, x, x)


@pytest.mark.pytorch
@pytest.mark.parametrize("name", sorted(SCALARS_FIRST))
def test_deprecated_scalars_first_overloads_vs_torch(monkeypatch, name):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())
    ours, theirs = _scalars_first_run(retrograd, name), _scalars_first_run(torch, name)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert theirs[1] in ([], ours[1])  # PyTorch says it once per process: only the first test sees it


@pytest.mark.parametrize(
    "name, args",
    [("uniform", (-0.5, 0.5)), ("normal", (0.0, 0.1)), ("constant", (0.3,)), ("eye", ()), ("xavier_uniform", ()),
     ("xavier_normal", ()), ("kaiming_uniform", ()), ("kaiming_normal", ()), ("orthogonal", (2.0,))],
)
def test_deprecated_init_names_vs_torch(name, args):
    """`nn.init.orthogonal(w)` & co (super_resolution, siamese_network): the `_` version, with a FutureWarning."""
    torch = pytest.importorskip("torch")
    values = []
    for t in (retrograd, torch):
        t.manual_seed(0)
        w = t.empty(4, 3, dtype=t.float64)
        with pytest.warns(FutureWarning, match=f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`"):
            out = getattr(t.nn.init, name)(w, *args)
        assert out is w
        values.append(w.numpy())
    np.testing.assert_allclose(values[0], values[1], rtol=1e-6, atol=1e-12)
    assert sorted(retrograd.nn.init.__all__) == sorted(torch.nn.init.__all__)


def default_tensor_type_story(m):
    """What set_default_tensor_type does with each kind of argument, and the dtype it leaves."""
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for t in (m.DoubleTensor, "torch.FloatTensor", m.HalfTensor, m.LongTensor, "torch.cuda.FloatTensor",
                      m.float64, "os", "no_such_module_here"):
                try:
                    m.set_default_tensor_type(t)
                    seen.append(str(m.get_default_dtype()).split(".")[1])
                except (TypeError, ImportError) as e:
                    seen.append((type(e).__name__, str(e)))
        finally:
            m.set_default_dtype(m.float32)
    deprecations = [str(w.message).split(".")[1:2] for w in caught if "set_default_tensor_type" in str(w.message)]
    return seen, deprecations


def test_set_default_tensor_type_sets_the_dtype_of_floating_types():
    import retrograd.legacy_types as legacy

    legacy._deprecation_warned[0] = False
    seen, deprecations = default_tensor_type_story(retrograd)
    only_floats = "only floating-point types are supported as the default type"
    assert seen == [
        "float64", "float32", "float16",
        ("TypeError", only_floats),
        ("TypeError", "type torch.cuda.FloatTensor not available. Torch not compiled with CUDA enabled."),
        ("TypeError", "invalid type object: " + only_floats),
        ("TypeError", "invalid type object: " + only_floats),
        ("ModuleNotFoundError", "No module named 'no_such_module_here'"),
    ]  # fmt: skip
    assert deprecations == [["set_default_tensor_type() is deprecated as of PyTorch 2"]]  # once per process
    assert retrograd.GradScaler is retrograd.amp.GradScaler


def test_set_default_tensor_type_vs_torch():
    torch = pytest.importorskip("torch")
    assert default_tensor_type_story(retrograd)[0] == default_tensor_type_story(torch)[0]
    assert torch.GradScaler("cpu").get_scale() == retrograd.GradScaler("cpu").get_scale()
