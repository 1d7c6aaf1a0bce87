"""Demo data: a believable Lewisham safeguarding partnership for development and demonstrations.

`python manage.py seed_demo` runs the steps listed in `demo.organisations.steps`, in order. Each
step is a function taking the shared `DemoSeed` (`demo.organisations.context`). Every row is keyed
on its natural key (an organisation's slug, a person's email address, one open membership per
person, organisation and kind), so running the steps again finds what is there and adds nothing.

Modules, one job each:

- `steps.py`: the list of steps and the function that runs them in one transaction.
- `context.py`: `DemoSeed`, the state the steps share (the day, the password hash, lookups).
- `names.py`: the first names and surnames people get, and how an email address is made.
- `job_roles.py`: the job roles of each sector.
- `organisations.py`: the organisations, their email domains and safeguarding contacts.
- `workforce.py`: each organisation's teams and workforce headcounts.
- `accounts.py`: the demo sign-in accounts, their password and TOTP secret.
- `people.py`: staff and volunteers, line managers, coordinators and web editors.
- `governors.py`: each school's governing board and clerk.
- `large_partnership.py`: `seed_demo --people N`, thousands of people in bulk for benchmarks.

Everything here is for local development, demonstrations and benchmarks only: the commands
refuse to run with DEBUG off unless forced.
"""
