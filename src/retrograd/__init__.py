"""retrograd: PyTorch's autograd, rebuilt in readable Python on NumPy.

>>> import retrograd as torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> (x ** 3).backward()
>>> x.grad
tensor(12.)
"""

import builtins
import math as _math
import sys as _sys
from typing import TYPE_CHECKING, Any

# ruff: noqa: I001  (order matters: Tensor must exist before the ops that build tensors)
from . import _missing
from . import _torch_function as _tf
from . import dtypes as _dtypes
from .backend import device
from .dtypes import bool_ as bool
from .dtypes import (
    bfloat16,
    cdouble,
    cfloat,
    chalf,
    complex32,
    complex64,
    complex128,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    float8_e4m3fn,
    float8_e5m2,
    float8_e8m0fnu,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    uint16,
    uint32,
    uint64,
    short,
    uint8,
)
from ._layouts import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    legacy_contiguous_format,
    memory_format,
    preserve_format,
    sparse_bsc,
    sparse_bsr,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)
from .tensor import Size, Tensor, is_tensor
from ._storage import UntypedStorage  # `retrograd.storage` (which also unpickles) loads on first use
from ._typed_storage import TypedStorage
from . import autograd, ops
from .ops.from_data import tensor  # the function: importing .tensor above bound the module's name

