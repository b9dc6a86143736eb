"""One module per edition, each with `write(document, out_dir) -> Path`."""
