"""placeholder"""

from organisations.demo.context import DemoSeed


def large_partnership_seed(seed: DemoSeed, *, people: int) -> int:
    return 0
