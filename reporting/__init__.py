"""The partnership's reports. Filled by a later issue; nothing is shown to users yet."""
