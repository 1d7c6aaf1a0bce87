"""Demo reporting: two years of daily snapshots, taken from the demo's own history."""
