"""The output folder: parts under temporary names while a run goes, the final files
when it is done, and what --resume needs to continue."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..corpus import BadRecord, id_key
from ..types import Facts
from ._base import (
    ERRORS_FILE,
    OUTPUT_VERSION,
    RUN_FILE,
    TABLES,
    WORK_DIR,
    AnalyzeError,
    AnalyzeResult,
)
from .tables import _json, _Rows, _rows, schemas

_FINISHING = "FINISHING"
_MANIFEST = "manifest.json"
# Rows are handed to Parquet every ROW_GROUP_DOCS documents, and a part is committed
# (renamed into place, safe from an interruption) every PART_DOCS documents or
# PART_SECONDS seconds, whichever comes first.
ROW_GROUP_DOCS = 64
PART_DOCS = 2000
PART_SECONDS = 60.0
# Final files get row groups of about this many rows or bytes (whichever comes first).
MERGE_ROWS = 100_000
MERGE_BYTES = 64 << 20
# Settings that must match for --resume to continue an earlier run.
_RESUME_KEYS = ("model", "profile", "fields", "facts_version", "output_version")
# Runs written before a setting existed ran with its default.
_SETTING_DEFAULTS = {"profile": "default"}


class _RowGroupBatch:
    """Small row groups of the parts gathered into large ones for the final file: a
    corpus of millions of documents would otherwise carry a footer (and a writer's
    memory) of hundreds of thousands of row groups."""

    def __init__(self, writer: Any, schema: Any) -> None:
        self.writer = writer
        self.schema = schema
        self.tables: list[Any] = []
        self.rows = 0
        self.bytes = 0

    def add(self, table: Any) -> None:
        self.tables.append(table.replace_schema_metadata(self.schema.metadata))
        self.rows += table.num_rows
        self.bytes += table.nbytes
        if self.rows >= MERGE_ROWS or self.bytes >= MERGE_BYTES:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.tables:
            self.writer.write_table(pa.concat_tables(self.tables))
        self.tables, self.rows, self.bytes = [], 0, 0


class _Part:
    """One part of a run: the four tables and the errors of a stretch of input, under
    temporary names until ``commit`` renames them (documents last: its presence marks
    the part complete)."""

    def __init__(self, work: Path, index: int) -> None:
        self.work = work
        self.index = index
        self.rows = _Rows()
        self.writers: dict[str, Any] = {}
        self.errors = (work / f"{index:06d}.errors.jsonl.tmp").open("w", encoding="utf-8")
        self.documents = 0
        self.started = time.monotonic()

    def path(self, name: str) -> Path:
        suffix = "errors.jsonl" if name == "errors" else f"{name}.parquet"
        return self.work / f"{self.index:06d}.{suffix}"

    def add(self, record: Mapping[str, Any], facts: Facts) -> None:
        self.rows.add(record, facts)
        self.documents += 1
        if self.rows.documents >= ROW_GROUP_DOCS:
            self._flush()

    def add_error(self, bad: BadRecord) -> None:
        self.errors.write(_json(bad.to_json()) + "\n")

    def _flush(self) -> None:
        import pyarrow.parquet as pq

        if not self.rows.documents and self.writers:
            return
        for name, table in self.rows.tables().items():
            writer = self.writers.get(name)
            if writer is None:
                writer = self.writers[name] = pq.ParquetWriter(
                    f"{self.path(name)}.tmp", table.schema)
            writer.write_table(table)
        self.rows = _Rows()

    def full(self) -> bool:
        return self.documents >= PART_DOCS or time.monotonic() - self.started >= PART_SECONDS

    def commit(self) -> None:
        self._flush()
        for writer in self.writers.values():
            writer.close()
        self.errors.close()
        for name in ("errors", "sentences", "spans", "sources", "documents"):
            os.replace(f"{self.path(name)}.tmp", self.path(name))

    def discard(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.errors.close()
        for path in self.work.glob(f"{self.index:06d}.*.tmp"):
            path.unlink()


LOCK_FILE = ".framing-analyze.lock"
# A lock file still empty or unreadable after this long was left by a run killed while
# writing it; younger, it may be a run that is writing it right now.
_LOCK_GRACE_SECONDS = 10.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    except (OverflowError, ValueError):
        return False
    return True


class _Lock:
    """An exclusive claim on an output folder: two runs writing one folder delete each
    other's temporary files and lose documents, so the second is refused.

    The lock file holds the owner's pid and host; a lock whose process is gone (same
    host) or that was never completely written is stale and taken over.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / LOCK_FILE
        self.held = False

    def acquire(self) -> None:
        mine = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is not None and not self._stale(holder):
                    raise AnalyzeError(
                        f"{self.root} is in use by another framing analyze run (pid "
                        f"{holder.get('pid')} on {holder.get('host')}, since "
                        f"{holder.get('started')}); wait for it to finish or choose another "
                        f"--output (delete {self.path} only if that run is gone)") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(mine))
            self.held = True
            return
        raise AnalyzeError(f"{self.root}: cannot take the lock {self.path}; another run "
                           "keeps taking it")

    def _holder(self) -> dict[str, Any] | None:
        """The lock's content; None when it is stale garbage (unreadable and old)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("pid"), int):
                return data
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            pass
        try:
            age = time.time() - self.path.stat().st_mtime
        except OSError:
            return None
        return None if age > _LOCK_GRACE_SECONDS else {"pid": "?", "host": "?",
                                                        "started": "just now"}

    @staticmethod
    def _stale(holder: dict[str, Any]) -> bool:
        if holder.get("host") != socket.gethostname() or not isinstance(holder["pid"], int):
            return False  # another machine's process cannot be checked from here
        return not _pid_alive(holder["pid"])

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("pid") == os.getpid() and data.get("host") == socket.gethostname():
            self.path.unlink(missing_ok=True)


class _Output:
    """The output folder: parts while running, the final files once finished."""

    def __init__(self, root: Path, *, resume: bool, settings: dict[str, Any]) -> None:
        self.root = root
        self.work = root / WORK_DIR
        self.resume = resume
        if root.exists() and not root.is_dir():
            raise AnalyzeError(f"{root}: --output must be a folder")
        root.mkdir(parents=True, exist_ok=True)
        # Taken before anything in the folder is read or changed.
        self.lock = _Lock(root)
        self.lock.acquire()
        try:
            self._open(settings)
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        """Give up the folder's lock (at the end of a run, finished or not)."""
        self.lock.release()

    def _open(self, settings: dict[str, Any]) -> None:
        root, resume = self.root, self.resume
        if (self.work / _FINISHING).is_file():
            # An earlier run was killed while renaming its finished files into place.
            self._rename_finished()
        finished = (root / RUN_FILE).is_file()
        if not resume and (finished or self.work.exists()
                           or any((root / f"{n}.parquet").exists() for n in TABLES)):
            raise AnalyzeError(f"{root} already holds analyze output; pass --resume to "
                               "continue or extend it, or choose another --output")
        earlier = self._earlier_settings() if resume else None
        if earlier is not None:
            earlier = {**_SETTING_DEFAULTS, **earlier}
            changed = [key for key in _RESUME_KEYS if earlier.get(key) != settings.get(key)]
            if changed:
                raise AnalyzeError(
                    f"{root} was written with other settings ({', '.join(changed)}: "
                    f"{[earlier.get(k) for k in changed]} now "
                    f"{[settings.get(k) for k in changed]}); --resume needs the same ones")
        self.work.mkdir(exist_ok=True)
        for stale in self.work.glob("*.tmp"):
            stale.unlink()
        self.parts = self._committed_parts()
        for path in self.work.iterdir():
            # Errors are found again on every run (reading is cheap and deterministic),
            # and files of parts that never committed are leftovers.
            index = path.name.split(".", 1)[0]
            if path.name.endswith(".errors.jsonl") or (
                    path.name != _MANIFEST and index.isdigit() and int(index) not in self.parts):
                path.unlink()
        self.finished_before = finished
        (self.work / _MANIFEST).write_text(_json(settings), encoding="utf-8")
        self.next_index = max(self.parts, default=-1) + 1

    def _earlier_settings(self) -> dict[str, Any] | None:
        for path in (self.work / _MANIFEST, self.root / RUN_FILE):
            if path.is_file():
                data = json.loads(path.read_text(encoding="utf-8"))
                return data.get("settings", data)
        return None

    def _committed_parts(self) -> list[int]:
        return sorted(int(p.name.split(".", 1)[0])
                      for p in self.work.glob("*.documents.parquet"))

    def done_ids(self) -> set[bytes]:
        paths = [self.work / f"{i:06d}.documents.parquet" for i in self.parts]
        if self.finished_before:
            paths.insert(0, self.root / "documents.parquet")
        done: set[bytes] = set()
        for path in paths:
            for row in _rows(path, columns=["id"]):
                done.add(id_key(row["id"]))
        return done

    def abandon(self) -> None:
        """Undo the start of a run that never got going (its engine failed to start), so
        that the folder does not look like an interrupted run."""
        if not self.parts and self.work.is_dir():
            shutil.rmtree(self.work)
        self.release()

    def new_part(self) -> _Part:
        part = _Part(self.work, self.next_index)
        self.next_index += 1
        return part

    def keep(self, part: _Part) -> None:
        part.commit()
        self.parts.append(part.index)

    def finish(self, result: AnalyzeResult) -> None:
        """Merge earlier output and the parts into the final files (temporary names
        first), then rename them into place and remove the parts."""
        import pyarrow.parquet as pq

        run_id = uuid.uuid4().hex
        result.run_id = run_id
        for name, schema in schemas().items():
            sources = [self.work / f"{i:06d}.{name}.parquet" for i in self.parts]
            if self.finished_before:
                sources.insert(0, self.root / f"{name}.parquet")
            stamped = schema.with_metadata({**(schema.metadata or {}),
                                            b"framing.run_id": run_id.encode()})
            with pq.ParquetWriter(self.root / f"{name}.parquet.tmp", stamped) as writer:
                batch = _RowGroupBatch(writer, stamped)
                for source in sources:
                    parquet = pq.ParquetFile(source)
                    if parquet.schema_arrow.remove_metadata() != schema.remove_metadata():
                        raise AnalyzeError(f"{source} has another schema than this version "
                                           "writes; analyze into a new folder")
                    for group in range(parquet.num_row_groups):
                        batch.add(parquet.read_row_group(group))
                batch.flush()
        with (self.root / f"{ERRORS_FILE}.tmp").open("w", encoding="utf-8") as out:
            for i in self.parts:
                # Parts of an earlier, resumed run have no errors file: errors are found
                # again by every run.
                errors = self.work / f"{i:06d}.errors.jsonl"
                if errors.is_file():
                    with errors.open(encoding="utf-8") as part:
                        shutil.copyfileobj(part, out)
        run = {**asdict(result), "output_version": OUTPUT_VERSION}
        (self.root / f"{RUN_FILE}.tmp").write_text(json.dumps(run, indent=2) + "\n",
                                                   encoding="utf-8")
        (self.work / _FINISHING).write_text(run_id, encoding="utf-8")
        self._rename_finished()

    def _rename_finished(self) -> None:
        for name in (*(f"{t}.parquet" for t in TABLES), ERRORS_FILE, RUN_FILE):
            tmp = self.root / f"{name}.tmp"
            if tmp.exists():
                os.replace(tmp, self.root / name)
        shutil.rmtree(self.work)
