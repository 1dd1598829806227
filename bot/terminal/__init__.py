"""The terminal adapter: the console conversation and the command line."""
