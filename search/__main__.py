"""`python -m search` runs the CLI, as `corpus` does."""
from .cli import main

main(prog_name="corpus")