# loaded with the package, not on first use: their public faces (which TorchFunctionModes see) made here
tensor = _tf.public_function(tensor, __package__, "tensor")
promote_types = _tf.public_function(ops.queries.promote_types, __package__, "promote_types")
from ._printing import get_printoptions, set_printoptions
from .autograd import (
    enable_grad,
    inference_mode,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .legacy_types import *
from . import tensor_methods as _tensor_methods


def _load_random() -> Any:
    from . import random

    return random


_tensor_methods.bind(ops, _load_random)  # the one place Tensor methods are bound to their ops

if TYPE_CHECKING:
    # The ops load on first use (`__getattr__` below asks `retrograd.ops`, whose modules load on
    # first use too). mypy reads only literal `__all__` lists, and `ops.__all__` is assembled from
    # the families' lists, so type checkers see the families' names here as well.
    from .ops import *
    from .ops.activation.along_dim import *
    from .ops.activation.piecewise import *
    from .ops.activation.exponential_linear import *
    from .ops.copying import *
    from .ops.creation import *
    from .ops.elementwise.arithmetic import *
    from .ops.elementwise.three_operand import *
    from .ops.elementwise.binary_math import *
    from .ops.elementwise.rounded_division import *
    from .ops.elementwise.clamp_where import *
    from .ops.elementwise.compare import *
    from .ops.elementwise.complex_parts import *
    from .ops.elementwise.complex_views import *
    from .ops.elementwise.gamma_names import *
    from .ops.elementwise.pointwise import *
    from .ops.elementwise.powers import *
    from .ops.from_data import *
    from .ops.shared_memory import *
    from .ops.indexing.gather_scatter import *
    from .ops.indexing.masking import *
    from .ops.indexing.nonzeros import *
    from .ops.indexing.subscript import *
    from .ops.inplace_functions import *
    from .ops.foreach import *
    from .ops.linalg.classic import *
    from .ops.linalg.compact_qr import *
    from .ops.linalg.composite import *
    from .ops.linalg.contraction import *
    from .ops.linalg.multiply_add import *
    from .ops.linalg.products import *
    from .ops.linalg.derived_products import *
    from .ops.linalg.cross_product import *
    from .ops.ranges import *
    from .ops.reduction.cumulative import *
    from .ops.reduction.extrema import *
    from .ops.reduction.moments import *
    from .ops.reduction.norms import *
    from .ops.reduction.statistics import *
    from .ops.reduction.nan_reductions import *
    from .ops.reduction.sampled_calculus import *
    from .ops.reduction.finite_differences import *
    from .ops.reduction.sum_prod import *
    from .ops.shape.aliases import *
    from .ops.shape.diagonals import *
    from .ops.shape.join import *
    from .ops.shape.repeat_reorder import *
    from .ops.shape.slicing import *
    from .ops.shape.splitting import *
    from .ops.shape.strided import *
    from .ops.shape.views import *
    from .ops.shape.broadcasting import *
    from .ops.queries import *
    from .ops.searching import *
    from .ops.sorting import *
    from .ops.spectral.stft import *
    from .ops.windows import *

from .version import __version__

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan
newaxis = None  # `x[:, torch.newaxis]`, as NumPy's
has_spectral = True  # PyTorch's build flag for its FFT: `retrograd.fft` is always there
# the package is its own attribute in PyTorch (`torch.torch is torch`); kornia writes `torch.torch.Tensor`
torch = _sys.modules[__name__]

# nn, optim, utils and save/load cost ~0.4 s to import and are not needed for tensors and
# autograd, so they load on first use (`retrograd.nn`, `from retrograd import nn` and
# `import retrograd.nn` all work as usual). So do linalg, the device and runtime-settings APIs.
_ON_FIRST_USE = {
    "nn": "nn", "optim": "optim", "utils": "utils", "viz": "viz", "save": "serialization", "load": "serialization",
    "distributed": "distributed", "futures": "futures", "Future": "futures",
    "install_as_torch": "torch_alias", "uninstall_as_torch": "torch_alias",
    "cuda": "cuda", "amp": "amp", "autocast": "amp", "accelerator": "accelerator", "backends": "backends",
    "is_autocast_enabled": "amp", "get_autocast_dtype": "amp", "set_autocast_enabled": "amp",
    "set_autocast_dtype": "amp", "is_autocast_cache_enabled": "amp", "set_autocast_cache_enabled": "amp",
    "clear_autocast_cache": "amp", "autocast_increment_nesting": "amp", "autocast_decrement_nesting": "amp",
    "is_autocast_cpu_enabled": "amp", "set_autocast_cpu_enabled": "amp", "get_autocast_cpu_dtype": "amp",
    "set_autocast_cpu_dtype": "amp", "get_autocast_gpu_dtype": "amp", "set_autocast_gpu_dtype": "amp",
    "cpu": "cpu", "GradScaler": "amp", "__config__": "__config__",
    "xpu": "xpu", "mps": "mps", "Stream": "_streams", "Event": "_streams",
    "get_device_module": "_device_module",
    "set_default_device": "_default_device", "get_default_device": "_default_device",
    "set_num_threads": "_threads", "get_num_threads": "_threads", "init_num_threads": "_threads",
    "set_warn_always": "_global_flags", "is_warn_always_enabled": "_global_flags",
    "set_flush_denormal": "_global_flags", "is_storage": "_typed_storage", "Storage": "_typed_storage",
    "DoubleStorage": "_typed_storage", "FloatStorage": "_typed_storage", "HalfStorage": "_typed_storage",
    "BFloat16Storage": "_typed_storage", "LongStorage": "_typed_storage", "IntStorage": "_typed_storage",
    "ShortStorage": "_typed_storage", "CharStorage": "_typed_storage", "ByteStorage": "_typed_storage",
    "BoolStorage": "_typed_storage", "ComplexFloatStorage": "_typed_storage",
    "ComplexDoubleStorage": "_typed_storage", "StorageBase": "_storage",
    "set_anomaly_enabled": "engine.anomaly_mode", "OutOfMemoryError": "_C", "AcceleratorError": "_C",
    "set_num_interop_threads": "_threads", "get_num_interop_threads": "_threads",
    "set_float32_matmul_precision": "_global_flags", "get_float32_matmul_precision": "_global_flags",
    "use_deterministic_algorithms": "_global_flags", "are_deterministic_algorithms_enabled": "_global_flags",
    "is_deterministic_algorithms_warn_only_enabled": "_global_flags",
    "func": "func", "vmap": "func", "distributions": "distributions", "fft": "fft", "special": "special",
    "signal": "signal",
    "compile": "compiler", "compiler": "compiler",
    "set_deterministic_debug_mode": "_global_flags", "get_deterministic_debug_mode": "_global_flags",
    "finfo": "_type_info", "iinfo": "_type_info", "testing": "testing", "linalg": "linalg",
    "sparse": "sparse", "svd_lowrank": "_lowrank", "pca_lowrank": "_lowrank",
    "lobpcg": "_lobpcg",
    # the assertions library code writes for tracing (kornia)
    "_check": "_checks", "_check_index": "_checks", "_check_value": "_checks", "_check_type": "_checks",
    "_check_not_implemented": "_checks", "_assert_async": "_checks", "_shape_as_tensor": "_checks",
    "_check_with": "_checks", "_check_tensor_all": "_checks", "_check_tensor_all_with": "_checks",
    # symbolic sizes, which retrograd never makes: `isinstance(n, (int, torch.SymInt))`
    "SymInt": "_symbolic", "SymFloat": "_symbolic", "SymBool": "_symbolic", "sym_int": "_symbolic",
    "sym_float": "_symbolic", "sym_max": "_symbolic", "sym_min": "_symbolic", "sym_not": "_symbolic",
    "sym_ite": "_symbolic", "sym_sqrt": "_symbolic",
    "PyTorchFileReader": "_C", "DeviceObjType": "_C", "TensorType": "_C", "Type": "_C", "_C": "_C",
    "overrides": "overrides",
    "ScriptModule": "jit", "ScriptFunction": "jit", "fx": "fx",
    "_amp_foreach_non_finite_check_and_unscale_": "amp.scaling", "_amp_update_scale_": "amp.scaling",
    # the gamma and Dirichlet samplers behind torch.distributions, which Pyro-style code calls
    "_standard_gamma": "distributions._sampling", "_standard_gamma_grad": "distributions._sampling",
    "_sample_dirichlet": "distributions._sampling", "_dirichlet_grad": "distributions._sampling",
}
# The random functions and the default generator (its Mersenne Twister state and the samplers
# cost ~20 ms to import) load on first use; this list is `retrograd.random.__all__`.
_RANDOM = (
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson", "binomial",
    "rand_like", "randn_like", "randint_like",
)
_ON_FIRST_USE.update({name: "random" for name in _RANDOM}, random="random")
# The nn.functional ops PyTorch also has at top level load with nn.
_ON_FIRST_USE.update({
    name: "_functional_aliases"
    for name in (
        "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "alpha_dropout_", "avg_pool1d", "batch_norm",
        "bilinear", "binary_cross_entropy_with_logits", "channel_shuffle", "conv1d", "conv2d", "conv3d",
        "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss", "cosine_similarity",
        "ctc_loss", "dropout", "dropout_", "embedding", "embedding_bag", "feature_alpha_dropout",
        "feature_alpha_dropout_", "feature_dropout", "feature_dropout_", "group_norm", "hinge_embedding_loss",
        "instance_norm", "kl_div", "layer_norm",
        "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d",
        "pairwise_distance", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "rms_norm",
        "triplet_margin_loss",
    )
})  # fmt: skip


if TYPE_CHECKING:  # what __getattr__ loads, spelled out so type checkers know their types
    from . import distributed, distributions, fft, func, futures, linalg, nn, optim, random, signal, sparse, special
    from . import _C, __config__, testing, utils, viz
    from .random import *
    from .func import vmap  # type: ignore[no-redef]  # noqa: F811
    from ._type_info import finfo, iinfo
    from ._functional_aliases import *
    from .serialization import load, save
    from .futures import Future
    from ._lowrank import pca_lowrank, svd_lowrank
    from ._lobpcg import lobpcg
    from ._checks import *
    from ._symbolic import *
    from ._streams import Event, Stream
    from ._C import DeviceObjType, TensorType, Type
    from ._device_module import get_device_module
    from .amp.scaling import _amp_foreach_non_finite_check_and_unscale_, _amp_update_scale_
    from .distributions._sampling import _dirichlet_grad, _sample_dirichlet, _standard_gamma, _standard_gamma_grad
else:
    _OPS = frozenset(ops.__all__)  # the ops are `retrograd.<name>` too, loaded when first asked for

    def __getattr__(name: str) -> Any:
        import importlib

        if name in _OPS:  # a function's public face checks its arguments for `__torch_function__`
            # (`__package__`: the alias `retrograd run` installs renames `__name__` to "torch")
            value = _tf.public_function(getattr(ops, name), __package__, name)
        elif name in _ON_FIRST_USE:
            module = importlib.import_module("." + _ON_FIRST_USE[name], __package__)
            if _ON_FIRST_USE[name] == name:
                value = module
            else:
                value = _tf.public_function(getattr(module, name), __package__, name)
        else:  # a submodule not imported yet (`from . import x` inside retrograd too), else a deprecated flag
            value = _missing.submodule(__package__, name)
            if value is None:  # `has_cuda` and friends warn on every read, so they are never cached
                from .backends._deprecated_names import NOT_DEPRECATED, deprecated_attribute

                value = deprecated_attribute(name)
                if value is NOT_DEPRECATED:
                    raise _missing.missing_attribute(__package__, name)
                return value
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | _OPS | set(_ON_FIRST_USE))


