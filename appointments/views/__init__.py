"""Appointment pages: the worker's booking and recording (`booking`), the family's link
(`family`), and the calendar and capacity overviews (`calendar`)."""
