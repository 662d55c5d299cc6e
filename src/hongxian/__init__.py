"""hongxian (红线): screens officials' WeChat exports against published rules."""

__version__ = "0.1.0"
