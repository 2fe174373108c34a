"""Run every benchmark and write BENCHMARKS.md at the repository root.

Each topic runs in a fresh Python process (so one topic's memory or compiled
functions cannot flatter another's) and leaves its figures in
``benchmarks/results/<topic>.json``; the report is rendered from those files.

    python benchmarks/run.py              # everything (the accuracy table takes long)
    python benchmarks/run.py --quick      # a short version of every topic
    python benchmarks/run.py --only latency training_overhead
    python benchmarks/run.py --report     # re-render BENCHMARKS.md from saved results
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

try:
    from benchmarks import report
    from benchmarks._common import HERE, ROOT
except ModuleNotFoundError:  # run as a script
    import report
    from _common import HERE, ROOT

TOPICS = ["defaults", "latency", "training_overhead", "search_time", "memory", "scaleout",
          "accuracy"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs of every topic")
    parser.add_argument("--only", nargs="+", choices=TOPICS, help="run only these topics")
    parser.add_argument("--report", action="store_true",
                        help="only re-render BENCHMARKS.md from benchmarks/results")
    args = parser.parse_args(argv)
    failed = []
    if not args.report:
        for topic in args.only or TOPICS:
            print(f"== {topic}", flush=True)
            t0 = time.monotonic()
            cmd = [sys.executable, str(HERE / f"{topic}.py")] + (["--quick"] if args.quick else [])
            if subprocess.run(cmd, cwd=ROOT).returncode != 0:
                failed.append(topic)
            print(f"== {topic}: {time.monotonic() - t0:.0f}s", flush=True)
    path = ROOT / "BENCHMARKS.md"
    path.write_text(report.render())
    print(f"wrote {path}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
