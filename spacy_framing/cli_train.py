"""``framing train``: a thin click wrapper over :func:`spacy_framing.training.train_devices`."""

from __future__ import annotations

from pathlib import Path

import click

from .texts import InputError


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, object]:
    """``section.key=value`` pairs, values read as JSON when they parse (as spaCy does)."""
    import srsly

    overrides: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--set")
        try:
            overrides[key.strip()] = srsly.json_loads(value)
        except ValueError:
            overrides[key.strip()] = value
    return overrides


@click.command("train")
@click.option("--gold", "gold_paths", multiple=True, required=True,
              type=click.Path(exists=True, path_type=Path),
              help="Annotation JSONL file or folder (codebook format; repeatable).")
@click.option("--dev", "dev_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Dev annotations (default: records marked split=dev, else 15%% of the "
              "stories of --gold).")
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the trained pipeline.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None,
              help="spaCy training config (default: the bundled configs/devices.cfg).")
@click.option("--texts", "texts_root", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Root for records that refer to their text by source.path.")
@click.option("--model", default=None, help="Base English pipeline (default: en_core_web_sm).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Config override, e.g. --set training.max_steps=500 (repeatable).")
@click.option("--force", is_flag=True, help="Write into an output folder that is not empty.")
def train_command(gold_paths: tuple[Path, ...], dev_paths: tuple[Path, ...], output: Path,
                  config_path: Path | None, texts_root: Path | None, model: str | None,
                  settings: tuple[str, ...], force: bool) -> None:
    """Train the framing-device span categorizer on your own annotations.

    Converts the annotations to spaCy's DocBin, runs spaCy's own training with the bundled
    config, and writes a pipeline folder (English model, rules, trained model and the merge
    step) that spacy.load, `framing compare --model` and `framing benchmark --model` take.
    """
    from thinc.api import ConfigValidationError

    from .training import train_devices

    if output.exists() and any(output.iterdir()) and not force:
        raise click.ClickException(f"{output}: folder is not empty; pass --force to write "
                                   "into it")
    if texts_root is None:
        from .cli import _default_texts_root

        texts_root = _default_texts_root()
    try:
        train_devices(list(gold_paths), dev=list(dev_paths), output=output,
                      config=config_path, texts_root=texts_root, base_model=model,
                      overrides=_parse_overrides(settings),
                      log=lambda line: click.echo(line, err=True))
    except (InputError, OSError) as err:
        raise click.ClickException(str(err)) from err
    except ConfigValidationError as err:
        raise click.ClickException(f"{config_path or 'bundled config'}: invalid config: "
                                   f"{' '.join(str(err).split())}") from err
