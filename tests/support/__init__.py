"""Helpers the tests share: paths to data, synthetic webinars, fixtures, text normalisation."""
