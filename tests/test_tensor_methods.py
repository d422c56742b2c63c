"""The Tensor method table: rows become plain methods with their op's signature and docs; typed surface."""

import importlib.util
import inspect
import os
import pydoc
import subprocess
import sys
import textwrap
from pathlib import Path
from types import FunctionType

import pytest

import retrograd
from retrograd import _op_method
from retrograd._op_method import InPlaceMethod, OpMethod
from retrograd.tensor_methods import TensorMethods

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(retrograd.__file__).resolve().parents[1]


def table_methods() -> dict:
    """Every method the table made, resolved (a row becomes a function with its op's signature)."""
    names = [n for n, v in vars(TensorMethods).items() if isinstance(v, OpMethod) or hasattr(v, "__signature__")]
    return {name: getattr(retrograd.Tensor, name) for name in names}


def test_rows_resolve_into_plain_functions_named_like_methods():
    methods = table_methods()
    assert len(methods) > 250
    for name, fn in methods.items():
        assert type(vars(TensorMethods)[name]) is FunctionType, name  # the descriptor replaced itself
        assert fn.__name__ == name and fn.__qualname__ == f"Tensor.{name}"
        assert next(iter(inspect.signature(fn).parameters)) == "self", name


def test_a_row_resolves_its_op_once_and_leaves_a_function():
    class Probe:
        exp = OpMethod("exp")
        exp_ = InPlaceMethod("exp")

    assert isinstance(vars(Probe)["exp"], OpMethod)
    x = retrograd.tensor([0.0, 1.0])
    assert Probe.exp(x).tolist() == retrograd.exp(x).tolist()
    assert type(vars(Probe)["exp"]) is FunctionType
    # the op's own code: no forwarding frame (`retrograd.exp` is its public face, the `__torch_function__` check)
    assert vars(Probe)["exp"].__code__ is inspect.unwrap(retrograd.exp).__code__
    assert Probe.exp_(x) is x and x.tolist() == retrograd.exp(retrograd.tensor([0.0, 1.0])).tolist()


def test_a_row_used_before_bind_says_so(monkeypatch):
    monkeypatch.setattr(_op_method, "_sources", ())

    class Probe:
        exp = OpMethod("exp")

    with pytest.raises(RuntimeError, match="before retrograd finished importing"):
        Probe.exp


def test_an_unknown_op_name_is_an_attribute_error():
    class Probe:
        nope = OpMethod("no_such_op")

    with pytest.raises(AttributeError, match="no_such_op"):
        Probe.nope


def test_signatures_show_the_real_parameters():
    x = retrograd.ones(2, 3)
    names = ["self", "dim", "keepdim", "dtype", "out", "axis", "keepdims"]
    assert list(inspect.signature(retrograd.Tensor.sum).parameters) == names
    assert str(inspect.signature(x.sum)).startswith("(dim: 'Any' = None, keepdim: 'bool' = False, *, dtype")
    assert list(inspect.signature(x.view).parameters) == ["shape", "size", "dtype"]  # size=/dtype= by keyword
    assert list(inspect.signature(retrograd.Tensor.add_).parameters) == ["self", "other", "alpha", "out"]
    assert inspect.signature(retrograd.Tensor.add_).return_annotation == "Tensor"
    assert list(inspect.signature(x.new_zeros).parameters) == [
        "sizes", "size", "dtype", "device", "requires_grad", "layout", "pin_memory"
    ]


def test_help_documents_methods():
    x = retrograd.ones(2, 3)
    assert "Reshape without copying" in pydoc.render_doc(x.view)
    assert retrograd.Tensor.sum.__doc__ == retrograd.sum.__doc__
    assert retrograd.Tensor.mul_.__doc__.startswith("In-place version of `Tensor.mul`")


def test_at_least_95_percent_of_public_methods_have_a_docstring():
    tensor = retrograd.Tensor
    public = [n for n in dir(tensor) if not n.startswith("_") and callable(getattr(tensor, n))]
    missing = [n for n in public if not (getattr(tensor, n).__doc__ or "").strip()]
    assert len(public) > 300
    assert len(missing) <= 0.05 * len(public), missing


