"""Demo evaluations: the question bank, each course's evaluation, and past learners' answers."""
