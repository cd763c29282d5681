"""Secrets handling: the encrypted credential store (`credentials`) and log/event redaction (`redaction`).

No Dagster imports here (layering: only `sage_looker/defs/` knows Dagster); `cryptography` is imported only
when a credential store is actually read or written, so importing this package stays cheap.
"""
