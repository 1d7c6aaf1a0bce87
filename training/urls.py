from django.urls import path

from training.views import (
    approvals,
    booking,
    calendar,
    catalogue,
    charges,
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
    path("bookings/<int:pk>/calendar.ics", calendar.booking_ics, name="booking_ics"),
    path("bookings/<int:pk>/approve/", approvals.approve, name="booking_approve"),
    path("bookings/<int:pk>/decline/", approvals.decline, name="booking_decline"),
    path("approvals/", approvals.approval_list, name="approvals"),
    path("registers/", registers.register_list, name="registers"),
    path("sessions/<int:pk>/register/", registers.register, name="register"),
    path("sessions/<int:pk>/register/print/", registers.register_print, name="register_print"),
    path("sessions/<int:pk>/cancel/", session_cancel.session_cancel, name="session_cancel"),
    path("charges/", charges.charge_list, name="charges"),
    path("charges/export/", charges.charges_export, name="charges_export"),
    path("charges/<int:pk>/waive/", charges.charge_waive, name="charge_waive"),
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
]
