"""The test suite, arranged like the package (tests/<stage>/ tests captioner/<stage>/)."""
