"""The outbox: every email the service sends, stored in the transaction that caused it and
sent afterwards by a worker (or `outbox_watch`), retried, logged and deleted after 30 days.
See docs/email.md."""
