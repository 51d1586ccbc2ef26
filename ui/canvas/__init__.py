"""The map canvas widget and its interactive tools."""
