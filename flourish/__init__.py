"""The FLOURISH outcomes framework: eight impact areas with their outcomes, the measures register,
values with commentary, status and escalation by each measure's own rule, and the annual report.

Layout: models.py; seed.py (fixtures/flourish_framework.json and flourish_measures.json, idempotent,
tolerant of partial files); periods.py (period labels to end dates, pure); status.py (the rules, pure);
assess.py (a measure's status and escalation over its series, pure); selectors.py (reads; values of
placement-linked measures come from placements.selectors.measure_series, never copied here);
services.py (writes, permission-checked, atomic, optimistic locking on Measure.version); upload.py
(bulk CSV/XLSX checking, pure); charts.py (plotly figure JSON, table, CSV, static SVG for the PDF);
report.py (XLSX and PDF of the annual report); rules.py (django-rules permissions); overview.py (the
home page panel).
"""
