"""Character-level text generation: learn the next character, then sample.

The tutorials' generator: one-hot characters -> LSTM -> softmax over the
characters, trained on windows of a text, then sampled one character at a time
with a temperature. ``AutoSeqGenerator`` cuts the windows, searches the
look-back and the architectures on walk-forward folds, puts back-off n-gram
counts on the leaderboard as the baseline, and samples reproducibly.

Run from the project root::

    python examples/char_generation.py            # networks only, then with baselines
    python examples/char_generation.py --quick    # one small LSTM
"""

from __future__ import annotations

import argparse
import time

CORPUS = "hello world hello tensorflow hello keras " * 20


def show(gen, title: str) -> None:
    print(f"\n== {title}")
    print(gen.leaderboard_[["rank", "architecture", "kind", "params", "mean_score",
                            "fit_time"]].to_string(index=False))
    print(f"after 'hello' at temperature 0.2: {gen.generate('hello', 1, temperature=0.2)!r}")
    for temperature in (0.2, 1.0, 1.5):
        text = gen.generate("hello", 60, temperature=temperature, random_state=0)
        print(f"temperature {temperature}: hello{text}")
    first, second = (gen.generate("hello", 60, random_state=42) for _ in range(2))
    print(f"same random_state, same text: {first == second}")
    try:
        gen.generate("hello zebra", 5)
    except ValueError as exc:
        print(f"unknown seed symbols: {exc}")


def main(quick: bool = False) -> None:
    from autoseq import AutoSeqGenerator, get_architecture

    started = time.perf_counter()
    if quick:
        gen = AutoSeqGenerator(lookback=12, architectures=[get_architecture("lstm", units=32)],
                               max_epochs=40, baselines=False, ensemble=False, random_state=0)
        show(gen.fit(CORPUS), f"one LSTM(32), look-back 12 ({time.perf_counter() - started:.0f}s)")
        return
    gen = AutoSeqGenerator(lookback=[10, 20], architectures=["lstm", "gru"], max_epochs=60,
                           baselines=False, random_state=0, verbose=1)
    show(gen.fit(CORPUS), f"networks only ({time.perf_counter() - started:.0f}s)")
    started = time.perf_counter()
    gen = AutoSeqGenerator(lookback=[10, 20], architectures=["lstm"], max_epochs=60,
                           random_state=0, verbose=1)
    show(gen.fit(CORPUS), f"with the n-gram baselines ({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small LSTM")
    main(parser.parse_args().quick)
