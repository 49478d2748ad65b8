"""Persistence: tables, migrations, reads by index, writes, dataset import and export.

Imports no Flask: service/database.py connects it to the app.
"""
