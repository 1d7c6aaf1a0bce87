"""Forms for training, one module a page or admin area: `booking` (catalogue filters, booking,
cancelling, declining), `admin` (standards, courses, sessions), `charges`, `registers` and
`record_imports`."""
