"""Patches to libraries, each pinned to the one version of the library it was written against.

A patch refuses to apply to any other version (with one line saying so):
the code it replaces may have changed, and a silent mismatch would lay out
pages wrongly rather than fail. Each is covered by tests of the behaviour it
changes, and written as the change it would be upstream.
"""
