"""Time to answer documents of doubling fragments, level by level: parse, limits, validation.

    .venv/bin/python bench/validation.py [--levels 10 14 18 22 24 30 60] [--give-up 120]

Each document is `{ ...F<n> }` with `fragment F<k> on Query { ...F<k-1> ...F<k-1> }` down to
`fragment F0 on Query { __typename }`: a few hundred bytes that expand to 2^n fields. It goes
through the real schema (`schema.execute`, no database needed: `__typename` only), so the time is
what the service spends before it answers. Levels after one that took longer than `--give-up`
seconds are skipped (each level doubles the time of a validator that re-walks fragments).

Also prints graphql-core's own rules alone on the same document, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphql import parse, specified_rules, validate

from core.settings import Settings


def doubling(levels: int) -> str:
    """`{ ...F<levels> }`, each fragment spreading the one below it twice."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [
        f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


class _Context:
    """What the limits read from a request's context: its settings."""

    def __init__(self) -> None:
        self.settings = Settings(_env_file=None)  # type: ignore[call-arg]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 14, 18, 22, 24, 30, 60])
    parser.add_argument("--give-up", type=float, default=120.0, help="seconds; skip larger")
    args = parser.parse_args(argv)

    from schema import schema

    header = (
        f"{'levels':>6} {'bytes':>6} {'fields':>7} {'answer s':>9} {'graphql-core s':>15}  answer"
    )
    print(header)
    print("-" * len(header))
    slow = False
    for levels in args.levels:
        document = doubling(levels)
        if slow:
            print(f"{levels:>6} {len(document.encode()):>6} {f'2^{levels}':>7} {'skipped':>9}")
            continue
        core_started = time.perf_counter()
        validate(schema._schema, parse(document), specified_rules)
        core_seconds = time.perf_counter() - core_started
        started = time.perf_counter()
        result: Any = asyncio.run(schema.execute(document, context_value=_Context()))
        seconds = time.perf_counter() - started
        answer = (
            ", ".join(sorted({str((e.extensions or {}).get("code")) for e in result.errors}))
            if result.errors
            else "data"
        )
        print(
            f"{levels:>6} {len(document.encode()):>6} {f'2^{levels}':>7} {seconds:>9.3f} "
            f"{core_seconds:>15.3f}  {answer}",
            flush=True,
        )
        slow = seconds > args.give_up


if __name__ == "__main__":
    main()
