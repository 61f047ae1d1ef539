"""Start-up time of ``nianbao --help`` (target ≤ 0.3 s): median of 20 runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("nianbao")


def main(runs: int = 20) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(EXE), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    print(
        f"nianbao --help: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({runs} runs)"
    )


if __name__ == "__main__":
    main()
