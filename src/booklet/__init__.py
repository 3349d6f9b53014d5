"""booklet: print-ready booklet typesetting from YAML content and Jinja2/CSS layouts."""

__version__ = "0.1.0"
