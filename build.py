#!/usr/bin/env python3
"""Build the editions of a manuscript: python build.py {pdf,epub,html,all} [--manuscript FILE] [--out DIR]."""

from press.cli import exit_now, main

if __name__ == "__main__":
    exit_now(main())
