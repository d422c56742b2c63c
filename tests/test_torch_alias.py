"""`import torch` meaning retrograd, on request: `python -m retrograd run` and `install_as_torch()`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

EVERY_IMPORT_STYLE = """
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch import nn as nn2, optim as optim2
from torch.utils.data import DataLoader, TensorDataset
from torch.optim.lr_scheduler import StepLR
import torch.autograd
from torch.autograd import grad
import retrograd

assert torch is retrograd and nn is retrograd.nn and nn2 is nn and optim2 is optim
assert F is retrograd.nn.functional and sys.modules["torch.nn.functional"] is F
model = nn.Linear(2, 1)
assert isinstance(model.weight, retrograd.Tensor) and isinstance(model.weight, torch.Tensor)
data = TensorDataset(torch.ones(4, 2), torch.zeros(4, 1))
opt = optim.SGD(model.parameters(), lr=0.1)
sched = StepLR(opt, 1)
for x, y in DataLoader(data, batch_size=2):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
sched.step()
(g,) = grad((torch.tensor(3.0, requires_grad=True) ** 2), [torch.tensor(0.0, requires_grad=True)], allow_unused=True)
print("ok", sys.argv[1:], torch.__spec__.name, torch.__name__, type(loss).__module__)
"""


def _run(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_run_command_every_import_style(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(EVERY_IMPORT_STYLE)
    done = _run("-m", "retrograd", "run", str(script), "--epochs", "3")
    assert done.returncode == 0, done.stderr
    # retrograd, named `torch` as the module and its classes are under PyTorch
    assert done.stdout.strip() == "ok ['--epochs', '3'] retrograd torch torch"


def test_install_as_torch_in_process(tmp_path):
    script = tmp_path / "inproc.py"
    script.write_text("import retrograd\nretrograd.install_as_torch()\n" + EVERY_IMPORT_STYLE)
    done = _run(str(script))
    assert done.returncode == 0, done.stderr


def test_alias_is_off_by_default():
    done = _run(
        "-c",
        "import retrograd, sys; import importlib.util as u; print(u.find_spec('torch') is None or "
        "sys.modules.get('torch') is not retrograd)",
    )
    assert done.stdout.strip() == "True", done.stderr


def test_missing_module_is_a_clear_error(tmp_path):
    script = tmp_path / "missing.py"
    script.write_text("import torch.no_such_module\n")
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and "retrograd.no_such_module" in done.stderr


def test_refuses_when_real_torch_is_imported():
    pytest.importorskip("torch")
    done = _run("-c", "import torch, retrograd; retrograd.install_as_torch()")
    assert done.returncode != 0
    assert "RuntimeError" in done.stderr and "already imported" in done.stderr


def test_seed_programs_style_script_prints(tmp_path):
    script = tmp_path / "seed.py"
    script.write_text(
        textwrap.dedent("""
        import torch
        x = torch.tensor(2.0, requires_grad=True)
        y = x ** 2
        y.backward()
        print(x.grad, y.grad_fn)
    """)
    )
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tensor(4.) <PowBackward0 object at 0x")


def test_alias_keeps_retrograds_own_module_specs():
    # the import system writes the alias's spec (named torch...) over the module's own; a spec
    # named torch would make retrograd's later relative imports resolve against `torch`
    done = _run(
        "-W", "error", "-c",
        "import retrograd; retrograd.install_as_torch()\n"
        "import torch, torch.nn.functional as F, torch.fft\n"
        "import torch.utils.checkpoint\n"
        "print(torch.__spec__.name, F.__spec__.name, torch.fft.__spec__.name, torch.utils.checkpoint.__name__)",
    )
    assert done.returncode == 0, done.stderr
    expected = ["retrograd", "retrograd.nn.functional", "retrograd.fft", "retrograd.utils.checkpoint"]
    assert done.stdout.split() == expected


SPAWNED_WORKERS = """
import sys
import torch
from torch.utils.data import DataLoader, Dataset
from helper import Squares  # a sibling module that imports torch itself


