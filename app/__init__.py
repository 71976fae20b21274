"""MiJian domain services. No Qt here: the window lives in `ui/`."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mijian")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
