"""Where the vendored public test data lives: inside the repository, whatever the clone's path."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Sage's own sample payloads (SageNADev/Sage300-SDK, MIT): see data/README.md.
SAGE_SAMPLES = DATA / "sage300-sdk-samples"