def result_type(tensor1: object, tensor2: object) -> dtype:
    """The dtype PyTorch's promotion gives for an op on these two operands.

    A tensor with dims outranks a 0-d tensor, which outranks a Python number, unless the lower
    rank holds a higher kind of number (bool < integer < floating < complex): `int tensor + 1.0`
    is the default float, `uint8 tensor + int64 0-d tensor` stays uint8.

    Args:
        tensor1 (Tensor or number): an operand.
        tensor2 (Tensor or number): the other operand.

    Returns:
        dtype: the dtype of e.g. `tensor1 + tensor2`.

    Examples:
        >>> retrograd.result_type(retrograd.tensor([1, 2]), 1.0)
        retrograd.float32
        >>> retrograd.result_type(retrograd.tensor([1, 2], dtype=retrograd.uint8), retrograd.tensor(-1))
        retrograd.uint8
    """
    ops.queries.check_result_type_operands(tensor1, tensor2)
    return _dtypes.result_type(tensor1, tensor2)


def is_floating_point(input: Tensor) -> builtins.bool:
    """Whether `input`'s dtype is a floating-point dtype (float16, bfloat16, float32 or float64).

    Args:
        input (Tensor): any tensor.

    Returns:
        bool: `input.dtype.is_floating_point` (False for complex dtypes).

    Examples:
        >>> retrograd.is_floating_point(retrograd.tensor([1.0])), retrograd.is_floating_point(retrograd.tensor([1]))
        (True, False)
    """
    return input.is_floating_point()


def numel(input: Tensor) -> builtins.int:
    """The number of elements of `input` (the product of its shape; 1 for a 0-d tensor).

    Args:
        input (Tensor): any tensor.

    Returns:
        int: the element count.

    Examples:
        >>> retrograd.numel(retrograd.zeros(2, 3, 4)), retrograd.numel(retrograd.tensor(5.0))
        (24, 1)
    """
    return input.numel()


# the functions written here are public faces too (`retrograd.numel(image)` reaches Image's `__torch_function__`)
result_type = _tf.public_function(result_type, __package__, "result_type")
is_floating_point = _tf.public_function(is_floating_point, __package__, "is_floating_point")
numel = _tf.public_function(numel, __package__, "numel")
