"""Small patches to the libraries the editions are made with, each pinned to the version it was written against."""
