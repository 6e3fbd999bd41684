"""The ``framing`` command line: thin click wrappers over the package's functions.

Every command turns bad input into a one-line message naming the file (and line) and a
non-zero exit code; tracebacks are reserved for bugs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .cli_train import train_command
from .errors import Errors
from .safe_io import check_output, format_for, terminal_text, write_atomic
from .texts import InputError, read_article

F = TypeVar("F", bound=Callable[..., Any])

TAG_GROUPS: tuple[str, ...] = ("framing", "hedges", "sources", "actors")


def _one_line_errors(command: F) -> F:
    """Report input errors as ``framing: <file>: <reason>`` with exit code 1; several bad
    records are listed one per line before the closing error line."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .corpus import InputErrors

        try:
            return command(*args, **kwargs)
        except InputErrors as err:
            for error in err.errors:
                click.echo(f"framing: {terminal_text(str(error))}", err=True)
            raise click.ClickException(Errors.E315.format(count=len(err.errors))) from err
        except (InputError, OSError) as err:
            raise click.ClickException(terminal_text(str(err))) from err

    return wrapper  # type: ignore[return-value]


def _show_progress() -> bool:
    """Progress bars only on an interactive terminal (not in CI or redirected)."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _emit(rendered: str, output: Path | None, *, human: bool, colour: bool = False) -> None:
    """Print ``rendered`` or write it atomically to ``output`` (checked beforehand with
    :func:`~spacy_framing.safe_io.check_output`).

    rendered (str): The report.
    output (Path | None): The file, or None for standard output.
    human (bool): A format read on a terminal (text, markdown): control characters from
        the articles are always stripped; other formats only when printed to a terminal.
    colour (bool): ``rendered`` holds this package's own colour codes, which are kept.
    """
    if output is None:
        if human or sys.stdout.isatty():
            rendered = terminal_text(rendered, keep_styles=colour)
        click.echo(rendered, nl=not rendered.endswith("\n"))
        return
    write_atomic(output, rendered)
    click.echo(f"framing: wrote {terminal_text(str(output))}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spacy-framing")
def main() -> None:
    """How news outlets frame an actor's position: tag, compare, benchmark, analyze."""


# --- tag -----------------------------------------------------------------------------


def _tag_payload(nlp: Any, text: str, path: str, *, progress: bool = False) -> dict[str, Any]:
    """The facts of one article; a long one is parsed in paragraph chunks (bounded
    memory), with a progress bar of chunks when ``progress``."""
    from .chunks import CHUNK_BATCH, count_chunks, pipe_facts

    record = {"text": text, "doc_id": Path(path).stem, "path": path}
    chunks = count_chunks(text)
    if not progress:
        return next(pipe_facts(nlp, [record], batch_size=CHUNK_BATCH))
    with click.progressbar(length=chunks, label="tagging", file=sys.stderr,
                           show_pos=True) as bar:
        return next(pipe_facts(nlp, [record], batch_size=CHUNK_BATCH,
                               on_chunk=lambda: bar.update(1)))


def _render_tag_text(payload: dict[str, Any], *, colour: bool) -> str:
    lines: list[str] = []
    spans_by_sentence: dict[int, list[dict[str, Any]]] = {}
    for span in payload["spans"]:
        spans_by_sentence.setdefault(span["sentence"], []).append(span)
    for source in payload["sources"]:
        spans_by_sentence.setdefault(source["sentence"], []).append(
            {"group": "sources", "label": f"SOURCE/{source['type']}", "text": source["text"],
             "rule": f"cue={source['cue']!r}", "in_quote": False})
    for sentence in payload["sentences"]:
        found = spans_by_sentence.get(sentence["index"], [])
        if not found:
            continue
        header = f"[{sentence['index']}] {sentence['text'].strip()}"
        lines.append(click.style(header, bold=True) if colour else header)
        for span in found:
            label = click.style(span["label"], fg="cyan") if colour else span["label"]
            quoted = " (quoted)" if span.get("in_quote") else ""
            lines.append(f"    {span['group']:<8} {label:<20} {span['text']!r}"
                         f"  <{span['rule']}>{quoted}")
        lines.append("")
    if not lines:
        lines.append("No framing devices, hedges, sources or actors found.")
    return "\n".join(lines)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]),
              default=None, help="Output format (default: from --output's suffix, .json or "
              ".html, else text).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace an existing --output file.")
