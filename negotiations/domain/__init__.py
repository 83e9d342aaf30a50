"""Domain logic as plain functions, shared by the API, the admin and the dashboard.

Nothing here knows about HTTP or forms: functions take model instances or ids and return
plain, JSON-ready data, loading what they need in a fixed number of queries.
"""
