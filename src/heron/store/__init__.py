"""Stores: where tracking data, registry data and artifacts live, behind enforced contracts."""
