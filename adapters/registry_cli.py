"""`partnerbot partners` and `partnerbot orgs`: the partnership registry of the served index
as a table, JSON or CSV.

The registry is built with the index (`partnerbot index`); these commands open the index
like `partnerbot ask` does (building it first when there is none) and print what it holds.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from typing import Any

from partnerbot.bot.partners.answers import explain_rows, org_rows, partner_rows

_ISO_ARGUMENT = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _date(value: str | None, flag: str) -> str | None:
    from partnerbot.adapters.cli import CliError

    if value is None:
        return None
    if not _ISO_ARGUMENT.match(value):
        raise CliError(f"{flag} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value


def _view(args: argparse.Namespace, quiet: bool) -> Any:
    from partnerbot.adapters.cli import _engine, _settings

    return _engine(_settings(args), quiet=quiet).live.current()


def cmd_partners(args: argparse.Namespace) -> int:
    from partnerbot.adapters.cli import CliError

    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    view = _view(args, quiet=args.json or args.csv)
    if args.explain:
        return _explain(view, args.explain, args.json)
    rows = partner_rows(view, args.with_name, since, until)
    if rows is None:
        raise CliError(f"no organisation called {args.with_name!r} in the partnership registry "
                       f"(`partnerbot orgs` lists them)")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        out = csv.writer(sys.stdout)
        out.writerow(["signed", "kind", "mentioned", "parties", "releases", "sentence"])
        for r in rows:
            out.writerow([r["signed"] or "", r["kind"], "yes" if r["mentioned"] else "",
                          " | ".join(p["name"] for p in r["parties"]), " ".join(r["releases"]),
                          r["sources"][0]["sentence"] if r["sources"] else ""])
    else:
        for r in rows:
            mark = " (mentioned)" if r["mentioned"] else ""
            parties = " · ".join(p["name"] for p in r["parties"])
            print(f"{r['signed'] or '----------':10}  {r['kind']:9}  {','.join(r['releases']):8}  "
                  f"{parties}{mark}")
    return 0


def _explain(view: Any, doc_id: str, as_json: bool) -> int:
    from partnerbot.adapters.cli import CliError

    rows = explain_rows(view, doc_id)
    if rows is None:
        raise CliError(f"no release {doc_id!r} in the index (`partnerbot sources` lists them)")
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        mark = "party" if r["taken"] else "no"
        why = ", ".join(f"{b['feature']} {b['weight']:+.2f}" for b in r["because"])
        print(f"{mark:5}  {r['probability']:.2f} (>= {r['threshold']:.2f})  {r['name']}  [{why}]")
    return 0


def cmd_orgs(args: argparse.Namespace) -> int:
    rows = org_rows(_view(args, quiet=args.json))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for o in rows:
        others = [f for f in o["forms"] if f != o["name"]]
        print(f"{len(o['releases']):>3}  {o['name']}" + (f"  ({'; '.join(others)})" if others else ""))
    return 0


def add_commands(add: Any) -> None:
    """Parser entries; `add(name, help, example)` is cli.py's helper (gives --index)."""
    p = add("partners", "list the partnerships in the registry (table, --json or --csv)",
            "partnerbot partners --with LINK-J --since 2018 --json")
    p.add_argument("--with", dest="with_name", metavar="NAME",
                   help="only partnerships of this organisation (any form the corpus gives)")
    p.add_argument("--since", metavar="DATE", help="signed on or after (YYYY[-MM[-DD]])")
    p.add_argument("--until", metavar="DATE", help="signed on or before (YYYY[-MM[-DD]])")
    p.add_argument("--explain", metavar="ID", help="why each candidate of release ID is or is not a party")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="records as JSON")
    fmt.add_argument("--csv", action="store_true", help="one CSV row per record")
    p.add_argument("--corpus", metavar="DIR", help="corpus used if the index must be built")
    p.set_defaults(func=cmd_partners)

    p = add("orgs", "list the organisations in the registry with their forms",
            "partnerbot orgs --json")
    p.add_argument("--json", action="store_true", help="organisations as JSON")
    p.add_argument("--corpus", metavar="DIR", help="corpus used if the index must be built")
    p.set_defaults(func=cmd_orgs)
