import os

os.environ.setdefault("DEBUG", "true")
