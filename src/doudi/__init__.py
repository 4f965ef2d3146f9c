"""Doudi (兜底): low-income population monitoring and tiered social assistance."""

__version__ = "0.1.0"
