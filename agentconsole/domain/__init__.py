"""The domain layer: the one owner of ticket rules, used by import, the CLI and the console."""
