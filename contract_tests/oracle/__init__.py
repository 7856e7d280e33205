"""The independent model of the API (oracle): predictions, expressions. Never the mock's code. Imports core."""