class Kinds(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.tensor([float(i)]), f"{torch.__spec__.name} {type(torch.zeros(1)).__module__}", __name__


def init(worker_id):
    assert torch.__spec__.name == "retrograd" and type(torch.ones(1)).__module__ == "torch", torch


if __name__ == "__main__":
    context = sys.argv[1]
    loader = DataLoader(Kinds(), batch_size=2, num_workers=2, multiprocessing_context=context, worker_init_fn=init)
    batches = list(loader)
    print([b[0][:, 0].tolist() for b in batches], sorted({m for b in batches for m in b[1]}), batches[0][2][0])
    print([b.tolist() for b in DataLoader(Squares(), batch_size=3, num_workers=1, multiprocessing_context=context)])
    print(__spec__.name if __spec__ else None, __file__ == sys.argv[0])
"""

HELPER = """
import torch


class Squares(torch.utils.data.Dataset):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        assert torch.__spec__.name == "retrograd" and type(torch.zeros(1)).__module__ == "torch"
        return torch.tensor(i * i)
"""


@pytest.mark.parametrize("context", ["spawn", "forkserver"])
def test_spawned_workers_of_a_run_script_import_retrograd_as_torch(tmp_path, context):
    # A spawned process re-runs the main script before anything else: it must get the alias too.
    (tmp_path / "helper.py").write_text(HELPER)
    script = tmp_path / "spawned.py"
    script.write_text(SPAWNED_WORKERS)
    done = _run("-m", "retrograd", "run", str(script), context, cwd=str(tmp_path.parent))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "[[0.0, 1.0], [2.0, 3.0]] ['retrograd torch'] __mp_main__",
        "[[0, 1, 4]]",
        "retrograd.torch_alias True",
    ]


def test_torch_version_reads_as_the_pytorch_api_it_follows(tmp_path):
    script = tmp_path / "ver.py"
    script.write_text(
        "import torch\n"
        "v = torch.__version__\n"
        "print(v, v == torch.version.__version__, v >= '2.0', v >= (2, 0), v < (2, 14), type(v).__name__)\n"
        "import retrograd\n"
        "retrograd.uninstall_as_torch()\n"
        "print(retrograd.__version__)\n"
    )
    out = _run("-m", "retrograd", "run", str(script)).stdout.split("\n")
    assert out[0] == "2.13.0+retrograd.0.1.0 True True True True TorchVersion"
    assert out[1] == "0.1.0"


def test_torch_version_compares_by_numbers():
    from retrograd.version import TorchVersion

    v = TorchVersion("2.13.0+cpu")
    assert v > "2.9.1" and v < "2.13.1" and v >= "2.13.0" and v == (2, 13) and v != "2.12"
    assert TorchVersion("2.1.0rc1") < "2.2" and str(v) == "2.13.0+cpu"


def test_module_paths_third_party_code_imports(tmp_path):
    script = tmp_path / "paths.py"
    script.write_text(
        "import torch\n"
        "from torch.nn.modules.utils import _pair, _triple, _ntuple\n"
        "from torch.nn.common_types import _size_2_t\n"
        "from torch.utils.model_zoo import load_url\n"
        "from torch.utils.hooks import RemovableHandle\n"
        "from torch.types import Number, _size\n"
        "from torch.storage import UntypedStorage\n"
        "import torch.multiprocessing as mp\n"
        "import torch.onnx\n"
        "from torch.nn.attention import SDPBackend, sdpa_kernel\n"
        "h = torch.nn.Linear(2, 2).register_forward_hook(lambda *a: None)\n"
        "print(_pair(3), _triple((1, 2, 3)), _ntuple(4)(0), isinstance(h, RemovableHandle), callable(load_url))\n"
    )
    result = _run("-m", "retrograd", "run", str(script))
    assert result.stdout.strip() == "(3, 3) (1, 2, 3) (0, 0, 0, 0) True True", result.stderr


PYRO_STYLE_CHECKS = """
import torch
import torch._C
from torch.serialization import MAP_LOCATION
import retrograd

# Pyro's patch_dependency asserts the target's first part is `torch.__name__`
print(torch.__name__, torch.__spec__.name, torch._C._get_tracing_state(),
      torch._C._LinAlgError is torch.linalg.LinAlgError)
print(torch._C.Generator is torch.Generator, torch._C.Size is torch.Size, MAP_LOCATION is not None)
try:
    torch.no_such_name
except AttributeError as e:
    print(e)
import torch.nn
retrograd.uninstall_as_torch()
print(retrograd.__name__, "torch" in sys.modules if (sys := __import__("sys")) else None)
"""


def test_module_name_and_c_names_pyro_reads(tmp_path):
    script = tmp_path / "pyro_style.py"
    script.write_text(PYRO_STYLE_CHECKS)
    result = _run("-m", "retrograd", "run", str(script))
    assert result.stdout.splitlines() == [
        "torch retrograd None True",
        "True True True",
        "module 'retrograd' has no attribute 'no_such_name'",
        "retrograd False",
    ], result.stderr


def test_module_name_and_c_names_vs_torch():
    torch = pytest.importorskip("torch")
    from torch.serialization import MAP_LOCATION  # noqa: F401  (importable there too)

    assert torch.__name__ == "torch" and torch._C._get_tracing_state() is None
    assert torch._C._LinAlgError is torch.linalg.LinAlgError and torch._C.Generator is torch.Generator


RAISING_SCRIPT = """
import torch

def step(x):
    raise ValueError(f"bad input {x}")

try:
    step(1)
except ValueError as e:
    raise KeyError("wrapped") from e
"""


def test_an_uncaught_error_shows_only_the_scripts_frames(tmp_path):
    script = tmp_path / "raising.py"
    script.write_text(RAISING_SCRIPT)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 1
    assert "retrograd" not in done.stderr and "runpy" not in done.stderr
    assert done.stderr.count("Traceback (most recent call last):") == 2
    assert done.stderr.rstrip().endswith(f'File "{script}", line 10, in <module>\n'
                                         "    raise KeyError(\"wrapped\") from e\nKeyError: 'wrapped'")
    syntax = tmp_path / "unclosed.py"
    syntax.write_text("import torch\nx = (\n")
    done = _run("-m", "retrograd", "run", str(syntax))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f'  File "{syntax}", line 2'


OP_ERROR_SCRIPT = """
import torch
a = torch.ones(2, 3)
b = a @ torch.ones(2, 3)
"""

HOOK_ERROR_SCRIPT = """
import torch

def check(module, args):
    raise RuntimeError("hook refused")

layer = torch.nn.Linear(2, 2)
layer.register_forward_pre_hook(check)
layer(torch.ones(1, 2))
"""


def test_an_ops_error_shows_no_retrograd_frames(tmp_path):
    # PyTorch's ops are C++: its traceback ends at the script's line, and so does retrograd's
    script = tmp_path / "op_error.py"
    script.write_text(OP_ERROR_SCRIPT)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 1 and "retrograd" not in done.stderr
    assert done.stderr.splitlines()[-3:] == [
        "    b = a @ torch.ones(2, 3)", "        ~~^~~~~~~~~~~~~~~~~~",
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
    ]  # fmt: skip
    hooked = tmp_path / "hook_error.py"
    hooked.write_text(HOOK_ERROR_SCRIPT)
    done = _run("-m", "retrograd", "run", str(hooked))
    lines = [line for line in done.stderr.splitlines() if line.startswith("  File")]
    assert lines == [f'  File "{hooked}", line 9, in <module>', f'  File "{hooked}", line 5, in check']
    full = subprocess.run([sys.executable, "-m", "retrograd", "run", str(hooked)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=SRC, RETROGRAD_FULL_TRACEBACK="1"), timeout=120)  # fmt: skip
    assert "retrograd/nn/modules/module.py" in full.stderr and "hook refused" in full.stderr


@pytest.mark.pytorch
@pytest.mark.parametrize(
    "source", [RAISING_SCRIPT, "import torch\nx = (\n", OP_ERROR_SCRIPT], ids=["raising", "syntax", "op"]
)
def test_uncaught_error_reports_vs_torch(tmp_path, source):
    pytest.importorskip("torch")
    script = tmp_path / "script.py"
    script.write_text(source)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)


def test_core_classes_print_as_pytorchs_under_the_alias(tmp_path):
    script = tmp_path / "types.py"
    script.write_text(
        "import pickle\n"
        "import torch\n"
        "x = torch.ones(2)\n"
        "print(type(x), type(x.shape), type(x.dtype), type(torch.nn.Parameter(x)))\n"
        "print(pickle.loads(pickle.dumps(x.dtype)), pickle.loads(pickle.dumps(x.shape)))\n"
        "opt = torch.optim.Adam(torch.nn.Linear(2, 2).parameters())\n"
        "class Mine(torch.nn.Module):\n"
        "    pass\n"
        "print(type(torch.nn.Linear(2, 2)), type(opt), type(torch.optim.lr_scheduler.StepLR(opt, 1)), Mine)\n"
        "import torch.nn.utils.prune as prune\n"
        "print(prune.L1Unstructured, prune.BasePruningMethod)\n"
    )
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "<class 'torch.Tensor'> <class 'torch.Size'> <class 'torch.dtype'> <class 'torch.nn.parameter.Parameter'>",
        "torch.float32 torch.Size([2])",
        "<class 'torch.nn.modules.linear.Linear'> <class 'torch.optim.adam.Adam'> "
        "<class 'torch.optim.lr_scheduler.StepLR'> <class '__main__.Mine'>",
        "<class 'torch.nn.utils.prune.L1Unstructured'> <class 'torch.nn.utils.prune.BasePruningMethod'>",
    ]


def test_core_classes_print_by_their_public_names():
    import retrograd

    x = retrograd.ones(2)
    assert str(type(x)) == "<class 'retrograd.Tensor'>" and str(type(x.shape)) == "<class 'retrograd.Size'>"
    assert str(type(x.dtype)) == "<class 'retrograd.dtype'>"


def test_core_class_names_match_pytorch_vs_torch():
    real = pytest.importorskip("torch")
    x = real.ones(2)
    names = [str(type(v)) for v in (x, x.shape, x.dtype, real.nn.Parameter(x))]
    assert names == [
        "<class 'torch.Tensor'>", "<class 'torch.Size'>", "<class 'torch.dtype'>",
        "<class 'torch.nn.parameter.Parameter'>",
    ]


# What a competition notebook prints of its data pipeline and its mixup distribution: the
# classes read under PyTorch's module paths, and a dataset still pickles by that name.
DATA_CLASSES = (
    "import pickle\n"
    "import torch\n"
    "from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler, Subset, Dataset\n"
    "ds = TensorDataset(torch.zeros(4, 2), torch.arange(4))\n"
    "loader = DataLoader(ds, batch_size=2, sampler=WeightedRandomSampler([1.0, 2.0, 3.0, 4.0], 4))\n"
    "class Mine(Dataset):\n"
    "    pass\n"
    "print(type(ds), type(loader), type(loader.sampler), type(Subset(ds, [0])), Mine)\n"
    "print(type(iter(loader)), type(torch.distributions.Beta(0.4, 0.4)), torch.distributions.Distribution)\n"
    "print(type(pickle.loads(pickle.dumps(Subset(ds, [1, 2])))), len(pickle.loads(pickle.dumps(ds))))\n"
)


def test_data_and_distribution_classes_print_as_pytorchs_under_the_alias(tmp_path):
    script = tmp_path / "data_types.py"
    script.write_text(DATA_CLASSES)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "<class 'torch.utils.data.dataset.TensorDataset'> <class 'torch.utils.data.dataloader.DataLoader'> "
        "<class 'torch.utils.data.sampler.WeightedRandomSampler'> <class 'torch.utils.data.dataset.Subset'> "
        "<class '__main__.Mine'>",
        "<class 'torch.utils.data.dataloader._SingleProcessDataLoaderIter'> "
        "<class 'torch.distributions.beta.Beta'> <class 'torch.distributions.distribution.Distribution'>",
        "<class 'torch.utils.data.dataset.Subset'> 4",
    ]


def test_data_and_distribution_classes_without_the_alias():
    import retrograd

    ds = retrograd.utils.data.TensorDataset(retrograd.zeros(2))
    assert str(type(ds)) == "<class 'retrograd.utils.data.dataset.TensorDataset'>"
    assert type(retrograd.distributions.Beta(1.0, 1.0)).__module__ == "retrograd.distributions.beta"


def test_data_and_distribution_class_names_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "data_types.py"
    script.write_text(DATA_CLASSES)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


MORE_CLASSES = (
    "import pickle\n"
    "import torch\n"
    "print(type(torch.Generator()), type(torch.no_grad()), type(torch.inference_mode()))\n"
    "print(type(torch.finfo(torch.float32)), type(torch.iinfo(torch.int8)), type(torch.device('cpu')))\n"
    "print(type(torch.distributions.transforms.ExpTransform()), type(torch.distributions.constraints.positive))\n"
    "print(type(torch.nn.utils.rnn.pack_sequence([torch.ones(2)])), type(torch.ones(2, 2).max(1)))\n"
    "print(pickle.loads(pickle.dumps(torch.device('cpu'))), type(pickle.loads(pickle.dumps(torch.ones(2).max(0)))))\n"
)


def test_more_classes_print_as_pytorchs_under_the_alias(tmp_path):
    script = tmp_path / "more_types.py"
    script.write_text(MORE_CLASSES)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "<class 'torch._C.Generator'> <class 'torch.autograd.grad_mode.no_grad'> "
        "<class 'torch.autograd.grad_mode.inference_mode'>",
        "<class 'torch.finfo'> <class 'torch.iinfo'> <class 'torch.device'>",
        "<class 'torch.distributions.transforms.ExpTransform'> <class 'torch.distributions.constraints._GreaterThan'>",
        "<class 'torch.nn.utils.rnn.PackedSequence'> <class 'torch.return_types.max'>",
        "cpu <class 'torch.return_types.max'>",
    ]


def test_more_classes_are_named_by_their_public_modules_without_the_alias():
    import pickle

    import retrograd

    assert str(type(retrograd.device("cpu"))) == "<class 'retrograd.device'>"
    assert type(retrograd.Generator()).__module__ == "retrograd._C"
    assert type(retrograd.distributions.transforms.ExpTransform()).__module__ == "retrograd.distributions.transforms"
    assert pickle.loads(pickle.dumps(retrograd.device("cpu"))) == retrograd.device("cpu")
    assert type(pickle.loads(pickle.dumps(retrograd.ones(2).max(0)))) is retrograd.return_types.max


def test_more_class_names_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "more_types.py"
    script.write_text(MORE_CLASSES)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


# Submodules that a function of the same name hides on their package, imported by their `torch` name:
# the package attribute stays the function, as in PyTorch (old weight-norm code imports
# `torch.nn.utils.weight_norm`; Mamba's scan imports `torch._higher_order_ops.associative_scan`)
SHADOWED_SUBMODULES = """
import torch
import torch.autograd.gradcheck
from torch.nn.utils.weight_norm import WeightNorm
import torch.nn.utils.spectral_norm
import torch._higher_order_ops.associative_scan
import torch.autograd
from torch.autograd.gradcheck import gradgradcheck
print(type(torch.autograd.gradcheck).__name__, type(torch.nn.utils.weight_norm).__name__,
      type(torch.nn.utils.spectral_norm).__name__, type(torch._higher_order_ops.associative_scan).__name__)
print(torch.autograd.gradcheck(torch.sin, torch.ones(2, dtype=torch.double, requires_grad=True)), WeightNorm.__name__)
print(torch.nn.utils.weight_norm(torch.nn.Linear(2, 2)).weight_g.shape)
"""


def test_shadowed_submodules_keep_the_packages_functions(tmp_path):
    script = tmp_path / "shadowed.py"
    script.write_text(SHADOWED_SUBMODULES)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["function function function function", "True WeightNorm"]


def test_shadowed_submodules_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "shadowed.py"
    script.write_text(SHADOWED_SUBMODULES)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, "-W", "ignore", str(script)], capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


FUNCTION_NAMES_SCRIPT = """\
import io, pickle
import torch
import torch.nn.functional as F
print(torch.exp.__module__, F.relu.__module__, torch.linalg.inv.__name__, torch.fft.rfft.__name__)
model = torch.nn.Sequential(torch.nn.Linear(2, 2))
model.act = torch.tanh
buf = io.BytesIO()
torch.save(model, buf)
print(b"retrograd" in buf.getvalue())  # the file names only torch's modules: PyTorch can load it
buf.seek(0)
print(torch.load(buf, weights_only=False).act is torch.tanh, pickle.loads(pickle.dumps(F.relu)) is F.relu)
"""


def test_public_functions_are_named_under_torch_under_the_alias(tmp_path):
    # a whole model holding `torch.tanh` saved under the alias names `torch.tanh`, which PyTorch can load
    script = tmp_path / "names.py"
    script.write_text(FUNCTION_NAMES_SCRIPT)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["torch torch.nn.functional linalg_inv fft_rfft", "False", "True True"]


@pytest.mark.pytorch
def test_public_function_names_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "names.py"
    script.write_text(FUNCTION_NAMES_SCRIPT)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ours.stdout == theirs.stdout, ours.stderr


ANNOTATED_SCRIPT = """
import typing

def scale(x: float, n: int = 2) -> float:
    return x * n

print(scale.__annotations__, typing.get_type_hints(scale))
"""


def test_a_run_script_keeps_its_annotations_as_objects(tmp_path):
    # the runner's own `from __future__ import annotations` must not reach the script (FX records
    # `n : int`, not the string 'int'; CLI and config libraries read the types)
    script = tmp_path / "annotated.py"
    script.write_text(ANNOTATED_SCRIPT)
    done = _run("-m", "retrograd", "run", str(script))
    assert done.returncode == 0, done.stderr
    expected = "{'x': <class 'float'>, 'n': <class 'int'>, 'return': <class 'float'>}"
    assert done.stdout.strip() == f"{expected} {expected}"


def test_a_run_script_keeps_its_annotations_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "annotated.py"
    script.write_text(ANNOTATED_SCRIPT)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


FUNCTORCH_SCRIPT = """
import warnings
import torch
import functorch
from functorch import make_functional, grad
fmodel, params = make_functional(torch.nn.Linear(2, 1))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    g = grad(lambda p: fmodel(p, torch.ones(3, 2)).sum())(params)
print(type(fmodel).__name__, [tuple(t.shape) for t in g], g[1].tolist(), functorch.__version__ == torch.__version__)
"""


@pytest.mark.pytorch
def test_import_functorch_under_the_alias_vs_torch(tmp_path):
    # PyTorch's own `functorch` package (torchopt imports it) reads torch._functorch's names
    pytest.importorskip("functorch")
    script = tmp_path / "script.py"
    script.write_text(FUNCTORCH_SCRIPT)
    ours = _run("-m", "retrograd", "run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout == "FunctionalModule [(1, 2), (1,)] [3.0] True\n"
