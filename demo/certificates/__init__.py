"""Demo certificates: issued for past full attendance, one revoked and one superseded."""
