"""python -m bench [all|NAME ...]"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

BENCHMARKS = ["seed", "assets", "matching", "timebank", "tasks", "web", "queries", "sharing"]
OUT = Path("var/bench")


def main(argv: list[str]) -> int:
    names = BENCHMARKS if not argv or argv == ["all"] else argv
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        result = importlib.import_module(f"bench.{name}").run()
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"{name}: {json.dumps(result)}\n  -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
