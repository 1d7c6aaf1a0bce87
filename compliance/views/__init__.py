"""Views for compliance. Thin: parse input, check permission, call a selector, render.
`tables` (organisation, team and partnership tables and exports), `governors` (boards, take-up,
declarations) and `my_training` (a person's own page)."""
