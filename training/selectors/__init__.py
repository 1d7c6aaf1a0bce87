"""Reads for training, one module a topic. Selectors never write.

- `eligibility`: whether a person may book a session and why not, in plain English; places
  taken, left and waiting, for one session or a whole listing in one query; the agency-mix rule.
- `booking_rights`: who may book, decide on, cancel or pass on someone's booking, built on
  `organisations.permissions` and the line-manager relation.
- `catalogue`, `my_training`, `registers`: what the pages of the same names list.
"""
