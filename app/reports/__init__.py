"""Printed pages (reportlab). Each report renders to bytes in memory: nothing touches the disk
unless the user saves it."""
