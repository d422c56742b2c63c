"""Public functions PyTorch writes in C++ do not bind when stored on a class, as PyTorch's built-ins."""

from __future__ import annotations

import copy
import inspect
import pickle
import types

import numpy as np
import pytest

import retrograd
import retrograd.nn.functional as F
from retrograd._builtin_faces import BuiltinFunction

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


class HausdorffLike:
    """kornia's HausdorffERLoss stores `torch.conv2d` on its class and calls `self.conv(...)`."""

    conv = retrograd.conv2d
    conv_f = F.conv2d
    act = retrograd.tanh
    inv = retrograd.linalg.inv
    spectrum = retrograd.fft.rfft
    expit = retrograd.special.expit
    make = retrograd.ones  # a factory only modes see
    einsum = retrograd.einsum  # written in Python by PyTorch: binds, as there


def test_builtin_faces_stay_functions_on_a_class():
    h = HausdorffLike()
    image, kernel = retrograd.ones(1, 1, 3, 3), retrograd.ones(1, 1, 2, 2)
    np.testing.assert_array_equal(h.conv(image, kernel).numpy(), np.full((1, 1, 2, 2), 4.0))
    np.testing.assert_array_equal(h.conv_f(image, kernel).numpy(), np.full((1, 1, 2, 2), 4.0))
    assert h.act(retrograd.zeros(1)).item() == 0.0
    np.testing.assert_allclose(h.inv(2 * retrograd.eye(2)).numpy(), 0.5 * np.eye(2))
    assert h.spectrum(retrograd.ones(4)).shape == (3,)
    assert h.expit(retrograd.zeros(1)).item() == 0.5
    assert h.make(2).shape == (2,)
    assert h.conv is retrograd.conv2d and HausdorffLike.act is retrograd.tanh
    assert inspect.ismethod(h.einsum)  # a Python-written one binds, as PyTorch's einsum does


def test_builtin_faces_pickle_copy_and_describe_themselves():
    for face in (retrograd.add, F.conv2d, retrograd.linalg.inv, retrograd.ones):
        assert isinstance(face, BuiltinFunction)
        assert pickle.loads(pickle.dumps(face)) is face
        assert copy.deepcopy(face) is face
    assert repr(retrograd.add) == "<built-in function add>"
    assert repr(retrograd.linalg.inv) == "<built-in function linalg_inv>"
    assert list(inspect.signature(retrograd.add).parameters) == ["input", "other", "alpha", "out"]
    assert retrograd.add.__doc__.startswith("`input + alpha * other`")
    assert isinstance(retrograd.einsum, types.FunctionType) and isinstance(F.relu, types.FunctionType)
    model = retrograd.nn.Sequential(retrograd.nn.Linear(2, 2))
    model.act = retrograd.tanh  # an attribute holding a face survives a pickle of the module
    assert pickle.loads(pickle.dumps(model)).act is retrograd.tanh


def test_handlers_receive_the_face_itself():
    seen = []

    class Logged(retrograd.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            seen.append(func)
            return super().__torch_function__(func, types, args, kwargs or {})

    x = retrograd.ones(2).as_subclass(Logged)
    retrograd.add(x, 1)
    HausdorffLike().act(x)
    assert seen == [retrograd.add, retrograd.tanh]


@needs_torch
@pytest.mark.parametrize("namespace", ["", "nn.functional", "linalg", "fft", "special"])
def test_binding_matches_pytorch_vs_torch(namespace):
    ours = retrograd
    theirs = torch
    for part in filter(None, namespace.split(".")):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    names = retrograd.ops.__all__ if namespace == "" else ours.__all__
    differing = []
    for name in names:
        face = getattr(ours, name, None)
        original = getattr(theirs, name, None)
        if not getattr(face, "_public_function", False) or original is None:
            continue  # (not a public face, or not in PyTorch)
        if isinstance(face, BuiltinFunction) != isinstance(original, types.BuiltinFunctionType):
            differing.append(name)
    assert differing == []
