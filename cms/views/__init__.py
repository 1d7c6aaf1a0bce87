"""Views for what Wagtail pages do not do themselves: route finder, search, reading, currency."""