@click.option("--model", default=None, help="spaCy model name or path (default: en_core_web_sm).")
@_one_line_errors
def tag(file: Path, output_format: str | None, output: Path | None, force: bool,
        model: str | None) -> None:
    """Tag one article and print its framing devices, hedges and sources per sentence."""
    from . import load
    from .language import language_warning

    output_format = format_for(output, output_format, choices=("text", "json", "html"))
    text = read_article(file)
    if output is not None:
        check_output(output, inputs=[file], force=force)
    warning = language_warning(text)
    if warning is not None:
        click.echo(f"framing: warning: {terminal_text(str(file))}: {warning}", err=True)
    nlp = load(model)
    if len(text) > nlp.max_length:
        raise InputError(file, f"has {len(text):,} characters, more than the pipeline's "
                         f"max_length of {nlp.max_length:,}; split the file")
    payload = _tag_payload(nlp, text, str(file), progress=_show_progress())
    if output_format == "html":
        from .report.tag_html import render_tag_html

        _emit(render_tag_html(payload, title=file.name) + "\n", output, human=False)
    elif output_format == "json":
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", output, human=False)
    else:
        colour = output is None and sys.stdout.isatty()
        _emit(_render_tag_text(payload, colour=colour) + "\n", output, human=True,
              colour=colour)


@main.command("actors")
def actors_command() -> None:
    """List the canonical actor names --target accepts (any of their aliases works too)."""
    import spacy

    nlp = spacy.blank("en")
    click.echo("\n".join(nlp.add_pipe("framing_actors").known_actors()))


# --- benchmark ---------------------------------------------------------------------------


def _default_texts_root(gold_paths: tuple[Path, ...] = ()) -> Path | None:
    """$FRAMING_SHARED, else a ``shared`` folder beside the working directory or beside
    a folder holding the gold (the team's layout: ``repo/benchmarks/gold`` and
    ``shared/`` side by side), so that running from elsewhere still finds the texts."""
    configured = os.environ.get("FRAMING_SHARED")
    if configured:
        return Path(configured) if Path(configured).is_dir() else None
    candidates = [Path.cwd().parent / "shared"]
    for gold in gold_paths:
        candidates.extend(parent / "shared" for parent in gold.resolve().parents)
    return next((c for c in candidates if c.is_dir()), None)


def _no_gold_message(problems: list[InputError], texts_root: Path | None) -> str:
    """Why no gold record was usable: the commonest reason, and where texts were sought."""
    if not problems:
        return "no usable gold records (the gold files hold no records)"
    reasons: dict[str, int] = {}
    for problem in problems:
        reason = problem.reason.split(": ", 1)[0]
        reasons[reason] = reasons.get(reason, 0) + 1
    reason, count = max(reasons.items(), key=lambda item: item[1])
    where = f"texts looked up under {texts_root}" if texts_root else (
        "no texts folder found ($FRAMING_SHARED unset, no ../shared beside the working "
        "directory or the gold)")
    return (f"no usable gold records: all {len(problems)} were skipped ({count} because "
            f"{reason}); {where}; pass --texts DIR (the folder holding the gold's "
            "source.path files) or set FRAMING_SHARED")


def _pipes_not_scored(labels: list[str] | None) -> tuple[str, ...]:
    """Components whose spans none of ``labels`` needs: scoring HEDGE alone on the Szeged
    sentences should not pay for attribution. Actors stay: devices read them."""
    if labels is None:
        return ()
    skip = []
    if not set(labels) - {"HEDGE", "BOOSTER", "SOURCE"}:
        skip.append("framing_devices")
    if "SOURCE" not in labels:
        skip.append("framing_sources")
    if not {"HEDGE", "BOOSTER"} & set(labels):
        skip.append("framing_hedges")
    return tuple(skip)


