"""All of retrograd's operations, one module per family.

Every function here is also reachable as `retrograd.<name>` and, where PyTorch
has it, as a Tensor method (see `tensor_methods.py`).
"""

from .arithmetic import *  # noqa: F403
from .compare import *  # noqa: F403
from .creation import *  # noqa: F403
from .pointwise import *  # noqa: F403
from .reduction import *  # noqa: F403
from .views import *  # noqa: F403
