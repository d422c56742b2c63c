"""Every nn layer accepts a zero-size batch as PyTorch does.

The output has the right shape and is on the graph (requires_grad, a grad_fn); backward
runs and gives zero-size input gradients and all-zero parameter gradients of the
parameters' shapes. `test_every_layer_is_covered` keeps new layers from slipping past.
With PyTorch installed, the same construction runs there and everything is compared.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import retrograd

from .reliability_compare import torch

F4 = [("f", (0, 4))]
PAIR = [("f", (0, 4)), ("t", (0, 4))]

# name -> (constructor arguments, inputs); an input is ("f", shape) requiring grad,
# ("t", shape) a float target, ("p", shape) probabilities, ("i", shape, high) an int64 index
LAYERS = {
    "Linear": ((4, 3), F4),
    "Bilinear": ((4, 5, 3), [("f", (0, 4)), ("f", (0, 5))]),
    "Conv1d": ((2, 3, 3), [("f", (0, 2, 8))]),
    "Conv2d": ((2, 3, 3), [("f", (0, 2, 8, 8))]),
    "Conv3d": ((2, 3, 3), [("f", (0, 2, 5, 5, 5))]),
    "ConvTranspose1d": ((2, 3, 3), [("f", (0, 2, 8))]),
    "ConvTranspose2d": ((2, 3, 3), [("f", (0, 2, 8, 8))]),
    "ConvTranspose3d": ((2, 3, 3), [("f", (0, 2, 4, 4, 4))]),
    "BatchNorm1d": ((3,), [("f", (0, 3))]),
    "BatchNorm2d": ((3,), [("f", (0, 3, 4, 4))]),
    "BatchNorm3d": ((3,), [("f", (0, 3, 2, 2, 2))]),
    "InstanceNorm1d": ((3,), [("f", (0, 3, 5))]),
    "InstanceNorm2d": ((3,), [("f", (0, 3, 4, 4))]),
    "InstanceNorm3d": ((3,), [("f", (0, 3, 2, 2, 2))]),
    "LayerNorm": ((4,), F4),
    "GroupNorm": ((2, 4), [("f", (0, 4, 3))]),
    "RMSNorm": ((4,), F4),
    "MaxPool1d": ((2,), [("f", (0, 3, 8))]),
    "MaxPool2d": ((2,), [("f", (0, 3, 8, 8))]),
    "MaxPool3d": ((2,), [("f", (0, 3, 4, 4, 4))]),
    "AvgPool1d": ((2,), [("f", (0, 3, 8))]),
    "AvgPool2d": ((2,), [("f", (0, 3, 8, 8))]),
    "AvgPool3d": ((2,), [("f", (0, 3, 4, 4, 4))]),
    "AdaptiveAvgPool1d": ((2,), [("f", (0, 3, 8))]),
    "AdaptiveAvgPool2d": ((2,), [("f", (0, 3, 8, 8))]),
    "AdaptiveAvgPool3d": ((2,), [("f", (0, 3, 4, 4, 4))]),
    "AdaptiveMaxPool1d": ((2,), [("f", (0, 3, 8))]),
    "AdaptiveMaxPool2d": ((2,), [("f", (0, 3, 8, 8))]),
    "AdaptiveMaxPool3d": ((2,), [("f", (0, 3, 4, 4, 4))]),
    "Embedding": ((10, 3), [("i", (0, 5), 10)]),
    "Dropout": ((), F4),
    "Dropout1d": ((), [("f", (0, 3, 4))]),
    "Dropout2d": ((), [("f", (0, 3, 4, 4))]),
    "Dropout3d": ((), [("f", (0, 3, 2, 2, 2))]),
    "AlphaDropout": ((), F4),
    "FeatureAlphaDropout": ((), [("f", (0, 3, 4, 4))]),
    "Softmax": ((1,), F4),
    "LogSoftmax": ((1,), F4),
    "Softmin": ((1,), F4),
    "Softmax2d": ((), [("f", (0, 3, 4, 4))]),
    "GLU": ((), F4),
    "PReLU": ((), F4),
    "Threshold": ((0.1, 20.0), F4),
    "Flatten": ((), [("f", (0, 3, 4))]),
    "Unflatten": ((1, (2, 2)), F4),
    "Identity": ((), F4),
    "Upsample": ((None, 2), [("f", (0, 3, 4))]),
    "UpsamplingNearest2d": ((None, 2), [("f", (0, 3, 4, 4))]),
    "UpsamplingBilinear2d": ((None, 2), [("f", (0, 3, 4, 4))]),
    "Unfold": ((2,), [("f", (0, 3, 4, 4))]),
    "Fold": (((4, 4), 2), [("f", (0, 12, 9))]),
    "RNN": ((4, 3), [("f", (2, 0, 4))]),
    "LSTM": ((4, 3), [("f", (2, 0, 4))]),
    "GRU": ((4, 3), [("f", (2, 0, 4))]),
    "RNNCell": ((4, 3), F4),
    "LSTMCell": ((4, 3), F4),
    "GRUCell": ((4, 3), F4),
    "MultiheadAttention": ((4, 2), [("f", (3, 0, 4))] * 3),
    "TransformerEncoderLayer": ((4, 2, 8, 0.0), [("f", (2, 0, 4))]),
    "TransformerDecoderLayer": ((4, 2, 8, 0.0), [("f", (3, 0, 4)), ("f", (2, 0, 4))]),
    "Transformer": ((4, 2, 1, 1, 8, 0.0), [("f", (2, 0, 4)), ("f", (3, 0, 4))]),
    "ChannelShuffle": ((2,), [("f", (0, 4, 3, 3))]),
    "LocalResponseNorm": ((2,), [("f", (0, 3, 4, 4))]),
    "LPPool1d": ((2, 2), [("f", (0, 3, 8))]),
    "LPPool2d": ((2, 2), [("f", (0, 3, 8, 8))]),
    "LPPool3d": ((2, 2), [("f", (0, 3, 4, 4, 4))]),
    "CosineSimilarity": ((), [("f", (0, 4))] * 2),
    "PairwiseDistance": ((), [("f", (0, 4))] * 2),
    "MSELoss": ((), PAIR),
    "L1Loss": ((), PAIR),
    "SmoothL1Loss": ((), PAIR),
    "HuberLoss": ((), PAIR),
    "KLDivLoss": ((), PAIR),
    "SoftMarginLoss": ((), PAIR),
    "BCEWithLogitsLoss": ((), PAIR),
    "PoissonNLLLoss": ((), PAIR),
    "HingeEmbeddingLoss": ((), PAIR),
    "BCELoss": ((), [("f", (0, 4)), ("p", (0, 4))]),
    "GaussianNLLLoss": ((), [("f", (0, 4)), ("t", (0, 4)), ("p", (0, 4))]),
    "CrossEntropyLoss": ((), [("f", (0, 4)), ("i", (0,), 4)]),
    "NLLLoss": ((), [("f", (0, 4)), ("i", (0,), 4)]),
    "LinearCrossEntropyLoss": ((3, 4), [("f", (0, 3)), ("i", (0,), 4)]),
    "MarginRankingLoss": ((), [("f", (0,)), ("f", (0,)), ("t", (0,))]),
    "CosineEmbeddingLoss": ((), [("f", (0, 4)), ("f", (0, 4)), ("t", (0,))]),
    "TripletMarginLoss": ((), [("f", (0, 4))] * 3),
    "LazyLinear": ((3,), F4),
    "LazyConv1d": ((3, 3), [("f", (0, 2, 8))]),
    "LazyConv2d": ((3, 3), [("f", (0, 2, 8, 8))]),
    "LazyConv3d": ((3, 3), [("f", (0, 2, 5, 5, 5))]),
    "LazyConvTranspose1d": ((3, 3), [("f", (0, 2, 8))]),
    "LazyConvTranspose2d": ((3, 3), [("f", (0, 2, 8, 8))]),
    "LazyConvTranspose3d": ((3, 3), [("f", (0, 2, 4, 4, 4))]),
    "LazyBatchNorm1d": ((), [("f", (0, 3))]),
    "LazyBatchNorm2d": ((), [("f", (0, 3, 4, 4))]),
    "LazyBatchNorm3d": ((), [("f", (0, 3, 2, 2, 2))]),
    "SyncBatchNorm": ((3,), [("f", (0, 3, 4))]),
    "CrossMapLRN2d": ((3,), [("f", (0, 4, 5, 5))]),
    "EmbeddingBag": ((10, 3), [("i", (0, 2), 10)]),
    "FractionalMaxPool2d": ((2, 3), [("f", (0, 3, 8, 8))]),
    "FractionalMaxPool3d": ((2, 3), [("f", (0, 3, 6, 6, 6))]),
    "MultiLabelSoftMarginLoss": ((), [("f", (0, 4)), ("t", (0, 4))]),
    "TripletMarginWithDistanceLoss": ((), [("f", (0, 4))] * 3),
    "NLLLoss2d": ((), [("f", (0, 4, 2, 2)), ("i", (0, 2, 2), 4)]),
}
for _name in ["ReLU", "ReLU6", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Softplus",
              "Softsign", "Softshrink", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU",
              "LogSigmoid", "Tanhshrink", "RReLU"]:  # fmt: skip
    LAYERS[_name] = ((), F4)
for _n in (1, 2, 3):
    _shape = (0, 3) + (4,) * _n
    for _pad in ("ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad"):
        LAYERS[f"{_pad}{_n}d"] = ((1,), [("f", _shape)])
    LAYERS[f"ConstantPad{_n}d"] = ((1, 0.5), [("f", _shape)])

# PyTorch hands these an empty input straight back: the output is the input, a leaf here
PASS_THROUGH = {
    "Identity", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "LocalResponseNorm",
}  # fmt: skip

NOT_LAYERS = {
    "Module": "base class",
    "RNNBase": "base class",
    "RNNCellBase": "base class",
    "Sequential": "container",
    "ModuleList": "container",
    "ModuleDict": "container",
    "ParameterList": "container",
    "ParameterDict": "container",
    "TransformerEncoder": "a stack of TransformerEncoderLayer (covered)",
    "TransformerDecoder": "a stack of TransformerDecoderLayer (covered)",
    "PixelShuffle": "PyTorch 2.13's own backward fails on an empty batch",
    "PixelUnshuffle": "PyTorch 2.13 raises on an empty batch",
    "Container": "deprecated container",
    "LazyInstanceNorm1d": "PyTorch 2.13 raises on an empty batch (it reads the first example)",
    "LazyInstanceNorm2d": "PyTorch 2.13 raises on an empty batch (it reads the first example)",
    "LazyInstanceNorm3d": "PyTorch 2.13 raises on an empty batch (it reads the first example)",
    "MultiMarginLoss": "PyTorch 2.13 returns uninitialised memory for an empty batch; retrograd NaN",
    "MultiLabelMarginLoss": "PyTorch 2.13 returns uninitialised memory for an empty batch; retrograd NaN",
    "AdaptiveLogSoftmaxWithLoss": "an empty batch reaches no tail cluster: no gradient for those, as in PyTorch",
    "DataParallel": "a wrapper: calls the module it holds",
    "MaxUnpool1d": "takes MaxPool's indices as input: covered by the functional tests of unpooling",
    "MaxUnpool2d": "takes MaxPool's indices as input: covered by the functional tests of unpooling",
    "MaxUnpool3d": "takes MaxPool's indices as input: covered by the functional tests of unpooling",
    "CTCLoss": "takes lengths and targets of its own shape: covered by tests/test_nn_losses_pooling_more.py",
}


def _inputs(lib, spec):
    out = []
    for kind, shape, *_rest in spec:
        if kind == "i":
            out.append(lib.tensor(np.zeros(shape, np.int64)))
        else:
            out.append(lib.zeros(*shape, requires_grad=kind == "f"))
    return out


def _first(out):
    while isinstance(out, (tuple, list)):
        out = out[0]
    return out


def _run(lib, name):
    """What a user sees: output shape/dtype/graph flags, input and parameter gradients."""
    args, spec = LAYERS[name]
    lib.manual_seed(0)
    layer = getattr(lib.nn, name)(*args)
    xs = _inputs(lib, spec)
    out = _first(layer(*xs))
    seen = {
        "shape": tuple(out.shape),
        "dtype": str(out.dtype).split(".")[-1],
        "requires_grad": out.requires_grad,
        "grad_fn": out.grad_fn is not None,
        "value": out.detach().numpy().copy(),
    }
    out.sum().backward()
    seen["input_grads"] = [
        None if x.grad is None else (tuple(x.grad.shape), x.grad.numpy().copy()) for x in xs if x.requires_grad
    ]
    seen["param_grads"] = [None if p.grad is None else p.grad.numpy().copy() for p in layer.parameters()]
    seen["param_shapes"] = [tuple(p.shape) for p in layer.parameters()]
    return seen


def test_every_layer_is_covered():
    names = list(vars(retrograd.nn).items())  # (a snapshot: a class check may load a lazy module into it)
    classes = {n for n, c in names if inspect.isclass(c) and issubclass(c, retrograd.nn.Module)}
    missing = sorted(classes - set(LAYERS) - set(NOT_LAYERS))
    assert not missing, f"nn layers without a zero-size batch case: {missing}"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_zero_size_batch(name):
    seen = _run(retrograd, name)
    assert seen["requires_grad"], "the output left the graph"
    assert seen["grad_fn"] == (name not in PASS_THROUGH)
    for (_kind, shape, *_), got in zip([s for s in LAYERS[name][1] if s[0] == "f"], seen["input_grads"]):
        assert got is not None and got[0] == shape
        assert not got[1].any()
    for g, shape in zip(seen["param_grads"], seen["param_shapes"]):
        assert g is not None, "a parameter got no gradient"
        assert g.shape == shape and not g.any()


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_zero_size_batch_vs_torch(name):
    if torch is None:
        pytest.skip("PyTorch not installed")
    ours, theirs = _run(retrograd, name), _run(torch, name)
    for key in ("shape", "dtype", "requires_grad", "grad_fn", "param_shapes"):
        assert ours[key] == theirs[key], key
    np.testing.assert_allclose(ours["value"], theirs["value"], equal_nan=True)
    assert [g is None for g in ours["input_grads"]] == [g is None for g in theirs["input_grads"]]
    for o, t in zip(ours["input_grads"], theirs["input_grads"]):
        if t is not None:
            assert o[0] == t[0]
    for o, t in zip(ours["param_grads"], theirs["param_grads"]):
        if t is not None:
            assert o is not None and o.shape == t.shape
            np.testing.assert_allclose(o, t)
