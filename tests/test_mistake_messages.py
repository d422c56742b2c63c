"""Common mistakes and the error a learner reads: the type and text PyTorch gives, spelled out here
and compared with PyTorch when it is installed. `lib` is retrograd or torch in each expression."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import retrograd as rg

_UNFLATTEN = "unflatten: Provided sizes {} don't multiply up to the size of dim 1 (4) in the input tensor"
_TO = (
    "to() received an invalid combination of arguments - got ({}), but expected one of:\n"
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n"
)
_DIM1 = "Dimension out of range (expected to be in range of [-1, 0], but got 1)"

MISTAKES = {
    # the condition is broadcast first, then input, then other
    "lib.where(lib.ones(3) > 0, lib.ones(4), lib.zeros(3))": (
        "RuntimeError",
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0",
    ),
    "lib.where(lib.ones(2, 1) > 0, lib.ones(3), lib.zeros(4, 1))": (
        "RuntimeError",
        "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0",
    ),
    # expand names the last misfit dim
    "lib.ones(2, 3).expand_as(lib.ones(4, 5))": (
        "RuntimeError",
        "The expanded size of the tensor (5) must match the existing size (3) at non-singleton "
        "dimension 1.  Target sizes: [4, 5].  Tensor sizes: [2, 3]",
    ),
    "lib.ones(3, 4).unflatten(-1, (2, 3))": ("RuntimeError", _UNFLATTEN.format([2, 3])),
    "lib.ones(3, 4).unflatten(1, (-1, 3))": ("RuntimeError", _UNFLATTEN.format([-1, 3])),
    "lib.ones(3, 4).unflatten(1, ())": ("RuntimeError", "unflatten: sizes must be non-empty"),
    # a src with fewer dims than the index: PyTorch asks it for a size it lacks
    "lib.zeros(3, 4).scatter(1, lib.tensor([[0, 1]]), lib.ones(2))": ("IndexError", _DIM1),
    "lib.zeros(3, 4).scatter_add(0, lib.tensor([[0, 1]]), lib.ones(2))": ("IndexError", _DIM1),
    "lib.zeros(3, 4).scatter(1, lib.tensor([[0, 1]]), lib.ones(2, 2, 2))": (
        "RuntimeError",
        "Index tensor must have the same number of dimensions as src tensor",
    ),
    "lib.zeros(3, 4).scatter(1, lib.tensor([[0, 1]]), lib.ones(3, 1, 1))": (
        "RuntimeError",
        "Index tensor must have the same number of dimensions as src tensor",
    ),
    # int64 arange truncates the step first: 0.3 becomes 0
    "lib.arange(0, 1, 0.3, dtype=lib.long)": ("ValueError", "step must be nonzero"),
    "lib.arange(0, 3.0, -0.3, dtype=lib.long)": (
        "RuntimeError",
        "upper bound and lower bound inconsistent with step sign",
    ),
    # a list or an array where a layer wants a tensor
    "lib.nn.functional.linear(np.ones((2, 4)), lib.ones(3, 4))": (
        "TypeError",
        "linear(): argument 'input' (position 1) must be Tensor, not numpy.ndarray",
    ),
    "lib.nn.Linear(4, 3)([1.0, 2.0, 3.0, 4.0])": (
        "TypeError",
        "linear(): argument 'input' (position 1) must be Tensor, not list",
    ),
    "lib.nn.functional.linear(lib.ones(2), lib.ones(1, 2), [1.0])": (
        "TypeError",
        "linear(): argument 'bias' (position 3) must be Tensor, not list",
    ),
    "lib.nn.LayerNorm(2)(np.ones(2))": (
        "TypeError",
        "layer_norm(): argument 'input' (position 1) must be Tensor, not numpy.ndarray",
    ),
    "lib.nn.functional.layer_norm(lib.ones(2), (2,), [1.0, 1.0])": (
        "TypeError",
        "layer_norm(): argument 'weight' (position 3) must be Tensor, not list",
    ),
    "lib.nn.Embedding(3, 2)([1, 2])": (
        "TypeError",
        "embedding(): argument 'indices' (position 2) must be Tensor, not list",
    ),
    "lib.nn.functional.embedding(lib.tensor([1]), [[1.0]])": (
        "TypeError",
        "embedding(): argument 'weight' (position 1) must be Tensor, not list",
    ),
    "lib.nn.Dropout().eval()([1.0])": (
        "TypeError",
        "dropout(): argument 'input' (position 1) must be Tensor, not list",
    ),
    "lib.nn.CrossEntropyLoss()([[1.0]], lib.tensor([0]))": (
        "TypeError",
        "cross_entropy_loss(): argument 'input' (position 1) must be Tensor, not list",
    ),
    "lib.nn.functional.cross_entropy(lib.ones(1, 2), [0])": (
        "TypeError",
        "cross_entropy_loss(): argument 'target' (position 2) must be Tensor, not list",
    ),
    # device strings, read with PyTorch's grammar
    "lib.device('cuda:-1')": ("RuntimeError", "Invalid device string: 'cuda:-1'"),
    "lib.zeros(2, device='cpu:x')": ("RuntimeError", "Invalid device string: 'cpu:x'"),
    "lib.device('cuda:01')": ("RuntimeError", "Invalid device string: 'cuda:01'"),
    "lib.device('')": ("RuntimeError", "Device string must not be empty"),
    "lib.device('cuda', -1)": ("RuntimeError", "Device index must not be negative"),
    "lib.device('cuda:1', 2)": (
        "RuntimeError",
        "type (string) must not include an index because index was passed explicitly: cuda:1",
    ),
    "lib.device('cpu', 1.0)": ("TypeError", "device(): argument 'index' (position 2) must be int, not float"),
    "lib.device('cuda0')": ("RuntimeError", "Invalid device string: 'cuda0'"),
    "lib.ones(2).to('float32')": ("RuntimeError", "Invalid device string: 'float32'"),
    "lib.ones(2).to(0)": ("RuntimeError", "Cannot access accelerator device when none is available."),
    "lib.ones(2).cuda(0)": ("RuntimeError", "Cannot access accelerator device when none is available."),
    "lib.device(1)": ("RuntimeError", "Cannot access accelerator device when none is available."),
    # to() arguments that fit none of its signatures
    "lib.ones(2).to(dtype='float32')": ("TypeError", _TO.format("dtype=str, ")),
    "lib.ones(2).to('cpu', 'float32')": ("TypeError", _TO.format("str, str")),
    "lib.ones(2).to(lib.float32, non_blocking=2)": ("TypeError", _TO.format("torch.dtype, non_blocking=int")),
    "lib.ones(2).to('cpu', lib.float32, True, True, 1)": (
        "TypeError",
        "to() takes from 0 to 4 positional arguments but 5 were given",
    ),
    # autograd.grad / backward: PyTorch's order of checks
    "lib.autograd.grad([X.sum(), X.prod()], X, grad_outputs=[lib.tensor(1.0)])": (
        "RuntimeError",
        "got 2 tensors and 1 gradients",
    ),
    "lib.autograd.backward([X.sum(), X.prod()], grad_tensors=[lib.tensor(1.0)])": (
        "RuntimeError",
        "got 2 tensors and 1 gradients",
    ),
    "lib.autograd.grad(lib.tensor(3), X)": (
        "RuntimeError",
        "element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    "lib.autograd.grad([X.sum(), lib.ones(3)], X)": (
        "RuntimeError",
        "element 1 of tensors does not require grad and does not have a grad_fn",
    ),
    "lib.tensor([3, 4]).backward()": (
        "RuntimeError",
        "element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    "lib.autograd.grad(X.sum(), [X, 1.0])": (
        "RuntimeError",
        "all inputs have to be Tensors or GradientEdges, but got float",
    ),
    "X.sum().backward(inputs=['w'])": ("RuntimeError", "all inputs have to be Tensors or GradientEdges, but got str"),
    "(X * 2).sum().backward(inputs=[lib.ones(2)])": (
        "RuntimeError",
        "can't retain_grad on Tensor that has requires_grad=False",
    ),
    "lib.autograd.grad((X * 2).sum(), [lib.ones(2)])": (
        "RuntimeError",
        "One of the differentiated Tensors does not require grad",
    ),
    # no CUDA: PyTorch's words
    "lib.zeros(2).cuda()": ("AssertionError", "Torch not compiled with CUDA enabled"),
    "lib.cuda.get_device_name()": ("AssertionError", "Torch not compiled with CUDA enabled"),
    "lib.save({}, '/nonexistent-dir-of-the-mistakes-probe/x.pt')": (
        "RuntimeError",
        "Parent directory /nonexistent-dir-of-the-mistakes-probe does not exist.",
    ),
    # a float tensor in a list read as an integer goes through __index__
    "lib.tensor([lib.tensor(1.0)], dtype=lib.long)": (
        "TypeError",
        "only integer tensors of a single element can be converted to an index",
    ),
    "lib.tensor([lib.tensor([1.5])], dtype=lib.int32)": (
        "TypeError",
        "only integer tensors of a single element can be converted to an index",
    ),
}


def _outcome(lib, expression):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            eval(expression, {"lib": lib, "np": np, "X": lib.ones(3, requires_grad=True)})
        except Exception as e:  # noqa: BLE001 - the outcome is what is compared
            return type(e).__name__, str(e)
    return "ok", ""


@pytest.mark.parametrize("expression", list(MISTAKES))
def test_mistake_in_pytorchs_words(expression):
    assert _outcome(rg, expression) == MISTAKES[expression]


@pytest.mark.parametrize("expression", list(MISTAKES))
def test_mistake_matches_pytorch(expression):
    torch = pytest.importorskip("torch")
    assert _outcome(rg, expression) == _outcome(torch, expression)


@pytest.mark.parametrize(
    ("args", "dtype", "values"),
    [
        ((0, 5, 1.5), "int64", [0, 1, 2, 3, 4]),  # the step truncated to 1
        ((0, 2.5, 1), "int64", [0, 1]),  # the end truncated to 2
        ((0, 5, 2.5), "int64", [0, 2, 4]),
        ((5.5, -2.2, -1.5), "int64", [5, 4, 3, 2, 1, 0, -1]),
        ((0, 5, 1.5), "int32", [0, 1, 2, 3]),  # counted in double, stepped by the truncated step
        ((0, 2.5, 1), "int32", [0, 1, 2]),
    ],
)
def test_integer_arange_of_float_bounds(args, dtype, values):
    assert rg.arange(*args, dtype=getattr(rg, dtype)).tolist() == values


@pytest.mark.parametrize("args", [(0, 5, 1.5), (0, 2.5, 1), (0, 5, 2.5), (-1.5, 3, 1.7), (0, 10, 3.9)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16"])
def test_integer_arange_of_float_bounds_vs_pytorch(args, dtype):
    torch = pytest.importorskip("torch")
    ours, theirs = rg.arange(*args, dtype=getattr(rg, dtype)), torch.arange(*args, dtype=getattr(torch, dtype))
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("lib_name", ["retrograd", "torch"])
def test_a_str_index_warns_as_a_sequence_at_the_users_line(lib_name):
    lib = rg if lib_name == "retrograd" else pytest.importorskip("torch")
    x = lib.ones(3, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError, match="new\\(\\): invalid data type 'str'"):
            x["a"]
        x[[0, slice(None)]]
    assert [str(w.message)[:53] for w in caught] == ["Using a non-tuple sequence for multidimensional index"] * 2
    assert [w.filename for w in caught] == [__file__] * 2


def test_a_tensor_that_requires_grad_read_in_a_list_warns_like_float(monkeypatch):
    """`tensor([t])` reads a float tensor `t` with float(): PyTorch's once-per-process warning."""
    monkeypatch.setitem(sys.modules["retrograd.tensor"]._scalar_warning, "shown", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = rg.tensor([rg.tensor(1.0, requires_grad=True), rg.tensor(2.0)])
        rg.tensor([rg.tensor(3.0, requires_grad=True)])
        rg.tensor([rg.tensor(4, dtype=rg.int64)], dtype=rg.int64)
    assert out.tolist() == [1.0, 2.0] and not out.requires_grad
    assert [str(w.message) for w in caught] == [
        "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
        "Consider using tensor.detach() first."
    ]
    assert caught[0].filename == __file__


_FLOAT_OF_MANY = """
import warnings
import {lib} as m
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    try:
        float(m.ones(2, requires_grad=True))
    except ValueError as e:
        print(e)
print([str(w.message).split(" (Triggered")[0] for w in caught])
"""


def test_float_of_many_elements_that_require_grad_warns_before_refusing(monkeypatch):
    """PyTorch gives its once-per-process scalar warning before the ValueError of a tensor of many
    elements (an energy batch `float(E(x))` where `E(x).sum()` was meant)."""
    monkeypatch.setitem(sys.modules["retrograd.tensor"]._scalar_warning, "shown", False)
    for convert in (float, complex):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars"):
                convert(rg.ones(2, requires_grad=True))
        expected = [] if convert is complex else ["Converting a tensor with requires_grad=True to a scalar"]
        assert [str(w.message)[:55] for w in caught] == expected  # once per process
        assert all(w.filename == __file__ for w in caught)


def test_float_of_many_elements_warning_vs_torch():
    pytest.importorskip("torch")
    import os
    import subprocess

    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

    def run(lib):
        script = _FLOAT_OF_MANY.format(lib=lib)
        env = dict(os.environ, PYTHONPATH=src)
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env).stdout

    assert run("retrograd") == run("torch")
    assert "Converting a tensor with requires_grad=True" in run("torch")


