"""`partnerbot`: ask, chat, index, sources, eval, feedback, serve.

The command line is an adapter like Slack and Telegram: it turns arguments into a `Question`
and renders the `Answer`; everything else happens in the engine.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from partnerbot.adapters import platforms
from partnerbot.bot.settings import Settings, SettingsError, load_settings

EPILOG = """\
examples:
  partnerbot ask "When did LINK-J sign with Kanagawa Prefecture?"
  partnerbot ask "LINK-J와 가나가와현은 언제 협약을 맺었나?" --json
  partnerbot chat
  partnerbot index --corpus ./my-releases --index ./index
  partnerbot sources
  partnerbot eval --corpus ../shared/eval/seeds --qa ../shared/eval/seeds/qa.jsonl
  partnerbot serve slack          (or: serve telegram [--webhook URL])

exit status: 0 answered (an abstention is an answer), 1 refused (a question over the length
limit) or failed, 2 a setting or an argument to fix.

settings come from environment variables (PARTNERBOT_INDEX_DIR, PARTNERBOT_CORPUS_DIR,
PARTNERBOT_EMBEDDERS, SLACK_BOT_TOKEN, TELEGRAM_BOT_TOKEN, ...) or a TOML config file
(PARTNERBOT_CONFIG, default ~/.config/partnerbot/config.toml). With no corpus configured the
bundled releases are used, and the index is built on first use.
"""

err = Console(stderr=True)


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


@contextmanager
def progress_bar(enabled: bool = True,
                 piped_note: Callable[[], None] | None = None) -> Iterator[Any]:
    """A rich progress bar on stderr, fed by the engine's progress(stage, done, total).

    When stderr is not a terminal, `piped_note` (if given) is called once, on the first
    report: a log or a pipe then says in one line why the command takes long, without a bar."""
    if not enabled or not err.is_terminal:
        if not enabled or piped_note is None:
            yield None
            return
        said: list[bool] = []

        def note(stage: str, done: int, total: int) -> None:
            if not said:
                said.append(True)
                piped_note()

        yield note
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = Path(args.corpus)
    if getattr(args, "log_json", False):
        overrides["log_json"] = True
    return load_settings(**overrides)


def _engine(settings: Settings, quiet: bool = False, announce: bool = False) -> Any:
    """The engine over the index, built first if there is none: with the index command's
    progress display on a terminal; piped, `announce` (the first-run commands, ask and chat)
    says so in one line."""
    from partnerbot.bot.wiring import open_engine

    def note() -> None:
        text = (f"building the index of {settings.corpus_dir} in {settings.index_dir} "
                f"(once; about half a minute on two cores)...")
        if settings.log_json:  # stderr carries only JSON lines then
            logging.getLogger("partnerbot.cli").warning(text)
        else:
            err.print(f"partnerbot: {text}", markup=False, highlight=False, soft_wrap=True)

    with progress_bar(not quiet, piped_note=note if announce else None) as update:
        return open_engine(settings, progress=update)


# ---- commands -------------------------------------------------------------------------
def cmd_ask(args: argparse.Namespace) -> int:
    from partnerbot.bot.types import Question

    settings = _settings(args)
    engine = _engine(settings, quiet=args.json, announce=True)
    text = " ".join(args.question)
    answer = engine.answer(Question(text=text, platform="cli"))
    if args.json:  # the same object as a line of `eval --details`, without `qid`
        extra = {"explain": answer.explanation} if args.explain else {}
        print(json.dumps({"question": text, **answer.to_dict(), **extra}, ensure_ascii=False,
                         indent=2))
    else:
        print(_reply_text(answer))
        if args.explain:
            print(_explain_text(answer.explanation))
    return 1 if answer.kind in REFUSED else 0


REFUSED = frozenset({"too_long", "error"})  # not answered: exit 1, for scripts


def _explain_text(explanation: Any) -> str:
    """`ask --explain` as text: what was weighed, and by how much."""
    if not explanation:
        return "\n(explain: this answer was not read from sentences: registry, help or error)"
    lines = ["", f"explain: kind {explanation['kind']}, names {explanation['names']}"]
    for label, key in (("release", "releases"), ("sentence", "sentences")):
        for rank, item in enumerate(explanation[key]):
            head = ("chosen" if rank == 0 else "runner-up")
            what = item.get("title") or item.get("text", "")[:90]
            score = item.get("score", item.get("logit"))
            lines.append(f"  {head} {label} {item['doc_id']} (score {score}): {what}")
            parts = ", ".join(f"{k} {v:+.2f}" for k, v in list(item["contributions"].items())[:8])
            lines.append(f"    logit {item['logit']} = intercept {item['intercept']:+.2f}, {parts}")
    verdict = "abstained" if explanation["abstained"] else "answered"
    lines.append(f"  {verdict}: {explanation['reason']}")
    return "\n".join(lines)


def _reply_text(answer: Any) -> str:
    """The reply, the answer in bold in a terminal; plain text (no ANSI codes) when piped."""
    from partnerbot.bot.reply_text import plain_reply

    bold = (lambda s: f"\033[1m{s}\033[0m") if sys.stdout.isatty() else None
    return plain_reply(answer, bold)


def cmd_chat(args: argparse.Namespace) -> int:
    from partnerbot.bot.types import Question

    settings = _settings(args)
    engine = _engine(settings, announce=True)
    err.print("Ask about partnerships; 'help' for examples, Ctrl-D or 'quit' to leave.")
    # the parties of the last answer: a follow-up naming none asks about them
    previous: tuple[str, ...] = ()
    while True:
        try:
            line = input("? ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.strip().lower() in {"quit", "exit", ":q"}:
            return 0
        if not line.strip():
            continue
        answer = engine.answer(Question(text=line, platform="cli", context=previous))
        if answer.kind in ("answer", "abstain"):
            previous = answer.parties  # none after an abstention
        print(_reply_text(answer))
        print()


def cmd_index(args: argparse.Namespace) -> int:
    from partnerbot.bot.wiring import offline_admin

    settings = _settings(args)
    admin = offline_admin(settings)
    with progress_bar() as update:
        summary = admin.reindex(progress=update, rebuild=args.rebuild)
    for skipped in summary.skipped:
        err.print(f"skipped {skipped.path}: {skipped.reason}", markup=False, highlight=False,
                  soft_wrap=True)
    if args.json:
        print(json.dumps({"version": summary.version, "releases": summary.releases,
                          "passages": summary.passages, "embedded": summary.embedded,
                          "reused": summary.reused, "changed": summary.changed,
                          "seconds": round(summary.seconds, 2),
                          "skipped": [s.__dict__ for s in summary.skipped]}, ensure_ascii=False))
    else:
        note = "" if summary.changed else " (corpus unchanged; kept the current version)"
        print(summary.one_line() + note)
        print(f"index: {settings.index_dir}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    engine = _engine(_settings(args), quiet=args.json)
    releases = engine.admin.sources()
    if args.json:
        print(json.dumps([r.__dict__ for r in releases], ensure_ascii=False, indent=2))
        return 0
    for r in releases:
        print(f"{r.doc_id}\t{r.date or '----------'}\t{r.lang}\t{r.title}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    status = _engine(_settings(args), quiet=True).admin.status()
    if args.json:
        print(json.dumps(status.__dict__, ensure_ascii=False, indent=2, default=str))
        return 0
    rows = [("version", status.version), ("releases", status.releases),
            ("passages", status.passages), ("built", status.built_at),
            ("embedders", ", ".join(status.embedders) or "-"), ("index", status.index_dir),
            *sorted(status.extra.items())]
    width = max(len(str(k)) for k, _ in rows)
    for key, value in rows:
        print(f"{key:{width}}  {value}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from partnerbot.bot.ops.evaluation import EvalError, read_qa

    try:
        cases = read_qa(Path(args.qa))
    except EvalError as exc:
        raise CliError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="partnerbot-eval-") as scratch:
        return _run_eval(args, cases, Path(scratch))


def _run_eval(args: argparse.Namespace, cases: list[Any], scratch: Path) -> int:
    """The corpus may be a release folder or an eval set (docs/ beside docs.jsonl): the
    reader takes both."""
    from partnerbot.bot.ops.evaluation import evaluate

    index_dir = Path(args.index) if args.index else scratch / "index"
    settings = load_settings(corpus_dir=Path(args.corpus), index_dir=index_dir)
    engine = _engine(settings, quiet=args.json)
    details: list[dict[str, Any]] = []
    with progress_bar(not args.json) as update:
        result = evaluate(engine, cases, on_case=(lambda d, t: update("questions", d, t))
                          if update else None, details=details)
    if args.details:
        with open(args.details, "w", encoding="utf-8") as fh:
            for row in details:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{'metric':28} {'value':>8}")
    for key in ("recall_at_1", "recall_at_5", "mrr_at_10", "answer_accuracy",
                "abstain_rate_unanswerable", "false_abstain_rate", "latency_ms_p50",
                "latency_ms_p95"):
        value = result.get(key)
        print(f"{key:28} {'-' if value is None else value:>8}")
    composed = result.get("composed")  # a language model is configured (PARTNERBOT_LLM_URL)
    if composed:
        refused = ", ".join(f"{k} {v}" for k, v in composed["rejected"].items()) or "none"
        print(f"{'composed_used_rate':28} {composed['used_rate']:>8}  ({composed['used']} of "
              f"{composed['asked']} answers; not used: {refused})")
    for group in ("by_type", "by_lang"):
        print(f"\n{group}: {'n':>3} {'r@5':>6} {'acc':>6} {'abst':>6}")
        for name, sub in result[group].items():
            def fmt(v: Any) -> str:
                return "-" if v is None else f"{v:.2f}"
            abst = sub["abstain_rate_unanswerable"] if name == "unanswerable" else sub[
                "false_abstain_rate"]
            print(f"  {name:14} {sub['n']:>3} {fmt(sub['recall_at_5']):>6} "
                  f"{fmt(sub['answer_accuracy']):>6} {fmt(abst):>6}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    import datetime as dt

    from partnerbot.bot.ops.feedback import FeedbackStore

    settings = _settings(args)
    if not settings.feedback_db.exists():
        print("no feedback yet")
        return 0
    store = FeedbackStore(settings.feedback_db)
    rows = store.all(limit=args.limit)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        when = dt.datetime.fromtimestamp(r.created_at, dt.UTC).strftime("%Y-%m-%d %H:%M")
        mark = "+1" if r.verdict == "up" else "-1"
        print(f"{when}  {mark}  {r.platform:8} {r.user_id:12} {','.join(r.release_ids):12} "
              f"{r.question}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from partnerbot.adapters.health import health_endpoint
    from partnerbot.adapters.platforms import platform

    settings = _settings(args)
    chat = platform(args.platform)
    options = {"webhook": args.webhook, "listen": args.listen, "port": args.port}
    chat.check_settings(settings, **options)
    # /healthz: "starting" while the index opens (or is built), "connecting" until the
    # platform answers, "ok" after
    with health_endpoint(settings, platform=args.platform) as health:
        engine = _engine(settings)
        if health is not None:
            health.attach(engine)
        chat.serve(settings, engine, readiness=health, **options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerbot", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Answers questions about life-science partnerships from press releases "
                    "(Korean, English, Japanese), quoting and citing the releases.",
        epilog=EPILOG)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.add_argument("--log-json", action="store_true",
                        help="log one JSON object per line (PARTNERBOT_LOG_JSON)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text,
                           epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--index", metavar="DIR", help="index directory (PARTNERBOT_INDEX_DIR)")
        return p

    p = add("ask", "answer one question", 'partnerbot ask "Who is the CEO of Medicen Paris Region?"')
    p.add_argument("question", nargs="+", help="the question, in English, Korean or Japanese")
    p.add_argument("--json", action="store_true", help="print the structured answer as JSON")
    p.add_argument("--explain", action="store_true",
                   help="also show the chosen and runner-up releases and sentences, each "
                        "feature's contribution to their scores, and the abstention reason")
    p.add_argument("--corpus", metavar="DIR", help="corpus used if the index must be built")
    p.set_defaults(func=cmd_ask)

    p = add("chat", "ask questions at an interactive prompt", "partnerbot chat")
    p.add_argument("--corpus", metavar="DIR", help="corpus used if the index must be built")
    p.set_defaults(func=cmd_chat)

    p = add("index", "build or update the index (incremental, atomic swap)",
            "partnerbot index --corpus ./releases --index ./index")
    p.add_argument("--corpus", metavar="DIR", help="corpus directory (PARTNERBOT_CORPUS_DIR)")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuild from scratch (after changing embedders)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_index)

    p = add("sources", "list the releases in the index", "partnerbot sources --json")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources, corpus=None)

    p = add("status", "show the index being served", "partnerbot status --json")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(func=cmd_status, corpus=None)

    p = add("eval", "measure retrieval and answers on a question set",
            "partnerbot eval --corpus ../shared/eval/seeds --qa ../shared/eval/seeds/qa.jsonl")
    p.add_argument("--corpus", required=True, metavar="DIR",
                   help="corpus directory (or an eval set folder with docs/ and docs.jsonl)")
    p.add_argument("--qa", required=True, metavar="FILE", help="question set (qa.jsonl)")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    p.add_argument("--details", metavar="FILE", help="write one JSON line per question")
    p.set_defaults(func=cmd_eval)

    p = add("feedback", "show 👍/👎 feedback recorded from Slack and Telegram",
            "partnerbot feedback --limit 20")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_feedback, corpus=None)

    p = add("serve", "run the Slack or Telegram bot", "partnerbot serve telegram")
    p.add_argument("platform", choices=platforms.names())
    p.add_argument("--webhook", metavar="URL", help="telegram: use a webhook at this public URL")
    p.add_argument("--listen", default="127.0.0.1", help="telegram webhook: address to bind")
    p.add_argument("--port", type=int, default=8443, help="telegram webhook: port to bind")
    p.add_argument("--corpus", metavar="DIR", help="corpus used if the index must be built")
    p.set_defaults(func=cmd_serve)

    from partnerbot.adapters.cli_corpus import add_parsers

    add_parsers(add)

    from partnerbot.adapters.registry_cli import add_commands

    add_commands(add)  # partners, orgs
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a reader that stops early (`| head`) ends it quietly."""
    from partnerbot.adapters.pipes import quiet_on_closed_stdout

    return quiet_on_closed_stdout(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    from partnerbot.adapters.logs import configure_logging
    from partnerbot.adapters.redact import Redactor
    from partnerbot.bot.errors import USER_ERRORS

    parser = build_parser()
    args = parser.parse_args(argv)
    redact = Redactor()
    try:
        settings = load_settings(log_json=True if args.log_json else None)
        redact = Redactor.from_settings(settings)
        configure_logging(settings, logging.INFO if args.verbose else logging.WARNING)
        return int(args.func(args))
    except (CliError, SettingsError, *USER_ERRORS) as exc:  # type: ignore[misc]
        # soft_wrap: a one-line error stays one line, whatever the terminal's width
        err.print(f"partnerbot: {redact(str(exc))}", markup=False, highlight=False,
                  soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
