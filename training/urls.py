from django.urls import path

from training.views import (
    approvals,
    booking,
    catalogue,
    charges,
    compliance,
    evidence,
    governors,
    my_training,
    record_imports,
    registers,
    session_cancel,
)

app_name = "training"

urlpatterns = [
    path("courses/", catalogue.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", catalogue.course_detail, name="course"),
    path("sessions/<int:pk>/", booking.session_detail, name="session"),
    path("sessions/<int:pk>/book/", booking.book, name="book"),
    path("sessions/<int:pk>/book-for/", booking.book_for, name="book_for"),
    path("bookings/<int:pk>/cancel/", booking.cancel, name="booking_cancel"),
    path("bookings/<int:pk>/substitute/", booking.substitute, name="booking_substitute"),
    path("bookings/<int:pk>/accept-place/", booking.accept_offer, name="offer_accept"),
    path("bookings/<int:pk>/decline-place/", booking.decline_offer, name="offer_decline"),
    path("bookings/<int:pk>/calendar.ics", my_training.booking_ics, name="booking_ics"),
    path("bookings/<int:pk>/approve/", approvals.approve, name="booking_approve"),
    path("bookings/<int:pk>/decline/", approvals.decline, name="booking_decline"),
    path("my-training/", my_training.my_training, name="my_training"),
    path("approvals/", approvals.approval_list, name="approvals"),
    path("registers/", registers.register_list, name="registers"),
    path("sessions/<int:pk>/register/", registers.register, name="register"),
    path("sessions/<int:pk>/register/print/", registers.register_print, name="register_print"),
    path("sessions/<int:pk>/cancel/", session_cancel.session_cancel, name="session_cancel"),
    path("charges/", charges.charge_list, name="charges"),
    path("charges/export/", charges.charges_export, name="charges_export"),
    path("charges/<int:pk>/waive/", charges.charge_waive, name="charge_waive"),
    # Compliance
    path("compliance/", compliance.compliance_home, name="compliance"),
    path("team-compliance/", compliance.team_compliance, name="team_compliance"),
    path(
        "partnership-compliance/", compliance.partnership_compliance, name="partnership_compliance"
    ),
    path(
        "partnership-compliance/export/",
        compliance.partnership_compliance_export,
        name="partnership_compliance_export",
    ),
    path(
        "compliance/<slug:slug>/",
        compliance.organisation_compliance,
        name="organisation_compliance",
    ),
    path(
        "compliance/<slug:slug>/export/",
        compliance.organisation_compliance_export,
        name="organisation_compliance_export",
    ),
    # Historic completions
    path("compliance/<slug:slug>/import/", record_imports.upload, name="records_import"),
    path(
        "compliance/<slug:slug>/import/template.<str:fmt>",
        record_imports.template,
        name="records_import_template",
    ),
    path(
        "compliance/<slug:slug>/import/<int:pk>/",
        record_imports.preview,
        name="records_import_preview",
    ),
    # Evidence of training elsewhere
    path("my-training/evidence/new/", evidence.evidence_new, name="evidence_new"),
    path("evidence/", evidence.evidence_review, name="evidence_review"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/verify/", evidence.evidence_verify, name="evidence_verify"),
    path("evidence/<int:pk>/reject/", evidence.evidence_reject, name="evidence_reject"),
    path("evidence/<int:pk>/file/", evidence.evidence_file, name="evidence_file"),
    # Governors
    path("governors/", governors.boards, name="boards"),
    path("governors/take-up/", governors.take_up, name="governor_take_up"),
    path("governors/take-up/export/", governors.take_up_export, name="governor_take_up_export"),
    path(
        "governors/declaration/<int:membership_pk>/",
        governors.declaration,
        name="governor_declaration",
    ),
    path("governors/<slug:slug>/", governors.board, name="board"),
]
