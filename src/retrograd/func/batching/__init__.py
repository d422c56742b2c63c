"""The batching-rule table: primitive name -> rule, and the dispatch `Primitive` calls under vmap.

Ops not in the table run once per example and are stacked (`rules.fallback`), which is
right for every op whose output shape does not depend on the values; ops whose shape does
(`masked_select`) raise PyTorch's error.
"""

from __future__ import annotations

from typing import Any

from ...engine.vmap_hook import NOT_BATCHED, hook
from .._batched import BatchedTensor
from ..batched_backward import batched_grad
from ..custom_function import vmap_rule
from . import nn_rules, rules
from .indexed import INDEX_RULES
from .inplace import check_write, commit
from .lifted import LIFT_RULES, lift
from .randomness import check_random, random_draw, random_elementwise, random_fill, random_rows

_ELEMENTWISE = """
abs acos acosh add alias asin asinh atan atan2 atanh ceil celu clamp clone copy cos cosh deg2rad div elu erf erfc
erfinv exp exp2 expm1 fill floor floor_divide fmax fmin fmod frac gelu hardshrink hardshrink_backward hardsigmoid
hardswish hardtanh hardtanh_backward hypot leaky_relu leaky_relu_backward log log10 log1p log2 log_sigmoid logaddexp
logaddexp2 logit masked_fill maximum minimum mish mul nan_to_num neg pow rad2deg reciprocal relu remainder round
rrelu_with_noise_backward rsqrt rsub sigmoid sign silu sin sinc sinh softplus softshrink softshrink_backward sqrt sub
tan tanh tanh_backward sigmoid_backward threshold threshold_backward to_dtype trunc where xlogy
""".split()

RULES: dict[str, rules.Rule] = {name: rules.elementwise for name in _ELEMENTWISE}
RULES.update(
    {
        # the pixel shuffles rearrange the last three dims, whatever leads them
        "pixel_shuffle": rules._unary(lambda attrs, t, size: attrs),
        "pixel_unshuffle": rules._unary(lambda attrs, t, size: attrs),
        "channel_shuffle": rules._dims("dim"),
        # reductions and scans: dims move past the batch (None: every logical dim)
        **dict.fromkeys(
            "sum mean nansum prod amax amin aminmax logsumexp linalg_vector_norm std var std_mean var_mean".split(),
            rules._dims("dims"),
        ),
        **dict.fromkeys("softmax log_softmax".split(), rules._dims("dim", none_means_all=False)),
        **dict.fromkeys("softmax_backward log_softmax_backward".split(), rules.along_dim),
        **dict.fromkeys("cumsum cumprod glu linalg_cross flip".split(), rules._dims("dim", "dims")),
        "transpose": rules._dims("d0", "d1"),
        "diagonal": rules._dims("d1", "d2"),
        "select": rules.key_or(rules._shaped("dim")),
        "slice": rules.key_or(rules._shaped("dim")),
        "unfold": rules._shaped("dim"),
        # shape and view ops: the batch goes in front of the shape
        **dict.fromkeys("reshape view unsafe_view unsqueeze".split(), rules._shaped()),
        "squeeze": rules._unary(lambda attrs, t, size: None if "shape" not in attrs else rules._prepend(attrs, size)),
        "select_backward": rules.key_or(rules._shaped("dim")),
        "slice_backward": rules.key_or(rules._shaped("dim")),
        "diagonal_backward": rules._shaped("d1", "d2"),
        "unfold_backward": rules._shaped("dim"),
        "diag_embed": rules._shaped("d1", "d2"),
        "permute": rules.permute,
        "expand": rules.expand,
        "t": rules.transpose_last,
        # indexing with basic keys
        **dict.fromkeys("index index_select".split(), rules.keyed),
        # the matmul family
        **dict.fromkeys("matmul mm mv dot vdot bmm".split(), rules.matmul),
        **dict.fromkeys("addmm addmv baddbmm addbmm".split(), rules.addmm),
        "cat": rules.joined,
        "stack": rules.joined,
        # shapes that depend on the values
        "masked_select": rules.dynamic_shape,
    }
)


# variants told apart by their node's name
NODE_RULES: dict[str, rules.Rule] = {
    "SumBackward0": rules.reduce_all("sum"),
    "MeanBackward0": rules.reduce_all("mean"),
    "ProdBackward0": rules.reduce_all("prod"),
    "MaxBackward1": rules.reduce_all("amax"),
    "MinBackward1": rules.reduce_all("amin"),
    "SqueezeBackward4": rules.drop_first,
    "SqueezeBackward0": rules.squeeze_all,
    "SqueezeBackward1": rules.squeeze_dim,
}
RULES["einsum"] = rules.einsum
RULES["trace"] = rules.trace
RULES["convolution"] = nn_rules.convolution
RULES["avg_pool"] = RULES["avg_pool_backward"] = nn_rules.leading_dims_alike
RULES["embedding"] = nn_rules.embedding_rows
RULES["mse_loss"] = RULES["smooth_l1_loss"] = RULES["huber_loss"] = nn_rules.pointwise_loss


def dispatch(prim: Any, tensors: tuple, attrs: dict) -> Any:
    """Run `prim` at the innermost level any input is batched at; NOT_BATCHED when none is."""
    level = 0
    for t in tensors:
        if type(t) is BatchedTensor and t._level > level:
            level = t._level
    if not level:
        return NOT_BATCHED
    rule = NODE_RULES.get(prim.node_name) or RULES.get(prim.name, rules.fallback)
    return rule(prim, tensors, attrs, level)


def install() -> None:
    LIFT_RULES.update(INDEX_RULES)
    LIFT_RULES["embedding"] = nn_rules.embedding_lookup
    LIFT_RULES["autograd_function"] = vmap_rule
    LIFT_RULES["random"] = random_elementwise
    LIFT_RULES["random_rows"] = random_rows
    hook.dispatch = dispatch
    hook.commit = commit
    hook.check_write = check_write
    hook.lift = lift
    hook.check_random = check_random
    hook.random_draw = random_draw
    hook.random_fill = random_fill
    hook.batched_grad = batched_grad
    hook.is_batched = _is_batched


def _is_batched(t: Any) -> bool:
    return isinstance(t, BatchedTensor)