@main.command()
@click.option("--gold", "gold_paths", multiple=True, required=True,
              type=click.Path(path_type=Path),
              help="Gold JSONL file or folder of them, or a PolNeAR compartment "
              "(a folder with text/ and attributions/) (repeatable).")
@click.option("--texts", "texts_root", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Root for gold records' source.path "
              "(default: $FRAMING_SHARED, else ../shared when it exists).")
@click.option("--labels", default=None, help="Comma-separated labels to score (default: all "
              "labels in the gold).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0,
              help="Print up to N false positives and false negatives per label.")
@click.option("--hedge-profile", type=click.Choice(["codebook", "szeged"]), default="codebook",
              show_default=True, help="framing_hedges profile: 'szeged' switches off the cue "
              "groups the Szeged corpus does not annotate (approximators, hearsay, weasel "
              "words, conditions).")
@click.option("--model", default=None, help="spaCy model name or path (a folder written by "
              "`framing train` is used as it is).")
@click.option("--profile", type=click.Choice(["default", "rules"]), default="default",
              show_default=True, help="'rules' scores the rule components without the "
              "trained device model.")
@_one_line_errors
def benchmark(gold_paths: tuple[Path, ...], texts_root: Path | None, labels: str | None,
              output_format: str, n_errors: int, hedge_profile: str,
              model: str | None, profile: str) -> None:
    """Score the framing components (and a keyword baseline) against hand-annotated gold."""
    from . import load
    from .benchmark import format_text, read_gold, run_benchmark

    root = texts_root or _default_texts_root(gold_paths)
    golds, problems = read_gold(gold_paths, texts_root=root)
    for problem in problems:
        click.echo(f"framing: skipped {problem}", err=True)
    if not golds:
        raise click.ClickException(_no_gold_message(problems, root))
    label_list = [x.strip() for x in labels.split(",") if x.strip()] if labels else None
    nlp = load(model, profile=profile, exclude=_pipes_not_scored(label_list),
               framing_hedges={"profile": hedge_profile})
    result = run_benchmark(nlp, golds, labels=label_list, errors=n_errors)
    result["hedge_profile"] = hedge_profile
    result["skipped_records"] = len(problems)
    if output_format == "json":
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(format_text(result))
    if problems:
        sys.exit(1)


# --- compare (block owned by the compare engineer: spacy_framing.compare/report) --------


@main.command("compare")
@click.argument("inputs", nargs=-1, required=False, type=click.Path(path_type=Path))
@click.option("--from", "from_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Compare from a `framing analyze` output folder instead of "
              "INPUT files (no re-parsing).")
@click.option("--by", "group_by", default="outlet", show_default=True, metavar="FIELD",
              help="With --from: group documents by this field (outlet, date, title, file "
              "or any other field of the input records) instead of by outlet.")
@click.option("--target", required=True,
              help="Actor to compare: a canonical name or any alias the actors component "
                   "knows (e.g. China, Beijing; `framing actors` lists them), or an office "
                   "holder it knows (e.g. Obama), compared as that person.")
@click.option("--alias", "aliases", multiple=True, metavar="A",
              help="Extra alias of the target (repeatable); with an unknown target, "
                   "defines it.")
@click.option("--outlet", "outlets", multiple=True, metavar="NAME",
              help="Outlet of each .txt article, in order (repeatable; default: file stem).")
@click.option("--format", "output_format",
              type=click.Choice(["text", "json", "markdown", "html"]), default=None,
              help="Report format (default: from --output's suffix, .html, .md or .json, "
              "else text).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (atomically) instead of standard output; "
              "never an input, and an existing file only with --force.")
@click.option("--force", is_flag=True, help="Replace an existing --output file.")
@click.option("--skip-bad", is_flag=True, help="Leave out bad input records (each is "
              "reported on standard error) instead of stopping.")
