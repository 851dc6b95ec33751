"""Plain-text cleaning: a page's text (as a browser copies or saves it) in, its article out.

    lines   each line's features and kind (prose, short, item, furniture, barrier)
    region  the best contiguous run of prose, widened over its lists, less its furniture
    dates   dates as pages write them, in twenty languages
    meta    the byline's author
    clean   the steps in order, and the kept lines as blocks
"""
from .clean import clean_text, text_blocks

__all__ = ["clean_text", "text_blocks"]
