"""Spreadsheet exports carry what visitors typed; a cell starting with = + - @ would
run as a formula when a reviewer opens the CSV in a spreadsheet program."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