@click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), default=0,
              show_default=True,
              help="Seed of bootstrap, permutations and cross-validation folds (>= 0).")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=1), default=1000,
              show_default=True, help="Bootstrap resamples per confidence interval.")
@click.option("--permutations", "n_permutations", type=click.IntRange(min=0), default=1000,
              show_default=True, help="Permutations of the divergence test.")
@click.option("--model", default=None, help="spaCy model name or path (default: en_core_web_sm).")
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default=None,
              help="Add trends: device shares per group and period, from the records' "
              "'date' (records without one are counted and left out).")
@click.option("--stratify", default=None, metavar="FIELD",
              help="Compare within strata of FIELD (e.g. topic, or a story id): "
              "permutations, bootstrap and cross-validation respect them, and the summary "
              "says which differences survive.")
@_one_line_errors
def compare_command(inputs: tuple[Path, ...], from_dir: Path | None, group_by: str,
                    target: str, aliases: tuple[str, ...],
                    outlets: tuple[str, ...], output_format: str | None, output: Path | None,
                    force: bool, skip_bad: bool, seed: int, n_bootstrap: int,
                    n_permutations: int, model: str | None, period: str | None,
                    stratify: str | None) -> None:
    """Compare how outlets frame one actor (INPUT: .txt articles, .jsonl/.csv records with
    'text' and 'outlet', or folders of them; or --from DIR, an analyze output)."""
    from .compare import NoDocumentsError, TargetError, compare

    output_format = format_for(output, output_format,
                               choices=("text", "json", "markdown", "html"))
    if output is not None:
        check_output(output, inputs=[*inputs, *([from_dir] if from_dir else [])],
                     force=force)
    try:
        if from_dir is not None:
            result = _compare_from(from_dir, inputs=inputs, group_by=group_by, target=target,
                                   aliases=aliases, outlets=outlets, seed=seed,
                                   n_bootstrap=n_bootstrap, n_permutations=n_permutations,
                                   keep_documents=output_format == "html",
                                   period=period, stratify=stratify,
                                   sort_groups=group_by != "outlet")
        elif not inputs:
            raise click.UsageError("give INPUT files or folders, or --from DIR")
        elif group_by != "outlet":
            raise click.UsageError("--by needs --from DIR (an analyze output)")
        else:
            result = compare(list(inputs), target=target, aliases=aliases, outlets=outlets,
                             seed=seed, model=model, n_bootstrap=n_bootstrap,
                             n_permutations=n_permutations,
                             keep_documents=output_format == "html", skip_bad=skip_bad,
                             progress=_show_progress(), period=period, stratify=stratify)
    except (TargetError, NoDocumentsError) as err:
        raise click.ClickException(str(err)) from err
    for message in result.skipped:
        click.echo(f"framing: skipped {terminal_text(message)}", err=True)
    for doc_id, warning in result.language_warnings:
        click.echo(f"framing: warning: {terminal_text(doc_id)}: {warning}", err=True)
    if output_format == "text":
        colour = output is None and sys.stdout.isatty()
        _emit(result.to_text(colour=colour), output, human=True, colour=colour)
    elif output_format == "json":
        _emit(result.to_json() + "\n", output, human=False)
    elif output_format == "markdown":
        _emit(result.to_markdown(), output, human=True)
    else:
        _emit(result.to_html(), output, human=False)


def _compare_from(directory: Path, *, inputs: tuple[Path, ...], group_by: str, target: str,
                  aliases: tuple[str, ...], outlets: tuple[str, ...], **options: Any) -> Any:
    """``compare --from``: the comparison from an analyze output's stored facts."""
    from .analyze import AnalyzeError, iter_facts, resolve_stored_target
    from .compare import NoDocumentsError, compare_facts

    if inputs or outlets:
        raise click.UsageError("--from DIR replaces INPUT and --outlet; give one or the other")
    if aliases:
        raise click.UsageError("--alias needs the texts parsed again (the actors were "
                               "found when DIR was analyzed); run compare on the inputs")
    try:
        canonical = resolve_stored_target(target)
        result = compare_facts(iter_facts(directory, group_by=group_by), target=canonical,
                               **options)
        result.language_warnings = _stored_language_warnings(directory)
        return result
    except NoDocumentsError as err:
        raise click.ClickException(f"{directory}: the analyze output holds no documents "
                                   "(see its errors.jsonl); nothing to compare") from err
    except AnalyzeError as err:
        raise click.ClickException(str(err)) from err


