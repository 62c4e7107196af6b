"""TurboWish's gdb plugin: the `tw` command over libtwcore (see docs/gdb.md)."""
