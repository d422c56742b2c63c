"""All of retrograd's operations, in sub-packages named the way PyTorch readers look for them.

- `elementwise`: arithmetic, pointwise math, clamp/where/maximum, comparisons and bitwise ops
- `reduction`: sum/mean/prod, max/min, var/std, cumulative ops, norms
- `shape`: views, cat/stack/split, repeat/flip/roll, diagonals
- `indexing`: `t[index]`, gather/scatter, index_select/masked_*
- `linalg`: products, einsum, decompositions, spectral functions
- `activation`: relu/elu families, smooth activations, softmax
- `from_data`: tensor/as_tensor; `shared_memory`: from_numpy/frombuffer/from_dlpack
- `creation`: zeros/ones/full/eye/*_like; `layout_factories`: empty_strided/empty_permuted; `ranges`: arange/linspace
- `copying`: clone, to_dtype, and the out-of-place fill/copy
- `foreach`: `_foreach_add` and friends, one op over each tensor of a list
- `sorting`: sort, topk, kthvalue, median, mode
- `sparse`: sparse COO tensors (sparse_coo_tensor, spmm; the sparse side of mm, sum, add, ...)
- `spectral`: stft/istft and the transforms of `retrograd.fft`
- `windows`: hann/hamming/blackman/bartlett/kaiser windows
- `histograms`: histogram (counts with bin edges)
- `fused`: kernels only `nn.functional` calls (losses, normalization, conv, pooling, resampling)
- `kernels`: helpers with no primitive (operand conversion, erf, sliding windows)

Every name in `__all__` is also reachable as `retrograd.<name>` and, where PyTorch has it,
as a Tensor method (see `tensor_methods.py`). `python -m retrograd.ops.rules NAME`
prints where an op's primitives are defined and their derivative rules.

The modules load on first use (`_lazy.py`): `import retrograd` imports only the few that
tensors and autograd need, and `ops.svd` or `retrograd.svd` imports `linalg.composite` when
first asked for. The names and `__all__` come from `_export_table.py`, which
`python tools/ops_exports.py` regenerates from the lists below.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Names come from the modules themselves (mypy follows one level of star imports, not two);
    # `__all__` is gathered from the sub-packages, which list their modules.
    from . import (
        activation,
        copying,
        creation,
        elementwise,
        foreach,
        from_data,
        histograms,
        indexing,
        inplace_functions,
        layout_factories,
        linalg,
        queries,
        ranges,
        reduction,
        searching,
        shape,
        shared_memory,
        sorting,
        sparse,
        spectral,
        tensor_only,  # what only Tensor methods spell, not in __all__
        weight_normalization,
        windows,
    )
    from .activation.along_dim import *  # noqa: F403
    from .activation.exponential_linear import *  # noqa: F403
    from .activation.piecewise import *  # noqa: F403
    from .activation.randomized_relu import *  # noqa: F403
    from .copying import *  # noqa: F403
    from .creation import *  # noqa: F403
    from .elementwise.arithmetic import *  # noqa: F403
    from .elementwise.binary_math import *  # noqa: F403
    from .elementwise.clamp_where import *  # noqa: F403
    from .elementwise.compare import *  # noqa: F403
    from .elementwise.complex_parts import *  # noqa: F403
    from .elementwise.complex_views import *  # noqa: F403
    from .elementwise.float_parts import *  # noqa: F403
    from .elementwise.gamma_names import *  # noqa: F403
    from .elementwise.integer_math import *  # noqa: F403
    from .elementwise.pointwise import *  # noqa: F403
    from .elementwise.powers import *  # noqa: F403
    from .elementwise.rounded_division import *  # noqa: F403
    from .elementwise.three_operand import *  # noqa: F403
    from .foreach import *  # noqa: F403
    from .from_data import *  # noqa: F403
    from .histograms import *  # noqa: F403
    from .indexing.gather_scatter import *  # noqa: F403
    from .indexing.masking import *  # noqa: F403
    from .indexing.nonzeros import *  # noqa: F403
    from .indexing.reduce_into import *  # noqa: F403
    from .indexing.subscript import *  # noqa: F403
    from .indexing.view_scatter import *  # noqa: F403
    from .inplace_functions import *  # noqa: F403
    from .layout_factories import *  # noqa: F403
    from .legacy import as_subclass, legacy_new, make_subclass  # noqa: F401  (Tensor(...), FloatTensor(...), not public ops)
    from .linalg.classic import *  # noqa: F403
    from .linalg.compact_qr import *  # noqa: F403
    from .linalg.composite import *  # noqa: F403
    from .linalg.contraction import *  # noqa: F403
    from .linalg.cross_product import *  # noqa: F403
    from .linalg.derived_products import *  # noqa: F403
    from .linalg.distances import *  # noqa: F403
    from .linalg.multiply_add import *  # noqa: F403
    from .linalg.products import *  # noqa: F403
    from .linalg.removed import *  # noqa: F403
    from .linalg.vandermonde import *  # noqa: F403
    from .queries import *  # noqa: F403
    from .ranges import *  # noqa: F403
    from .reduction.cumulative import *  # noqa: F403
    from .reduction.extrema import *  # noqa: F403
    from .reduction.finite_differences import *  # noqa: F403
    from .reduction.moments import *  # noqa: F403
    from .reduction.nan_reductions import *  # noqa: F403
    from .reduction.norms import *  # noqa: F403
    from .reduction.sampled_calculus import *  # noqa: F403
    from .reduction.segments import *  # noqa: F403
    from .reduction.statistics import *  # noqa: F403
    from .reduction.sum_prod import *  # noqa: F403
    from .searching import *  # noqa: F403
    from .shape.aliases import *  # noqa: F403
    from .shape.broadcasting import *  # noqa: F403
    from .shape.diagonals import *  # noqa: F403
    from .shape.join import *  # noqa: F403
    from .shape.repeat_reorder import *  # noqa: F403
    from .shape.slicing import *  # noqa: F403
    from .shape.splitting import *  # noqa: F403
    from .shape.strided import *  # noqa: F403
    from .shape.triangle_indices import *  # noqa: F403
    from .shape.view_copies import *  # noqa: F403
    from .shape.views import *  # noqa: F403
    from .shared_memory import *  # noqa: F403
    from .sorting import *  # noqa: F403
    from .sparse.arithmetic import *  # noqa: F403
    from .sparse.layout import *  # noqa: F403
    from .spectral.stft import *  # noqa: F403
    from .weight_normalization import *  # noqa: F403
    from .windows import *  # noqa: F403

    __all__: list[str] = []
    __all__ += activation.__all__
    __all__ += copying.__all__
    __all__ += from_data.__all__
    __all__ += shared_memory.__all__
    __all__ += creation.__all__
    __all__ += layout_factories.__all__
    __all__ += ranges.__all__
    __all__ += elementwise.__all__
    __all__ += indexing.__all__
    __all__ += inplace_functions.__all__
    __all__ += foreach.__all__
    __all__ += histograms.__all__
    __all__ += linalg.__all__
    __all__ += reduction.__all__
    __all__ += shape.__all__
    __all__ += searching.__all__
    __all__ += queries.__all__
    __all__ += sorting.__all__
    __all__ += sparse.__all__
    __all__ += spectral.__all__
    __all__ += weight_normalization.__all__
    __all__ += windows.__all__
else:
    import importlib

    from ..engine import primitive as _primitive
    from . import _lazy

    _primitive.load_sparse_ops = lambda: importlib.import_module(__name__ + ".sparse")

    __all__ = _lazy.public_names(__name__)
    # legacy_new: Tensor(...) and FloatTensor(...), and Tensor subclasses' makers: not public ops
    # load_library, loaded_libraries: `torch.ops.load_library` and the set it fills, not ops either
    __getattr__, __dir__ = _lazy.lazy_package(
        __name__,
        globals(),
        also={
            "legacy_new": "legacy",
            "as_subclass": "legacy",
            "make_subclass": "legacy",
            "load_library": "_custom_namespaces",
            "loaded_libraries": "_custom_namespaces",
        },
    )
