"""The command line: `decommission` and one module per command."""
