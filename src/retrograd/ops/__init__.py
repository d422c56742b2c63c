"""All of retrograd's operations, one module per family.

Every function here is also reachable as `retrograd.<name>` and, where PyTorch
has it, as a Tensor method (see `tensor_methods.py`).
"""

from . import (
    activation,
    arithmetic,
    compare,
    creation,
    indexing,
    linalg,
    pointwise,
    reduction,
    shape,
    sorting,
    views,
)
from .activation import *  # noqa: F403
from .arithmetic import *  # noqa: F403
from .compare import *  # noqa: F403
from .creation import *  # noqa: F403
from .creation import legacy_new  # noqa: F401  (Tensor(...) and FloatTensor(...), not a public op)
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .pointwise import *  # noqa: F403
from .reduction import *  # noqa: F403
from .shape import *  # noqa: F403
from .sorting import *  # noqa: F403
from .views import *  # noqa: F403

__all__: list[str] = []
__all__ += activation.__all__
__all__ += arithmetic.__all__
__all__ += compare.__all__
__all__ += creation.__all__
__all__ += indexing.__all__
__all__ += linalg.__all__
__all__ += pointwise.__all__
__all__ += reduction.__all__
__all__ += shape.__all__
__all__ += sorting.__all__
__all__ += views.__all__
