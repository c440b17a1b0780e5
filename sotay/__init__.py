"""Sổ tay's top: the `sotay` command line, which wires every stage together."""
