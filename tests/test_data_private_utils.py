"""`torch.utils.data._utils` (collate, worker): PyTorch's private module paths that custom
collate functions import, holding retrograd's own objects."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.data import DataLoader, default_collate, default_convert, get_worker_info
from retrograd.utils.data import collate as public
from retrograd.utils.data._utils import collate as private
from retrograd.utils.data._utils import worker

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


class Box:
    def __init__(self, v):
        self.v = v


def collate_box(batch, *, collate_fn_map=None):
    return ("box", [b.v for b in batch])


def test_the_private_module_holds_the_same_objects():
    assert private.default_collate_fn_map is public.default_collate_fn_map
    assert private.default_collate is default_collate and private.default_convert is default_convert
    assert private.collate is public.collate and worker.get_worker_info is get_worker_info
    names = ("collate_tensor_fn collate_numpy_array_fn collate_numpy_scalar_fn collate_float_fn collate_int_fn "
             "collate_str_fn np_str_obj_array_pattern default_collate_err_msg_format").split()
    assert all(getattr(private, n) is getattr(public, n) for n in names)
    assert list(private.default_collate_fn_map)[:2] == [rg.Tensor, np.ndarray]


def _custom_batches(lib, collate, fn_map):
    batch = [(Box(1), 2.0, {"a": lib.ones(2)}), (Box(3), 4.0, {"a": lib.zeros(2)})]
    out = collate(batch, collate_fn_map={**fn_map, Box: collate_box})
    loader = lib.utils.data.DataLoader(
        [Box(i) for i in range(4)], batch_size=2,
        collate_fn=lambda b: collate(b, collate_fn_map={**fn_map, Box: collate_box}),
    )
    return [out[0], out[1].tolist(), str(out[1].dtype).split(".")[-1], out[2]["a"].tolist(), list(loader)]


def test_collate_with_a_custom_map():
    got = _custom_batches(rg, private.collate, private.default_collate_fn_map)
    assert got == [("box", [1, 3]), [2.0, 4.0], "float64", [[1.0, 1.0], [0.0, 0.0]],
                   [("box", [0, 1]), ("box", [2, 3])]]
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        private.collate([object()], collate_fn_map=private.default_collate_fn_map)


@needs_torch
def test_collate_with_a_custom_map_vs_torch():
    from torch.utils.data._utils import collate as theirs

    ours = _custom_batches(rg, private.collate, private.default_collate_fn_map)
    assert ours == _custom_batches(torch, theirs.collate, theirs.default_collate_fn_map)
    assert [t.__name__ for t in theirs.default_collate_fn_map if isinstance(t, type)] == [
        "Tensor" if t is rg.Tensor else t.__name__ for t in private.default_collate_fn_map if isinstance(t, type)
    ]


def test_extending_the_default_map_reaches_default_collate():
    private.default_collate_fn_map[Box] = collate_box
    try:
        assert list(DataLoader([Box(5), Box(6)], batch_size=2)) == [("box", [5, 6])]
    finally:
        del private.default_collate_fn_map[Box]


def test_import_under_the_alias():
    code = (
        "import retrograd; retrograd.install_as_torch()\n"
        "from torch.utils.data._utils.collate import default_collate_fn_map, collate\n"
        "import torch.utils.data._utils as u\n"
        "print(collate([1, 2], collate_fn_map=default_collate_fn_map).tolist(), u.IS_WINDOWS, u.HAS_NUMPY,\n"
        "      u.worker.get_worker_info())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[1,", "2]", "False", "True", "None"]
