from django.urls import path

from .views import booking, calendar, family

app_name = "appointments"
urlpatterns = [
    # Workers: shifts, booking, recording.
    path("shifts/new/", booking.shift_new, name="shift_new"),
    path("shifts/<int:pk>/cancel/", booking.shift_cancel, name="shift_cancel"),
    path("appointments/for-referral/<int:pk>/book/", booking.book, name="book"),
    path("appointments/for-referral/<int:pk>/offer/", booking.offer, name="offer"),
    path("appointments/offers/<int:pk>/", booking.offer_detail, name="offer_detail"),
    path("appointments/offers/<int:pk>/send/", booking.offer_send, name="offer_send"),
    path("appointments/for-referral/<int:pk>/outcome/", booking.outcome, name="outcome"),
    path("appointments/<int:pk>/", booking.appointment_detail, name="detail"),
    path("appointments/<int:pk>/<slug:action>/", booking.appointment_action, name="action"),
    # The family's signed link: no login, minimal data.
    path("f/<str:token>/", family.offer_page, name="family_offer"),
    path("f/<str:token>/calendar.ics", family.offer_calendar, name="family_offer_ics"),
    # Overviews.
    path("calendar/", calendar.week, name="week"),
    path("capacity/", calendar.capacity, name="capacity"),
]
