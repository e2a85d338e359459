"""leafletgen: multilingual, verified, print-ready PDF leaflets from FAQ content in YAML."""

__version__ = "0.1.0"
