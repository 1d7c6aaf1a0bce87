"""The demo's published pages: what people first see of the partnership without signing in.

`seed_demo` (organisations/demo/steps.py) runs two steps from here, after the people and the
training programme exist:

- `published_pages_seed` (`demo.cms.site`): the "Worried about a child?" numbers, the home page's
  introduction, "About the partnership", every partner organisation's page with its safeguarding
  leads and its escalation guide (`demo.cms.guides`), and the partnership's procedures
  (`demo.cms.procedures`), each published by a named person on a date in the past
  (`demo.cms.publishing`), some more than once.
- `page_reading_seed` (`demo.cms.reading`): who has confirmed reading which edition, the review
  reminders already sent, and one change to a guide waiting for the partnership's approval.

Pages are found by natural keys (the organisation, a slug under a fixed parent), and a page is
only written when the seed makes or first publishes it, so a second run adds nothing and a page
someone has edited in the admin is left as they left it.
"""