def test_load_to_cuda_names_torch_where_retrograd_stands_in(tmp_path):
    from retrograd._display_name import package_name, set_package_name

    path = tmp_path / "w.pt"
    rg.save({"w": rg.ones(1)}, path)
    before = package_name()
    for name in ("retrograd", "torch"):
        set_package_name(name)
        try:
            with pytest.raises(RuntimeError) as info:
                rg.load(path, map_location="cuda")
        finally:
            set_package_name(before)
        assert str(info.value).startswith(
            f"Attempting to deserialize object on a CUDA device but {name}.cuda.is_available() is False."
        )


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(w.category.__name__, str(w.message).split(" (Triggered internally")[0]) for w in caught]


_EMPTY_INIT = [("UserWarning", "Initializing zero-element tensors is a no-op")]


@pytest.mark.parametrize("init", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_of_an_empty_tensor_warns_every_time(init):
    fill = getattr(rg.nn.init, init)
    assert _warnings_of(lambda: fill(rg.empty(0, 3))) == _EMPTY_INIT
    assert _warnings_of(lambda: fill(rg.empty(0, 3))) == _EMPTY_INIT
    assert _warnings_of(lambda: rg.nn.init.xavier_uniform_(rg.empty(0, 3))) == []


def test_an_empty_linear_warns_as_in_pytorch():
    torch = pytest.importorskip("torch")
    assert _warnings_of(lambda: rg.nn.Linear(0, 2)) == _warnings_of(lambda: torch.nn.Linear(0, 2)) == _EMPTY_INIT


def test_a_byte_condition_in_where_warns_once_per_process(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    byte_mask = rg.tensor([1, 0, 1], dtype=rg.uint8)
    first = _warnings_of(lambda: rg.where(byte_mask, 1.0, 0.0))
    assert first == [
        (
            "UserWarning",
            "where received a uint8 condition tensor. This behavior is deprecated and will "
            "be removed in a future version of PyTorch. Use a boolean condition instead.",
        )
    ]
    assert _warnings_of(lambda: rg.where(byte_mask, 1.0, 0.0)) == []
    assert rg.where(byte_mask, 1.0, 0.0).tolist() == [1.0, 0.0, 1.0]



_SEARCHSORTED_COPY = (
    "torch.searchsorted(): {} tensor is non-contiguous, this will lower the performance due to extra data copy "
    "when converting non-contiguous tensor to contiguous, please use contiguous {} tensor if possible. "
    "This message will only appear once per program."
)


def test_searchsorted_of_a_column_warns_once_per_process_for_each_operand(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    x = rg.arange(12.0).reshape(4, 3)
    edges = rg.tensor([0.0, 5.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert rg.bucketize(x[:, 0], edges).tolist() == [0, 1, 2, 2]  # a column is not contiguous
        rg.searchsorted(edges, x[:, 1])
        assert rg.searchsorted(x[:, 0], x[:, 1].contiguous()).tolist() == [1, 2, 3, 4]
        rg.searchsorted(edges, x[:, 0].contiguous())  # contiguous operands: nothing
        rg.searchsorted(edges, 3.0)
    assert [str(w.message) for w in caught] == [
        _SEARCHSORTED_COPY.format("input value", "input value"),
        _SEARCHSORTED_COPY.format("boundary", "boundary"),
    ]
    assert caught[0].filename == __file__


def test_searchsorted_of_a_column_warns_as_pytorch(tmp_path):
    pytest.importorskip("torch")
    import os
    import re
    import subprocess

    script = tmp_path / "buckets.py"
    script.write_text(
        "import torch\nx = torch.arange(12.0).reshape(4, 3)\nedges = torch.tensor([0.0, 5.0])\n"
        "print(torch.bucketize(x[:, 0], edges), torch.searchsorted(edges, x[:, 1]))\n"
        "print(torch.searchsorted(x[:, 0], x[:, 1].contiguous(), right=True))\n"
    )
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    ours = subprocess.run([sys.executable, "-m", "retrograd", "run", str(script)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=src), timeout=120)
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ours.stdout == theirs.stdout
    # PyTorch's message ends with the C++ source line it was raised at, which retrograd has not
    assert ours.stderr == re.sub(r" \(Triggered internally at [^)]*\)", "", theirs.stderr)

_REMOVED_CALLS = {
    "lstsq": "lib.lstsq(lib.ones(3, 1), lib.ones(3, 2))",
    "symeig": "lib.symeig(lib.eye(2), eigenvectors=True)",
    "eig": "lib.eig(lib.eye(2))",
    "solve": "lib.solve(lib.ones(2, 1), lib.eye(2))",
    "matrix_rank": "lib.matrix_rank(lib.eye(2))",
    "Tensor.lstsq": "lib.ones(3, 1).lstsq(lib.ones(3, 2))",
    "Tensor.symeig": "lib.eye(2).symeig()",
    "Tensor.eig": "lib.eye(2).eig(eigenvectors=True)",
    "Tensor.solve": "lib.ones(2, 1).solve(lib.eye(2))",
}


@pytest.mark.parametrize("name", list(_REMOVED_CALLS))
def test_functions_removed_in_1_9_raise_their_advice(name):
    kind, message = _outcome(rg, _REMOVED_CALLS[name])
    assert kind == "RuntimeError"
    assert message.startswith("This function was deprecated since version 1.9 and is now removed.")
    assert "retrograd.linalg." in message and "torch" not in message


def test_lstsq_advice_in_full():
    from retrograd._display_name import package_name, set_package_name

    before = package_name()
    set_package_name("torch")
    try:
        message = _outcome(rg, "lib.lstsq(lib.ones(3, 1), lib.ones(3, 2))")[1]
    finally:
        set_package_name(before)
    assert message.splitlines()[-3:] == [
        "X, _ = torch.lstsq(B, A).solution[:A.size(1)]",
        "should be replaced with:",
        "X = torch.linalg.lstsq(A, B).solution",
    ]


@pytest.mark.parametrize("name", list(_REMOVED_CALLS))
def test_functions_removed_in_1_9_match_pytorch(name):
    torch = pytest.importorskip("torch")
    from retrograd._display_name import package_name, set_package_name

    before = package_name()
    set_package_name("torch")  # PyTorch's advice names torch
    try:
        ours = _outcome(rg, _REMOVED_CALLS[name])
    finally:
        set_package_name(before)
    assert ours == _outcome(torch, _REMOVED_CALLS[name])


@pytest.mark.parametrize("name", ["retrograd", "torch"])
def test_load_state_dict_of_a_tensor_names_its_class_as_python_would(name):
    from retrograd._display_name import package_name, set_package_name

    before = package_name()
    set_package_name(name)
    try:
        seen = [
            _outcome(rg, f"lib.nn.Linear(1, 1).load_state_dict({arg})")[1]
            for arg in ("lib.zeros(3)", "lib.nn.Parameter(lib.zeros(1))", "[1]")
        ]
    finally:
        set_package_name(before)
    assert seen == [
        f"Expected state_dict to be dict-like, got <class '{name}.Tensor'>.",
        f"Expected state_dict to be dict-like, got <class '{name}.nn.parameter.Parameter'>.",
        "Expected state_dict to be dict-like, got <class 'list'>.",
    ]


def test_to_reads_copy_and_non_blocking_given_by_position():
    x = rg.ones(2, dtype=rg.float64)
    assert x.to(rg.float64, False, True) is not x  # copy=True as the third positional argument
    assert x.to("cpu", rg.float64, False, True) is not x
    assert x.to(rg.float64, False, False) is x


def test_cross_without_dim_warns_once_per_process_even_when_it_then_fails(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError, match="no dimension of size 3 in input"):
            rg.cross(rg.ones(2, 4), rg.ones(2, 4))
        rg.cross(rg.ones(2, 3), rg.ones(2, 3))
        rg.ones(2, 3).cross(rg.ones(2, 3))
    assert [str(w.message).splitlines()[0] for w in caught] == [
        "Using torch.cross without specifying the dim arg is deprecated."
    ]
    assert caught[0].filename == __file__


_LEGACY_NAMES = ["FloatTensor", "DoubleTensor", "LongTensor", "BoolTensor", "HalfTensor"]


@pytest.mark.parametrize("name", _LEGACY_NAMES)
def test_legacy_cuda_types_can_be_named_but_not_called_without_cuda(name):
    if rg.cuda.is_available():
        pytest.skip("a CUDA backend is installed")
    kind = getattr(rg.cuda, name)
    assert not isinstance(rg.ones(1, dtype=getattr(rg, name).dtype), kind)
    assert _outcome(rg, f"lib.cuda.{name}(2, 3)") == (
        "TypeError",
        f"type retrograd.cuda.{name} not available. Torch not compiled with CUDA enabled.",
    )


@pytest.mark.parametrize("name", _LEGACY_NAMES)
def test_legacy_cuda_types_vs_pytorch(name):
    torch = pytest.importorskip("torch")
    from retrograd._display_name import package_name, set_package_name

    before = package_name()
    set_package_name("torch")
    try:
        ours = (repr(getattr(rg.cuda, name)), repr(getattr(rg, name)), _outcome(rg, f"lib.cuda.{name}([1])"))
    finally:
        set_package_name(before)
    theirs = (repr(getattr(torch.cuda, name)), repr(getattr(torch, name)), _outcome(torch, f"lib.cuda.{name}([1])"))
    assert ours == theirs


def test_extra_gradients_for_outputs_are_dropped_as_pytorch_drops_them():
    x = rg.ones(3, requires_grad=True)
    (g,) = rg.autograd.grad([x.sum()], x, grad_outputs=[rg.tensor(2.0), rg.tensor(5.0)])
    assert g.tolist() == [2.0, 2.0, 2.0]
