"""`partnerbot add` and `partnerbot remove`: change the corpus from the shell, through the same
`Admin` the chat platforms use (same checks, same atomic write, incremental reindex)."""

from __future__ import annotations

import argparse
from pathlib import Path

from partnerbot.adapters.cli import CliError, _settings, progress_bar
from partnerbot.bot.ops.uploads import FIELDS
from partnerbot.corpus.sizes import over_limit


def cmd_add(args: argparse.Namespace) -> int:
    from partnerbot.bot.wiring import offline_admin

    settings = _settings(args)
    path = Path(args.file)
    limit = settings.max_upload_mb * 1024 * 1024
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CliError(f"cannot read {path}: {e.strerror or e}") from e
    if size > limit:  # refused before reading it into memory
        raise CliError(f"refused: {over_limit(size, limit)} (PARTNERBOT_MAX_UPLOAD_MB)")
    admin = offline_admin(settings)
    fields = {k: getattr(args, k) for k in FIELDS if getattr(args, k, None)}
    draft = admin.prepare(path.name, path.read_bytes(), fields, replaces=args.replace,
                          max_bytes=limit)
    print(draft.summary())
    if draft.duplicate_of and not draft.replaces:
        raise CliError(f"duplicate: {draft.duplicate_reason} as {draft.duplicate_of}; "
                       f"add --replace {draft.duplicate_of} to replace it")
    if args.dry_run:
        return 0
    with progress_bar() as update:
        summary = admin.add(draft, progress=update)
    print(summary.one_line())
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from partnerbot.bot.wiring import offline_admin

    admin = offline_admin(_settings(args))
    with progress_bar() as update:
        summary = admin.remove(args.id, progress=update)
    print(f"removed {args.id}; {summary.one_line()}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import json
    import time

    from partnerbot.adapters.stores.redis_feedback import open_feedback
    from partnerbot.bot.ops.report import build_report

    store = open_feedback(_settings(args))
    try:
        since = time.time() - args.days * 86400
        report = build_report(store.unanswered(since), store.since(since), args.days)
    finally:
        store.close()
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json
          else report.to_text(limit=args.limit))
    return 0


def add_parsers(add: object) -> None:
    """Register `add` and `remove` with the main parser's `add(name, help, example)`."""
    make = add  # typed loosely: the helper is local to build_parser
    p = make("add", "add (or replace) a release file in the corpus, then reindex",  # type: ignore[operator]
             'partnerbot add release.pdf --date 2025-10-02 --lang en --url https://example.org/n/1')
    p.add_argument("file", help=".pdf, .html, .txt, .md or .docx")
    p.add_argument("--corpus", metavar="DIR", help="corpus directory (PARTNERBOT_CORPUS_DIR)")
    for key in FIELDS:
        p.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar=key.upper(),
                       help=f"the release's {key.replace('_', ' ')} (else read from the file)")
    p.add_argument("--replace", metavar="ID", help="replace release ID with this file")
    p.add_argument("--dry-run", action="store_true", help="show what was understood; write nothing")
    p.set_defaults(func=cmd_add)
    p = make("remove", "remove a release from the corpus, then reindex",  # type: ignore[operator]
             "partnerbot remove 041")
    p.add_argument("id", help="the release id (partnerbot sources)")
    p.add_argument("--corpus", metavar="DIR", help="corpus directory (PARTNERBOT_CORPUS_DIR)")
    p.set_defaults(func=cmd_remove)
    p = make("report", "questions the bot could not answer and 👎, grouped by question",  # type: ignore[operator]
             "partnerbot report --days 30")
    p.add_argument("--days", type=float, default=7.0, help="the period (default 7)")
    p.add_argument("--limit", type=int, default=50, help="groups shown (text output)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report, corpus=None)
