"""Scripts run with `python -m retrograd run` behave as under PyTorch: names print as `torch.*`,
sibling modules import, and missing-API gaps found in real programs stay closed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def _run_script(tmp_path, body: str, name: str = "script.py", cwd=None) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    env = dict(os.environ, PYTHONPATH=SRC)
    result = subprocess.run(
        [sys.executable, "-m", "retrograd", "run", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_reprs_say_torch_under_the_alias(tmp_path):
    out = _run_script(
        tmp_path,
        """
        import torch
        x = torch.zeros(2, 3, dtype=torch.float64)
        print(x.shape, x.dtype, torch.int32)
        print(torch.tensor([1.5, 2.0], dtype=torch.float16))
        print(torch.tensor([[1.0, 2.0]]).max(dim=1))
        print(torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.zeros(2))}))
    """,
    )
    assert out.splitlines()[0] == "torch.Size([2, 3]) torch.float64 torch.int32"
    assert "dtype=torch.float16" in out
    assert "torch.return_types.max(" in out
    assert "torch.FloatTensor" in out
    assert "retrograd" not in out


def test_reprs_say_retrograd_without_the_alias():
    import retrograd

    assert repr(retrograd.zeros(2).shape) == "retrograd.Size([2])"
    assert repr(retrograd.float32) == "retrograd.float32"


def test_script_folder_comes_first_on_the_path(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "helper_mod_for_run.py").write_text("VALUE = 41\n")
    out = _run_script(
        tmp_path,
        """
        import torch
        from helper_mod_for_run import VALUE
        print(VALUE + 1)
    """,
        name="sub/main.py",
        cwd=str(tmp_path),
    )
    assert out.strip() == "42"


def test_finfo_iinfo_match_pytorch():
    import pytest

    import retrograd

    torch = pytest.importorskip("torch")
    names = ["float16", "float32", "float64"]
    for name in names:
        ours, theirs = retrograd.finfo(getattr(retrograd, name)), torch.finfo(getattr(torch, name))
        assert repr(ours) == repr(theirs)
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(ours, attr) == getattr(theirs, attr), (name, attr)
    assert repr(retrograd.finfo()) == repr(torch.finfo())
    for name in ["uint8", "int8", "int16", "int32", "int64"]:
        ours, theirs = retrograd.iinfo(getattr(retrograd, name)), torch.iinfo(getattr(torch, name))
        assert (repr(ours), ours.bits, ours.max, ours.min, ours.dtype) == (
            repr(theirs),
            theirs.bits,
            theirs.max,
            theirs.min,
            theirs.dtype,
        )
    with pytest.raises(TypeError, match="requires a floating point input type"):
        retrograd.finfo(retrograd.int32)
    with pytest.raises(TypeError, match="requires an integer input type"):
        retrograd.iinfo(retrograd.float32)


_IGNORED_FUNCTIONS_SCRIPT = """
import warnings
import torch

class Refusing(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented

r = torch.ones(2).as_subclass(Refusing)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.range(0, 3)
print([(w.filename.rsplit("/", 1)[-1], w.lineno) for w in caught])
print(torch.is_tensor(r), type(torch.as_tensor(r)).__name__, torch.arange(3).tolist())
"""


def test_functions_pytorch_leaves_out_stay_plain_under_the_alias(tmp_path):
    # The alias renames the package to "torch": the functions loaded after that (range, arange,
    # is_tensor) are still the ones PyTorch leaves out of `__torch_function__`, and a warning
    # of theirs names the script's line, not the wrapper's.
    out = _run_script(tmp_path, _IGNORED_FUNCTIONS_SCRIPT)
    assert out.splitlines() == ["[('script.py', 13)]", "True Refusing [0, 1, 2]"]


def test_functions_pytorch_leaves_out_under_the_alias_vs_torch(tmp_path):
    try:
        import torch  # noqa: F401
    except ImportError:
        import pytest

        pytest.skip("PyTorch is not installed")
    path = tmp_path / "script.py"
    path.write_text(_IGNORED_FUNCTIONS_SCRIPT)
    expected = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert _run_script(tmp_path, _IGNORED_FUNCTIONS_SCRIPT) == expected.stdout