def test_methods_behave_like_their_functions():
    x = retrograd.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    assert x.sum(1, keepdim=True).tolist() == retrograd.sum(x, 1, keepdim=True).tolist()
    assert x.clamp(min=0).tolist() == [[1.0, 0.0], [3.0, 4.0]]
    assert x.view(4).shape == (4,) and x.reshape(-1, 1).shape == (4, 1)
    assert x.max(1).values.tolist() == [1.0, 4.0]
    (x.exp() * 2).sum().backward()
    assert x.grad.tolist() == (2 * x.detach().exp()).tolist()
    y = x.detach().clone()
    version = y._version
    assert y.mul_(2) is y and y.tolist() == [[2.0, -4.0], [6.0, 8.0]] and y._version == version + 1
    assert y.sigmoid().bernoulli().shape == (2, 2)  # a row that resolves in retrograd.random
    assert x.where(x > 0, 0.0).tolist() == [[1.0, 0.0], [3.0, 4.0]]


def test_the_stub_matches_the_table():
    spec = importlib.util.spec_from_file_location("tensor_methods_stub", ROOT / "tools" / "tensor_methods_stub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.STUB.read_text() == module.render(), "run: python tools/tensor_methods_stub.py"


def test_the_package_is_typed():
    assert (SRC / "retrograd" / "py.typed").exists()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()


USER_SCRIPT = """
import retrograd

x = retrograd.ones(3)
y = x.sum().exp()
reveal_type(y)
reveal_type(x.add_(1) + 1)
x.view("a")
x.no_such_method()
x.exp(1)
"""


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy_sees_the_tensor_surface(tmp_path):
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(USER_SCRIPT))
    config = tmp_path / "mypy.ini"  # judge the user's script, not retrograd's own code
    config.write_text("[mypy]\n[mypy-retrograd.*]\nignore_errors = True\n")
    env = dict(os.environ, MYPYPATH=str(SRC))
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(tmp_path / "cache")]
    result = subprocess.run([*command, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
    out = result.stdout
    assert 'user.py:6: note: Revealed type is "retrograd.tensor.Tensor"' in out, out
    assert 'user.py:7: note: Revealed type is "retrograd.tensor.Tensor"' in out, out
    assert 'user.py:8: error: Argument 1 to "view"' in out, out
    assert 'user.py:9: error: "Tensor" has no attribute "no_such_method"' in out, out
    assert 'user.py:10: error: Too many positional arguments for "exp"' in out, out
    assert "Found 3 errors" in out, out


def test_tensor_norm_takes_dtype_fourth():
    # torch.norm(input, p, dim, keepdim, out, dtype) but Tensor.norm(p, dim, keepdim, dtype): no `out`
    x = retrograd.tensor([[3.0, 4.0], [1.0, 2.0]])
    got = x.norm(2, 1, False, retrograd.float64)
    assert got.dtype == retrograd.float64 and [round(v, 4) for v in got.tolist()] == [5.0, 2.2361]
    assert list(inspect.signature(retrograd.Tensor.norm).parameters) == ["self", "p", "dim", "keepdim", "dtype"]
    with pytest.raises(TypeError):
        x.norm(2, 1, False, out=retrograd.empty(2))


def test_tensor_norm_signature_vs_torch():
    torch = pytest.importorskip("torch")
    assert list(inspect.signature(torch.Tensor.norm).parameters) == ["self", "p", "dim", "keepdim", "dtype"]
    x = torch.tensor([[3.0, 4.0], [1.0, 2.0]])
    got = x.norm(2, 1, False, torch.float64)
    assert got.dtype == torch.float64 and [round(v, 4) for v in got.tolist()] == [5.0, 2.2361]
    with pytest.raises(TypeError):
        x.norm(2, 1, False, out=torch.empty(2))


def test_tensor_has_no_var_mean_or_std_mean_methods():
    # torch.var_mean/std_mean are functions only: `x.var_mean()` is an AttributeError in PyTorch
    assert not hasattr(retrograd.Tensor, "var_mean") and not hasattr(retrograd.Tensor, "std_mean")
    assert [t.tolist() for t in retrograd.var_mean(retrograd.tensor([1.0, 3.0]))] == [2.0, 2.0]


def test_tensor_public_names_are_pytorchs_vs_torch():
    torch = pytest.importorskip("torch")
    extra = sorted(n for n in set(dir(retrograd.Tensor)) - set(dir(torch.Tensor)) if not n.startswith("_"))
    assert extra == []
