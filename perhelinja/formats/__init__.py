"""Dates, times and numbers as people in Finland write them, in each of the three languages.

Django looks here first (`FORMAT_MODULE_PATH`) and falls back to its own locale formats for
whatever a module leaves out. Every language writes a date one way on every page: the short
form is also the long one, so a table, a letter and an email agree.

- fi: 7.12.2026, 7.12.2026 klo 13.00
- sv (as Finland-Swedes write): 7.12.2026, 7.12.2026 kl. 13.00
- en (English readers in Finland): 7 Dec 2026, 7 Dec 2026 13:00; never 12/07/2026 or 1 p.m.

Input formats put ISO first: a `type="date"` input sends 2026-12-07.
"""
