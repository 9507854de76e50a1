"""Command line of the content pipeline: python -m rightsinfo <command> (the Makefile calls it)."""

from __future__ import annotations

import argparse
import sys

from babel import Locale, UnknownLocaleError

from rightsinfo import catalogs, review, translations
from rightsinfo.content import load_all
from rightsinfo.languages import LOCALES, SOURCE, translation_codes
from rightsinfo.problems import Problem


def _print(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)


def cmd_check(_args) -> int:
    """Everything a translator or editor can break, with file, line, field and fix."""
    pages, problems = load_all()
    problems += translations.drift(pages)
    for lang in translation_codes():
        states, found = review.load(lang)
        problems += found
        for domain in [*pages, *catalogs.CODE_DOMAINS]:
            tr, counts = catalogs.load(lang, domain)
            problems += tr.problems
            if states.get(domain) == "reviewed" and (counts.fuzzy or counts.untranslated):
                problems.append(Problem(str(catalogs.po_path(lang, domain)), 0, "review",
                                        f"marked reviewed but has {counts.fuzzy} fuzzy and "
                                        f"{counts.untranslated} untranslated strings",
                                        "translate them, or set it back to draft in review.yml"))
    _print(problems)
    print(f"check: {len(pages)} pages, {len(translation_codes())} translations, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_translations(_args) -> int:
    pages, problems = load_all()
    changed, found = translations.update(pages)
    _print(problems + found)
    for path in changed:
        print(f"updated {path}")
    print(f"translations: {len(changed)} file(s) changed")
    return 1 if found else 0


def cmd_status(_args) -> int:
    pages, problems = load_all()
    _print(problems)
    print(translations.format_status(translations.status(pages)))
    return 0


def cmd_add_language(args) -> int:
    code = args.code
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        print(f"error: {code!r} is not a language code Babel knows (examples: de, so, ti, uk)",
              file=sys.stderr)
        return 2
    if code == SOURCE or (LOCALES / code / "LC_MESSAGES").exists():
        print(f"error: {code} already exists", file=sys.stderr)
        return 2
    (LOCALES / code / "LC_MESSAGES").mkdir(parents=True)
    pages, _ = load_all()
    translations.update(pages, [code])
    print(f"added {code}: translate locales/{code}/LC_MESSAGES/*.po, then make run")
    return 0


def cmd_site(_args) -> int:
    from rightsinfo.render import build_site

    result = build_site()
    _print(result.problems)
    print(f"site: built {', '.join(result.languages)} into {result.out}")
    failed = [p for p in result.problems if p.field.startswith("language ")]
    return 1 if failed or not result.languages else 0


def cmd_serve(_args) -> int:
    from rightsinfo.serve import main

    return main()


def cmd_bench(_args) -> int:
    from rightsinfo.bench import main

    return main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rightsinfo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help=cmd_check.__doc__).set_defaults(func=cmd_check)
    sub.add_parser("translations", help="extract templates, merge PO files").set_defaults(func=cmd_translations)
    sub.add_parser("status", help="translation status table").set_defaults(func=cmd_status)
    add = sub.add_parser("add-language", help="start a new language")
    add.add_argument("code")
    add.set_defaults(func=cmd_add_language)
    sub.add_parser("site", help="build the site").set_defaults(func=cmd_site)
    sub.add_parser("serve", help="serve the site (and the bot)").set_defaults(func=cmd_serve)
    sub.add_parser("bench", help="print performance figures").set_defaults(func=cmd_bench)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
