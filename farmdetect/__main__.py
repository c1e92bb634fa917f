"""``python -m farmdetect``."""

from farmdetect.cli import main

main(prog_name="farmdetect")
