"""Forms for published pages: `route_finder` (the public route finder) and `admin` (page
forms in the editor)."""
