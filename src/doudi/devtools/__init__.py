"""Developer tools: the deterministic synthetic data generator and the demo seed (``doudi demo seed``)."""
