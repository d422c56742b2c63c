"""cProfile of one workload's steps on the device (G2 or W11-cuda): where the Python time goes.

    PYTHONPATH=src python benchmarks/gpu/cprofile_step.py G2|W11 [steps]
"""

from __future__ import annotations

import cProfile
import pstats
import sys

import workloads  # benchmarks/gpu/workloads.py, beside this file

import retrograd as lib


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "G2"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    if which == "G2":
        run = lambda: workloads.mlp_step(lib, (1024, 4096, 4096, 10), 1024, 5, steps)  # noqa: E731
    else:
        run = lambda: workloads.lstm_lm_step(lib)  # noqa: E731
    print(which, "ms/step", run())
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
