"""Tools for developing locator (a browser driver for tests, benchmarks and screenshots); never imported by the service."""
