"""dealwise assist commands."""

COMMANDS: list = []
