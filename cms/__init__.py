"""Published pages, in Wagtail: the home page, every partner's page, escalation guides and
procedures with owners, review dates and editions, the route finder and poster, search, the
approval workflow, organisation editors' groups, and "read and understood" confirmations. See
docs/cms.md and docs/publishing.md."""
