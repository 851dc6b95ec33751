"""The `corpus` command: parses options, calls the library, formats what it returns.

Heavy imports (Whoosh, bs4, lxml) happen inside the commands that need them, so
`corpus --help` starts at once.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

EXIT_USAGE = 2


class CorpusGroup(click.Group):
    """Turns the project's errors into one line on stderr and an exit code, never a traceback."""

    def invoke(self, ctx):
        from indexer.errors import CorpusError

        try:
            return super().invoke(ctx)
        except CorpusError as exc:
            click.echo(f"corpus: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("corpus: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader (head, less) went away; nothing more to say.
            sys.stderr.close()
            ctx.exit(0)


def _corpus(ctx, fresh: bool = False, create: bool = False):
    """The corpus --corpus names, which must exist unless `create`; with `fresh`, its index
    brought up to date first."""
    from indexer.corpus import Corpus

    corpus = Corpus(ctx.obj["corpus"])
    if not create:
        corpus.require()
    if fresh:
        _ensure_fresh(corpus)
    return corpus


@click.group(cls=CorpusGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", "corpus_path", type=click.Path(file_okay=False, path_type=Path),
              envvar="CORPUS_PATH", default=Path("corpus"), show_default=True,
              help="The corpus folder (or set CORPUS_PATH).")
@click.version_option(package_name="corpus-search")
@click.pass_context
def main(ctx, corpus_path):
    """Keep a folder of articles searchable from the terminal.

    \b
      corpus add ~/saved/*.html notes/       add articles
      corpus search "why do my legs twitch"  find passages
    """
    ctx.obj = {"corpus": corpus_path}


def _progress_wanted() -> bool:
    return sys.stderr.isatty()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--title", help="Title of the article (one file or URL only).")
@click.option("--url", help="URL the article came from (one file only).")
@click.option("--id", "article_id", help="Id to store the article under (one file or URL only).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.pass_context
def add(ctx, paths, title, url, article_id, quiet):
    """Add articles: HTML, text and Markdown files, folders of them, URLs, JSON Lines.

    Adding the same content again changes nothing; new content under an existing id
    replaces the article.

    \b
      corpus add article.html --title "Leg cramps" --url https://example.org/cramps
      corpus add ~/notes/ articles.jsonl
    """
    from indexer.errors import UsageError

    if (title or url or article_id) and (len(paths) > 1 or Path(paths[0]).is_dir()):
        raise UsageError("--title, --url and --id describe one article; give a single file or URL")
    corpus = _corpus(ctx, create=True)
    counts = {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    show_bar = _progress_wanted() and not quiet
    done = 0

    def report(outcome) -> None:
        nonlocal done
        counts[outcome.status] += 1
        done += 1
        if outcome.note:
            click.echo(f"corpus: {outcome.note}", err=True)
        if outcome.status == "skipped":
            click.echo(f"corpus: skipped {outcome.source}: {outcome.reason}", err=True)
        elif not quiet and not show_bar:
            click.echo(f"{outcome.status:<9} {outcome.id}  {outcome.source}")
        if show_bar and done % 50 == 0:
            click.echo(f"\r{done} processed...", err=True, nl=False)

    corpus.add(paths, title=title, url=url, article_id=article_id, on_outcome=report)
    if show_bar and done >= 50:
        click.echo("\r" + " " * 30 + "\r", err=True, nl=False)
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    click.echo(summary)
    if counts["skipped"] and not (counts["added"] or counts["updated"] or counts["unchanged"]):
        ctx.exit(1)


# No short options here: click reads "-heat" as -h -e -a -t, and -word means "exclude word".
@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("words", nargs=-1)
@click.option("--limit", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="How many passages to show.")
@click.option("--per-doc", type=click.IntRange(1, 1000), default=3, show_default=True,
              help="At most this many passages from one article.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--queries", "queries_file", type=click.Path(dir_okay=False, path_type=Path),
              help='Run every query of a JSON Lines file ({"_id", "text"} a line).')
@click.option("--format", "batch_format", type=click.Choice(["trec", "jsonl"]), default="jsonl",
              show_default=True, help="Output of --queries.")
@click.option("--full", is_flag=True, help="Show whole passages, not a window around the matches.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Highlight matches (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--explain", is_flag=True, help="Show how each passage's score adds up.")
@click.pass_context
def search(ctx, words, limit, per_doc, as_json, queries_file, batch_format, full, color, explain):
    """Find the passages that best answer QUERY.

    QUERY is one argument or several words. Any word may match; more and rarer matches
    rank higher. "Quoted phrases" must appear, -word excludes, title:word and
    section:word look in one field, word~ is fuzzy. A quoted phrase that is only part of
    a longer question ranks passages holding it first instead of being required.
    Switch parts of the ranking off with CORPUS_FEEDBACK=off, CORPUS_PROXIMITY=off,
    CORPUS_SYNONYMS=off; add synonyms in .synonyms.txt in the corpus folder.

    \b
      corpus search why do my legs twitch at night
      corpus search '"magnesium supplements"' -tea --json
    """
    from indexer.errors import UsageError
    from search.present import json_result, text_listing
    from search.query import parse
    from search.rank import Options
    from search.rank import search as run
    from search.explain import explanation_text
    from search.suggest import suggest
    from search.synonyms import CORPUS_FILE as SYNONYMS_FILE

    unknown = [w for w in words if w.startswith("--")]
    if unknown:
        raise UsageError(f"no such option: {unknown[0]} (to search for it, quote it: '\"{unknown[0]}\"')")
    query = " ".join(words) if words else None
    if (query is None) == (queries_file is None):
        raise UsageError("give a QUERY or --queries FILE (one, not both)")
    # A query that cannot run is refused before any indexing work is done.
    parsed = parse(query) if query is not None else None
    corpus = _corpus(ctx, fresh=True)
    options = Options(limit=limit, per_doc=per_doc, explain=explain,
                      synonym_files=(corpus.root / SYNONYMS_FILE,)).switched(os.environ)
    if queries_file is not None:
        _batch(corpus, queries_file, batch_format, options)
        return
    empty = corpus.is_empty()  # an empty index has nothing to rank (and Whoosh cannot rank it)
    hits = [] if empty else run(corpus.index_dir, parsed, options)
    suggestion = None if empty else suggest(corpus.index_dir, parsed)
    if suggestion:
        click.echo(f"corpus: did you mean: {suggestion}", err=True)
    if as_json:
        click.echo(json_result(query, hits, suggestion))
        return
    if not hits:
        click.echo(f"corpus: no passages match {query!r}", err=True)
        ctx.exit(1)
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    width = min(shutil.get_terminal_size().columns, 100) - 4
    click.echo(text_listing(hits, use_color, width=width, full=full), color=use_color)
    if explain:
        click.echo("\nWhy they rank so:\n" + "\n".join(explanation_text(hit) for hit in hits))


def _batch(corpus, queries_file: Path, batch_format: str, options) -> None:
    from dataclasses import replace

    from indexer.errors import CorpusError, UsageError
    from search.present import jsonl_line, trec_lines
    from search.query import parse
    from search.rank import search_many

    try:
        lines = queries_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {queries_file}: {getattr(exc, 'strerror', None) or exc}") from None
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            items.append((str(record["_id"]), str(record["text"])))
        except (ValueError, KeyError, TypeError):
            raise UsageError(f'{queries_file}:{number}: expected {{"_id": ..., "text": ...}}') from None
    parsed = []
    for query_id, text in items:
        try:
            parsed.append(parse(text))
        except CorpusError as exc:
            click.echo(f"corpus: query {query_id}: {exc}", err=True)
            parsed.append(None)
    runnable = [p for p in parsed if p is not None]
    if batch_format == "trec":
        options = replace(options, spans=False)  # a run has no text to highlight
    # An empty corpus (say, one whose first add was interrupted) answers every query with nothing.
    results = iter([[] for _ in runnable] if corpus.is_empty() else search_many(corpus.index_dir, runnable, options))
    for (query_id, text), query in zip(items, parsed):
        hits = next(results) if query is not None else []
        if batch_format == "trec":
            sys.stdout.write(trec_lines(query_id, hits))
        else:
            click.echo(jsonl_line(query_id, text, hits))


def _ensure_fresh(corpus) -> None:
    """Bring the index up to date before reading it (never waiting for a writer), saying so on stderr."""
    freshness = corpus.freshen()
    if freshness.state == "behind":
        click.echo("corpus: another command is writing to this corpus; searching the index as it was "
                   "last committed", err=True)
    elif freshness.state == "stuck":
        click.echo(f"corpus: {freshness.reason}; reading the index as it was last committed", err=True)
    report = freshness.report
    if report is not None and (report.indexed or report.removed or report.failed):
        for failure in report.failed:
            click.echo(f"corpus: skipped {failure.source}: {failure.reason}", err=True)
        click.echo(f"corpus: updated the index ({report.indexed} indexed, {report.removed} removed)", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
def clean(paths, as_json):
    """Show what would be indexed from PATHS, storing nothing.

    \b
      corpus clean page.html
      corpus clean --json saved/*.html > cleaned.jsonl
    """
    from indexer.corpus import prepare
    from indexer.errors import CorpusError
    from indexer.load import Skipped, load
    from indexer.split import body_text, sections
    from search.present import headings_line

    failures = 0
    for document in load(paths):
        if isinstance(document, Skipped):
            failures += 1
            click.echo(f"corpus: skipped {document.source}: {document.reason}", err=True)
            continue
        try:
            article, passages = prepare(document)
        except CorpusError as exc:
            failures += 1
            click.echo(f"corpus: skipped {document.source}: {exc}", err=True)
            continue
        if as_json:
            record = {"source": article.source, "id": article.id, "title": article.title,
                      "author": article.author, "published": article.published, "url": article.url,
                      "site": article.site, "language": article.language, "text": body_text(article),
                      "sections": [{"heading": s.heading, "level": s.level,
                                    "text": "\n".join(b.text for b in s.blocks)} for s in sections(article)]}
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.echo(click.style(article.title, bold=True))
        meta = [f"{name}: {value}" for name, value in (("id", article.id), ("source", article.source),
                ("author", article.author), ("published", article.published), ("url", article.url),
                ("site", article.site)) if value]
        click.echo("\n".join(meta))
        for passage in passages:
            click.echo(f"\n--- passage {passage.position}" + (f" § {headings_line(passage.headings)}"
                                                                if passage.headings else ""))
            click.echo(passage.text)
        click.echo()
    if failures and failures == len(paths):
        sys.exit(1)


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.pass_context
def list_(ctx, as_json):
    """List the articles: id, passages, title."""
    corpus = _corpus(ctx, fresh=True)
    from search.present import sanitize

    for entry in corpus.entries():
        if as_json:
            click.echo(json.dumps({"id": entry.id, "title": entry.title, "source": entry.source, "url": entry.url,
                                   "author": entry.author, "published": entry.published, "site": entry.site,
                                   "sections": entry.sections, "passages": entry.passages}, ensure_ascii=False))
        else:
            click.echo(f"{entry.id}\t{entry.passages}\t{sanitize(entry.title)}")


@main.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def show(ctx, article_id, as_json):
    """Show an article's metadata and sections."""
    from indexer.split import sections

    corpus = _corpus(ctx)
    article, passages = corpus.article(article_id)
    if as_json:
        click.echo(json.dumps({"id": article.id, "title": article.title, "source": article.source,
                               "url": article.url, "author": article.author, "published": article.published,
                               "site": article.site, "language": article.language,
                               "sections": [{"heading": s.heading, "level": s.level, "path": list(s.path),
                                             "text": "\n".join(b.text for b in s.blocks)}
                                            for s in sections(article)]}, ensure_ascii=False))
        return
    click.echo(click.style(article.title, bold=True))
    for name in ("id", "source", "url", "author", "published", "site", "language"):
        value = getattr(article, name)
        if value:
            click.echo(f"{name + ':':<11}{value}")
    click.echo(f"{'passages:':<11}{len(passages)}")
    click.echo("\nSections:")
    found = list(sections(article))
    top = min((s.level for s in found if s.level), default=1)
    for section in found:
        words = sum(len(b.text.split()) for b in section.blocks)
        indent = "  " * max(section.level - top, 0)
        click.echo(f"  {indent}{section.heading or '(lead)'}  [{words} words]")


@main.command()
@click.argument("article_ids", nargs=-1, required=True)
@click.pass_context
def remove(ctx, article_ids):
    """Remove articles by id (all of them, or none if an id is unknown)."""
    corpus = _corpus(ctx)
    removed = corpus.remove(article_ids)
    click.echo(f"{len(removed)} removed")


@main.command()
@click.pass_context
def reindex(ctx):
    """Rebuild the index from the articles in the corpus folder."""
    corpus = _corpus(ctx)
    report = corpus.sync(rebuild=True)
    for failure in report.failed:
        click.echo(f"corpus: skipped {failure.source}: {failure.reason}", err=True)
    click.echo(f"{report.indexed} articles indexed" + (f", {len(report.failed)} skipped" if report.failed else ""))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def stats(ctx, as_json):
    """Counts of articles, sections and passages; index size; last change."""
    corpus = _corpus(ctx, fresh=True)
    numbers = corpus.stats()
    last = (datetime.fromtimestamp(numbers.last_change, timezone.utc).isoformat(timespec="seconds")
            if numbers.last_change else None)
    if as_json:
        click.echo(json.dumps({"articles": numbers.articles, "sections": numbers.sections,
                               "passages": numbers.passages, "index_bytes": numbers.index_bytes,
                               "last_change": last, "unreadable": numbers.failed}))
        return
    click.echo(f"articles     {numbers.articles}")
    click.echo(f"sections     {numbers.sections}")
    click.echo(f"passages     {numbers.passages}")
    click.echo(f"index size   {numbers.index_bytes / 1024:.0f} KiB")
    click.echo(f"last change  {last or '-'}")
    if numbers.failed:
        click.echo(f"unreadable   {numbers.failed}")
