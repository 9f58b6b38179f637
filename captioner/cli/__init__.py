"""Command line: parse arguments, call the library, print; one error path for every command."""
