"""The demo training programme, as steps of `seed_demo` (see `demo.organisations.steps`).

- `standards`: the training standards (safeguarding children levels 1 to 3, DSL, governors, the
  chairs' and link governors' course, safer recruitment, school staff's yearly update), which
  higher standard meets which lower one, and level 3's hours rule.
- `courses`: about a dozen courses, their audiences, prerequisites, fees and charges.
- `trainers`: the partner agencies' practitioners who co-deliver the programme.
- `earlier_training`: records from before the hub (level 1 e-learning, imported courses).
- `programme`: the last six months and the next six: sessions, bookings, waiting lists,
  approval requests, registers, charges, a booking hold and a cancelled session.
- `large_programme`: `seed_demo --sessions N`, hundreds of sessions in bulk for benchmarks.
- `requirements`: what each sector's people must hold, as data.
- `history`: five years of training history and governors' declarations, so that compliance is
  partial (`activities`: what people trained on; `statuses`: statuses worked out in Python as
  the database does; `history_plans`: dating records to give the statuses drawn; `records`:
  writing them in bulk; `declarations`: the governors' yearly declarations).
- `evidence`: evidence of training elsewhere waiting to be checked, one rejected, one verified.
"""
