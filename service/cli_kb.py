"""dealwise kb commands."""

COMMANDS: list = []
