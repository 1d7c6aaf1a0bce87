"""Forms for organisations: `people` (people lists, invitations, memberships, imports) and
`admin` (organisations and job roles in the admin)."""
