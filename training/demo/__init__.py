"""The demo training programme, as steps of `seed_demo` (see `organisations.demo.steps`).

- `standards`: the training standards (safeguarding children levels 1 to 3, DSL, governors, safer
  recruitment) and which higher level meets which lower one.
- `courses`: about a dozen courses, their audiences, prerequisites, fees and charges.
- `trainers`: the partner agencies' practitioners who co-deliver the programme.
- `earlier_training`: records from before the hub (level 1 e-learning, imported courses).
- `programme`: the last six months and the next six: sessions, bookings, waiting lists,
  approval requests, registers, charges, a booking hold and a cancelled session.
- `large_programme`: `seed_demo --sessions N`, hundreds of sessions in bulk for benchmarks.
"""
