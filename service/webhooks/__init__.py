"""Webhooks: the delivery worker, and the rules for where it may send."""
