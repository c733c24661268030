from django.urls import path

from .views import booking, calendar, family

app_name = "appointments"
urlpatterns = [
    # Workers: shifts, booking, recording.
    path("shifts/new/", booking.shift_new, name="shift_new"),
    path("shifts/<int:pk>/cancel/", booking.shift_cancel, name="shift_cancel"),
    path("appointments/for-referral/<int:pk>/book/", booking.book, name="book"),
    path("appointments/for-referral/<int:pk>/offer/", booking.offer, name="offer"),
    path("appointments/for-referral/<int:pk>/outcome/", booking.outcome, name="outcome"),
    path("appointments/<int:pk>/", booking.appointment_detail, name="detail"),
    path("appointments/<int:pk>/<slug:action>/", booking.appointment_action, name="action"),
    # The family's signed link: no login, minimal data.
    path("f/<str:token>/", family.offer_page, name="family_offer"),
    # Overviews.
    path("calendar/", calendar.week, name="week"),
    path("capacity/", calendar.capacity, name="capacity"),
]
