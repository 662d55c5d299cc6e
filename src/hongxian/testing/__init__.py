"""Real-format file writers shared by tests, the demo generator and benchmarks."""
