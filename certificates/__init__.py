"""Certificates: issued for a training record from the partnership's own training once the
person attended in full (and answered the evaluation where the course asks), fixed at issue,
checkable by anyone at /certificates/verify/<code>/, and downloadable as a PDF and a signed
digital credential."""
