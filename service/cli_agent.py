"""dealwise agent commands."""

COMMANDS: list = []