def _stored_language_warnings(directory: Path) -> list[tuple[str, str]]:
    """(id, warning) of the documents analyze flagged as not English (none in outputs
    written before the column existed)."""
    import pyarrow.parquet as pq

    path = directory / "documents.parquet"
    if "language_warning" not in pq.read_schema(path).names:
        return []
    table = pq.read_table(path, columns=["id", "language_warning"])
    return [(row["id"], row["language_warning"]) for row in table.to_pylist()
            if row["language_warning"]]


# --- analyze ---------------------------------------------------------------------------


@main.command("analyze")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for documents.parquet, spans.parquet, sentences.parquet, "
              "sources.parquet, errors.jsonl and run.json.")
@click.option("--text-field", default="text", show_default=True, help="Field of the text.")
@click.option("--outlet-field", default="outlet", show_default=True,
              help="Field of the outlet.")
@click.option("--id-field", default="doc_id", show_default=True,
              help="Field of the document id (ids must be unique; default: FILE-STEM:LINE).")
@click.option("--model", default=None, help="spaCy model name or path (default: "
              "en_core_web_sm); with Dask it must be installed on every worker.")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Documents per nlp.pipe batch (and per Dask task).")
@click.option("--profile", type=click.Choice(["default", "rules"]), default="default",
              show_default=True, help="'rules': the rule components alone, without the "
              "trained device and attribution models (faster, less recall).")
@click.option("--n-process", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes on this machine (spaCy multiprocessing).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Start a local Dask cluster with this many worker processes.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Use an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in --output (or "
              "extend a finished one), skipping ids already written.")
@click.option("--strict", is_flag=True, help="Stop with a non-zero exit at the first bad "
              "record instead of writing it to errors.jsonl.")
def analyze_command(inputs: tuple[Path, ...], output: Path, text_field: str,
                    outlet_field: str, id_field: str, model: str | None, profile: str,
                    batch_size: int,
                    n_process: int, workers: int | None, scheduler: str | None,
                    resume: bool, strict: bool) -> None:
    """Analyze a corpus (INPUT: .jsonl, .csv or .parquet files, or folders of them or of
    .txt articles) into Parquet tables, on one machine or a Dask cluster."""
    import signal

    from .analyze import AnalyzeError, StrictError, analyze
    from .corpus import FieldNames

    if sum(bool(x) for x in (n_process > 1, workers, scheduler)) > 1:
        raise click.UsageError("choose one of --n-process, --workers and --scheduler")

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # A killed job (SIGTERM from a scheduler or a container) keeps its finished parts.
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        result = analyze(list(inputs), output,
                         fields=FieldNames(text=text_field, outlet=outlet_field,
                                           doc_id=id_field),
                         model=model, profile=profile, batch_size=batch_size,
                         n_process=n_process,
                         workers=workers, scheduler=scheduler, resume=resume, strict=strict)
    except StrictError as err:
        click.echo(f"framing: {err}", err=True)
        click.echo(f"framing: documents written so far are kept in {output}; fix the input "
                   "and rerun with --resume", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo(f"\nframing: interrupted; finished parts are kept in {output}; rerun with "
                   "--resume to continue", err=True)
        sys.exit(130)
    except (AnalyzeError, InputError, OSError) as err:
        failure = click.ClickException(str(err))
        failure.exit_code = 2  # the run could not start: not the input's records
        raise failure from err
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"framing: {result.summary_line()}", err=True)
    click.echo(f"framing: wrote {output}", err=True)


main.add_command(train_command)


if __name__ == "__main__":
    main()
