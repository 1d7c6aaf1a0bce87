"""The partnership's reports: an empty app, placed in the layers (docs/architecture.md) for the
issue that builds it. Nothing here is shown to users."""
