"""Forms for compliance: table filters and exports (`tables`), governors' declarations and
take-up (`governors`), and the requirement form in the admin (`admin`)."""
