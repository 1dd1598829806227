"""Benchmarks whose figures the README quotes."""
