"""Pure domain model of Standpoint: no Flask, no SQL.

Everything here works on plain, immutable Python objects so the position
resolution and the diff engine can be tested (and property-tested) alone.
"""
