"""Public functions that behave as PyTorch's built-ins: stored on a class, they do not bind.

PyTorch writes most of its functions in C++ (`torch.add`, `torch.conv2d`, `torch.linalg.inv`). A
built-in stored as a class attribute stays a plain function, so a program may write
`class Loss: conv = torch.conv2d` and then call `self.conv(x, w)` (kornia's HausdorffERLoss does).
A Python function stored so becomes a method, and `self` would arrive as the input. retrograd's
functions are Python functions, so the public face of each name PyTorch writes in C++ is handed out
as a `BuiltinFunction`: a `staticmethod` (callable since Python 3.10, never bound) that pickles by
its module and name, as functions do. The names PyTorch writes in Python keep plain functions,
which bind as PyTorch's do.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuiltinFunction", "builtin_in_pytorch"]

# The namespaces whose functions PyTorch binds from C++ (`torch._C._VariableFunctions`,
# `torch._C._nn`, `torch._C._linalg`, ...); elsewhere (`autograd`, `nn.init`) it writes them in Python.
_BUILTIN_NAMESPACES = frozenset({"", "nn.functional", "linalg", "fft", "special", "sparse"})

# Their names PyTorch 2.13 writes in Python (`type(torch.<name>) is FunctionType`), by namespace.
_PYTHON_WRITTEN = {
    "": frozenset("""
        _assert _check _check_index _check_not_implemented _check_tensor_all _check_tensor_all_with _check_type
        _check_value _check_with are_deterministic_algorithms_enabled atleast_1d atleast_2d atleast_3d
        block_diag broadcast_shapes broadcast_tensors cartesian_prod cdist chain_matmul compile eig einsum
        from_dlpack get_default_device get_deterministic_debug_mode get_float32_matmul_precision get_rng_state
        initial_seed is_deterministic_algorithms_warn_only_enabled is_storage is_tensor is_warn_always_enabled
        load lobpcg lstsq lu manual_seed matrix_rank meshgrid norm pca_lowrank save seed set_default_device
        set_default_dtype set_default_tensor_type set_deterministic_debug_mode set_float32_matmul_precision
        set_printoptions set_rng_state set_warn_always solve split stft svd_lowrank sym_float sym_int sym_ite
        sym_max sym_min sym_not sym_sqrt symeig tensordot typename unique unique_consecutive unravel_index
        use_deterministic_algorithms vmap
    """.split()),
    "nn.functional": frozenset("""
        adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d adaptive_max_pool1d_with_indices
        adaptive_max_pool2d adaptive_max_pool2d_with_indices adaptive_max_pool3d adaptive_max_pool3d_with_indices
        affine_grid alpha_dropout batch_norm binary_cross_entropy binary_cross_entropy_with_logits celu
        cosine_embedding_loss cross_entropy ctc_loss dropout dropout1d dropout2d dropout3d elu embedding
        embedding_bag feature_alpha_dropout fold fractional_max_pool2d fractional_max_pool2d_with_indices
        fractional_max_pool3d fractional_max_pool3d_with_indices gaussian_nll_loss glu grid_sample group_norm
        gumbel_softmax hardsigmoid hardswish hardtanh hinge_embedding_loss huber_loss instance_norm interpolate
        kl_div l1_loss layer_norm leaky_relu linear_cross_entropy local_response_norm log_softmax lp_pool1d
        lp_pool2d lp_pool3d margin_ranking_loss max_pool1d max_pool1d_with_indices max_pool2d
        max_pool2d_with_indices max_pool3d max_pool3d_with_indices max_unpool1d max_unpool2d max_unpool3d mish
        mse_loss multi_head_attention_forward multi_margin_loss multilabel_margin_loss multilabel_soft_margin_loss
        nll_loss normalize pad poisson_nll_loss relu relu6 rms_norm rrelu selu sigmoid silu smooth_l1_loss
        soft_margin_loss softmax softmin softsign tanh tanhshrink threshold triplet_margin_loss
        triplet_margin_with_distance_loss unfold upsample upsample_bilinear upsample_nearest
    """.split()),
    "sparse": frozenset({"sum"}),
}  # fmt: skip


def builtin_in_pytorch(where: str, name: str) -> bool:
    """Whether PyTorch's `torch.<where>.<name>` is a built-in function (C++), not a Python one."""
    return where in _BUILTIN_NAMESPACES and name not in _PYTHON_WRITTEN.get(where, frozenset())


class BuiltinFunction(staticmethod):
    """A public function that, like PyTorch's built-ins, stays a function when stored on a class.

    >>> class Loss:
    ...     act = retrograd.exp
    >>> Loss().act(retrograd.zeros(1))
    tensor([1.])
    """

    def __reduce__(self) -> str:
        return self.__qualname__  # pickled as a global, by `__module__` and this name

    def __repr__(self) -> str:
        return f"<built-in function {self.__name__}>"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self  # (staticmethod's would hand out the wrapped function, a different object)
