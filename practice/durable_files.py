"""Files that survive a power cut: what the backups and the embedded database's handle file
share."""

import os
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable: without it, a power cut can undo the rename."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
