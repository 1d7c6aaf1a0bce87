"""How pytest-xdist shares the suite between processes (`-n 2 --dist loadscope`).

xdist's `loadscope` sends each module to one process, so a module's fixtures (a seeded demo,
a large partnership) are made once. Two additions:

- A package whose fixtures are package-scoped goes to one process as a whole (PACKAGES):
  tests/demo seeds the demo once for its four modules, where module by module each process
  that received one of them seeded it again (about 11 s each).
- Modules known to take far longer than their number of tests suggests (HEAVY) are handed
  out first, so the run does not end with one process busy on them while the other waits.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

# Packages whose package-scoped fixtures are expensive: all their tests in one process.
PACKAGES = ("tests/demo/",)
# Modules with few tests that each take many seconds (property tests, 200 threads booking).
HEAVY = (
    "tests/compliance/test_selectors_statuses_property.py",
    "tests/training/test_services_booking_concurrency.py",
    "tests/organisations/test_permissions.py",
)


class PackageAwareScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        for package in PACKAGES:
            if nodeid.startswith(package):
                return package
        return super()._split_scope(nodeid)

    def schedule(self) -> None:
        if self.collection is None and self.collection_is_completed:
            self._heavy_first = True
        super().schedule()

    def _assign_work_unit(self, node: Any) -> None:
        # The work queue is ordered by number of tests; move the heavy scopes to its front
        # once, before the first unit is handed out.
        if getattr(self, "_heavy_first", False):
            self._heavy_first = False
            for scope in reversed(list(self.workqueue)):
                if scope.startswith(HEAVY) or scope in PACKAGES:
                    self.workqueue.move_to_end(scope, last=False)
        super()._assign_work_unit(node)


def make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """The scheduler for `--dist loadscope`; xdist's own for any other choice."""
    if config.getvalue("dist") != "loadscope":
        return None
    return PackageAwareScheduling(config, log)
