"""Reads for compliance, one module a topic. Selectors never write.

- `statuses`: every membership's status against every requirement that applies, in the
  database (over the `AppliedRequirement` view), for a day; counts and rates.
- `tables`: the organisation, team and partnership tables built on it.
- `my_requirements`: what one person must hold and what would satisfy it.
- `governors`: boards, take-up by school, and declarations.
- `notices`: who is due which reminder or digest today.
"""
