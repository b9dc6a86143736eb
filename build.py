#!/usr/bin/env python3
"""Build the editions of a manuscript: python build.py {pdf,epub,html,all} [--manuscript FILE] [--out DIR]."""

import sys

from press.cli import main

if __name__ == "__main__":
    sys.exit(main())
