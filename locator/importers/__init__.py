"""Importers: readers that yield validated rows, and one loader that writes them."""
