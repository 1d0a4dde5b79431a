"""Tracking stores: the contract and its implementations, chosen by tracking URI."""
