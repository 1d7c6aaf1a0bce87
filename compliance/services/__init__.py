"""Writes for compliance: reminders and digests, each sent once (`notices`), and governors'
declarations (`declarations`)."""
