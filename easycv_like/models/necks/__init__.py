"""Necks: map a backbone's feature tuple to another feature tuple (projections, FPNs)."""
