"""The `corpus` command: parses options, calls the library, formats what it returns.

Heavy imports (Whoosh, bs4, lxml) happen inside the commands that need them, so
`corpus --help` starts at once. Everything printed goes through `out`, which passes it
through `search.present.printable`: names and titles come from files and pages, and none
may put an escape sequence on the user's terminal.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import click

EXIT_USAGE = 2
#: Where the --corpus option (given before or after the command) is kept in ctx.meta.
CORPUS_OPTION = "corpus.option"


def out(text: object = "", *, err: bool = False, nl: bool = True, styled: bool = False,
        color: bool | None = None) -> None:
    """Print `text`, made printable. `styled` keeps the colour codes the listing added
    itself (after making its pieces printable); `color` forces them on (--color always)."""
    from search.present import printable

    click.echo(printable(text, keep_color=styled), err=err, nl=nl, color=color)


def err(text: object) -> None:
    """One line on stderr: a newline inside a name or a message must not forge a second one."""
    out(printable_line(text), err=True)


def printable_line(text: object) -> str:
    from search.present import printable

    return printable(text, one_line=True)


def _color_wanted(choice: str = "auto") -> bool:
    # NO_COLOR counts only when set to something (no-color.org): NO_COLOR= is not a request.
    return choice == "always" or (choice == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


def _bold(text: str) -> str:
    """A title line: printable first, then bold if colour is wanted."""
    from search.present import BOLD, RESET

    line = printable_line(text)
    return f"{BOLD}{line}{RESET}" if _color_wanted() else line


def _usage_line(exc: click.ClickException) -> str:
    message = exc.format_message().strip().replace("\n", " ")
    message = message[:1].lower() + message[1:].rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see `{ctx.command_path} -h`)"
    return f"corpus: error: {message}"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised wherever the command is, so that it stops as it does on Ctrl-C:
    workers stopped, lock let go, what was reported stored kept."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: The exit code of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT), for both, so a
#: script tells an interrupted run from a failed one by one number.
INTERRUPTED = 130


def _raise_terminated(signum, frame):
    raise Terminated(signum)


class CorpusGroup(click.Group):
    """Turns every error into one line on stderr and an exit code, never a traceback or
    click's four-line usage block."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        # Only the main thread may set a handler (a test runner may call us from another).
        handling = threading.current_thread() is threading.main_thread()
        before = signal.signal(signal.SIGTERM, _raise_terminated) if handling else None
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()) as exc:  # `corpus` alone
            out(exc.format_message(), err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            err(_usage_line(exc))
            sys.exit(exc.exit_code)
        except click.Abort:  # click's word for an interruption outside a command
            err("corpus: interrupted")
            sys.exit(INTERRUPTED)
        except KeyboardInterrupt:
            err("corpus: interrupted")
            sys.exit(INTERRUPTED)
        finally:
            if handling and before is not None:
                signal.signal(signal.SIGTERM, before)
        # Without standalone mode click returns an exit code, or what the command returned.
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        from indexer.errors import CorpusError

        try:
            return super().invoke(ctx)
        except CorpusError as exc:
            err(f"corpus: error: {exc}")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err("corpus: interrupted")
            ctx.exit(INTERRUPTED)
        except BrokenPipeError:
            # The reader (head, less) went away; nothing more to say.
            sys.stderr.close()
            ctx.exit(0)


def _remember_corpus(ctx, param, value):
    if value is not None:
        ctx.meta[CORPUS_OPTION] = value  # meta is shared: the command's --corpus wins over the group's
    return value


def corpus_option(command):
    """--corpus, accepted before the command (`corpus --corpus X list`) and after it."""
    return click.option("--corpus", "corpus_path", metavar="PATH", expose_value=False, callback=_remember_corpus,
                        help="The corpus folder (else CORPUS_PATH, else the nearest corpus/ at or above "
                             "the current folder).")(command)


def _located(ctx):
    from indexer.locate import locate

    return locate(ctx.meta.get(CORPUS_OPTION), os.environ, Path.cwd())


def _corpus(ctx, fresh: bool = False, create: bool = False, changes: bool = False):
    """The corpus found from --corpus, CORPUS_PATH or the current folder, which must exist
    unless `create`; with `fresh`, its index brought up to date first. A command that
    `changes` (or creates) articles says so when the corpus is the bundled sample."""
    from indexer.corpus import Corpus
    from indexer.locate import is_sample, mark, not_found

    located = _located(ctx)
    if (create or changes) and is_sample(located.root):
        # Run from the checkout, a new user's first `add` would otherwise land in the sample.
        err(f"corpus: note: {printable_line(str(located.root))} is the sample corpus shipped with "
            "corpus-search; `corpus init DIR` starts your own")
    if create:
        # Marks the folder as a corpus (the store's add does too): how later commands find
        # it. Said whenever the marker is new, the folder's own or not.
        if mark(located.root):
            err(f"corpus: created a new corpus at {located.root}")
    elif not located.exists:
        raise not_found(located)
    corpus = Corpus(located.root, tell=lambda text: err(f"corpus: {text}"))
    if fresh:
        _ensure_fresh(corpus)
    return corpus


def _say_empty(corpus) -> None:
    """The one line that search, list and stats give on stderr for a corpus with no
    articles; their output is then what it is for none (no hits, no lines, zeros)."""
    err(f"corpus: no articles in the corpus at {corpus.root} yet; add some with `corpus add PATH`")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _complete_ids(ctx, param, incomplete: str):
    """Article ids for shell completion of `show` and `remove`."""
    from click.shell_completion import CompletionItem

    from search.present import printable

    try:
        from indexer.corpus import Corpus

        located = _located(ctx)
        entries = Corpus(located.root).entries() if located.exists else []
    except Exception:  # noqa: BLE001 - a completion must never print a traceback into the shell
        return []
    return [CompletionItem(e.id) for e in entries
            if e.id.startswith(incomplete) and printable(e.id, one_line=True) == e.id]


@click.group(cls=CorpusGroup, context_settings={"help_option_names": ["-h", "--help"]})
@corpus_option
@click.version_option(package_name="corpus-search")
def main():
    """Keep a folder of articles searchable from the terminal.

    \b
      corpus add ~/saved/*.html notes/       add articles
      corpus search "why do my legs twitch"  find passages

    The corpus is --corpus PATH, else CORPUS_PATH, else the nearest folder at or above
    the current one that holds a .corpus marker or a corpus/ folder with one (a named
    PATH holding such a corpus/ means that one). `corpus init DIR` makes one; `add`
    creates ./corpus when there is none.
    """


@main.command()
@click.argument("path", required=False)
@corpus_option
@click.pass_context
def init(ctx, path):
    """Make a corpus at PATH (else --corpus, else CORPUS_PATH, else ./corpus) and say where.

    Commands run in that folder or below find it; from anywhere else, give --corpus PATH or
    set CORPUS_PATH. A corpus that is already there is left as it is.

    \b
      corpus init ~/kb
      cd ~/kb && corpus add ~/Downloads/*.html
    """
    from indexer.corpus import Corpus
    from indexer.errors import CannotWrite, UsageError
    from indexer.locate import DEFAULT_NAME, ENV, finds_it_from, locate, mark

    named = ctx.meta.get(CORPUS_OPTION)
    if path is not None and named is not None and path != named:
        raise UsageError("give the folder once: corpus init PATH, or --corpus PATH")
    target = path if path is not None else named
    if target is None and not os.environ.get(ENV):
        # Not the upward search: a corpus above the current folder is no reason not to make one here.
        target = DEFAULT_NAME
    root = locate(target, os.environ, Path.cwd()).root
    try:
        created = mark(root)
    except OSError as exc:
        raise CannotWrite(f"cannot make a corpus at {root}: {exc.strerror or exc}") from None
    count = len(Corpus(root).store.scan())
    where = printable_line(str(root))
    if created:
        out(f"created a new corpus at {where}" + (f" (its {_plural(count, 'file')} are articles)" if count else ""))
    else:
        out(f"a corpus is already at {where} ({_plural(count, 'article')})")
    home = finds_it_from(root)
    out(f"commands run in {printable_line(str(home))} or below use it; from elsewhere, give --corpus "
        f"{printable_line(str(root))} or set CORPUS_PATH={printable_line(str(root))}")


class _Progress:
    """`add`'s status line on stderr (a terminal only): redrawn at most ten times a second,
    cleared before any other line is printed so the two never mix.

    Articles are reported a durable batch at a time, in bursts, so the rate is known only
    where a burst ended: at a batch's first article, done / elapsed counts one article
    for all the time its batch took (the first ETA once read 8:58:25). The rate and the
    time left are shown from the end of the first burst on."""

    #: A pause this long between two articles ends a burst.
    BURST_GAP = 0.25

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.total: int | None = None
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at: float | None = None
        self.stepped_at: float | None = None
        #: Articles a second up to the end of the last burst (None before one ended).
        self.rate: float | None = None

    def set_total(self, total: int | None) -> None:
        self.total = total
        self._draw()

    def step(self) -> None:
        now = time.monotonic()
        if self.stepped_at is not None and now - self.stepped_at >= self.BURST_GAP and self.stepped_at > self.started:
            self.rate = self.done / (self.stepped_at - self.started)
        self.done += 1
        self.stepped_at = now
        if self.drawn_at is None or now - self.drawn_at >= 0.1 or self.done == self.total:
            self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        from search.present import printable, progress_line

        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except OSError:
            columns = 0
        width = (columns or shutil.get_terminal_size().columns) - 1  # a new pty may say 0
        line = progress_line(self.done, self.total, self.rate, width)
        sys.stderr.write("\r\x1b[K" + printable(line, one_line=True))  # our own codes: return, erase line
        sys.stderr.flush()
        self.drawn_at = time.monotonic()

    def clear(self) -> None:
        if self.drawn_at is not None:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.drawn_at = None


@main.command()
@click.argument("paths", nargs=-1, required=True)
@corpus_option
@click.option("--title", help="Title of the article (one file or URL only).")
@click.option("--url", help="URL the article came from (one file only).")
@click.option("--id", "article_id", help="Id to store the article under (one file or URL only).")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only the summary line (and skipped files; a progress bar on a terminal).")
@click.option("--follow-links", is_flag=True,
              help="Also add what links inside a folder lead to outside it (passed over by default).")
@click.pass_context
def add(ctx, paths, title, url, article_id, quiet, follow_links):
    """Add articles: HTML, text and Markdown files, folders of them, URLs, JSON Lines,
    or - for standard input (JSON Lines, or one document: --id, --title).

    One line per article (added, updated or unchanged; its id; its source), then a
    summary. Adding the same content again changes nothing; new content under an
    existing id replaces the article. Exits 1 when nothing could be added.

    \b
      corpus add article.html --title "Leg cramps" --url https://example.org/cramps
      corpus add ~/notes/ articles.jsonl
      pbpaste | corpus add - --title "Leg cramps"
    """
    from indexer.clean import keeps_little
    from indexer.errors import UsageError
    from search.present import shown_source

    if (title or url or article_id) and (len(paths) > 1 or Path(paths[0]).is_dir()):
        raise UsageError("--title, --url and --id describe one article; give a single file or URL")
    corpus = _corpus(ctx, create=True)
    counts = {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    cwd = Path.cwd()
    progress = _Progress(enabled=sys.stderr.isatty())
    lines_on_terminal = sys.stdout.isatty() and not quiet

    def report(outcome) -> None:
        counts[outcome.status] += 1
        source = shown_source(outcome.source, cwd)
        if lines_on_terminal or outcome.status == "skipped" or outcome.note:
            progress.clear()  # a line is coming to the terminal the bar is on
        if outcome.status == "skipped":
            err(f"corpus: skipped {source}: {outcome.reason}")
        elif not quiet:
            out(f"{outcome.status:<9} {printable_line(outcome.id)}  {source}")
        if outcome.note:
            err(f"corpus: {source}: {outcome.note}")
        if outcome.status in ("added", "updated") and keeps_little(outcome.words, outcome.page_words):
            progress.clear()
            err(f"corpus: warning: {source} keeps {outcome.words} of its {outcome.page_words} words "
                f"({_percent(outcome.words, outcome.page_words)}); to see what was left out and why: "
                f"corpus clean --explain {_shell_word(source)}")
        progress.step()

    try:
        corpus.add(paths, title=title, url=url, article_id=article_id, on_outcome=report, on_total=progress.set_total,
                   follow_links=follow_links)
    except KeyboardInterrupt:
        # Everything reported is stored (and the next command indexes what the index lacks).
        progress.clear()
        stored = counts["added"] + counts["updated"]
        rest = "the rest" if progress.total is None else max(progress.total - sum(counts.values()), 0)
        err(f"corpus: interrupted ({stored} added, {rest} not)")
        ctx.exit(INTERRUPTED)
    finally:
        progress.clear()
    out(", ".join(f"{n} {status}" for status, n in counts.items()))
    if not any(counts.values()):
        named = ", ".join("stdin" if p == "-" else p if "://" in p else shown_source(os.path.abspath(p), cwd)
                          for p in paths)
        err(f"corpus: nothing to add: no articles in {named} (an empty folder or file? hidden files "
            "and unknown kinds of file are passed over)")
        ctx.exit(1)
    if counts["skipped"] and not (counts["added"] or counts["updated"] or counts["unchanged"]):
        ctx.exit(1)


class SearchCommand(click.Command):
    """`-word` excludes a word, so search takes no short options: click would read "-heat"
    as -h -e -a -t. Only a lone `-h` means help."""

    def parse_args(self, ctx, args):
        words = args[:args.index("--")] if "--" in args else args
        return super().parse_args(ctx, ["--help"] if "-h" in words else args)


@main.command(cls=SearchCommand,
              context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("words", nargs=-1)
@corpus_option
@click.option("--limit", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="How many passages to show.")
@click.option("--per-doc", type=click.IntRange(1, 1000), default=3, show_default=True,
              help="At most this many passages from one article.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (exit 1 when it holds no results, as without --json).")
@click.option("--queries", "queries_file", type=click.Path(dir_okay=False, path_type=Path),
              help='Run every query of a JSON Lines file ({"_id", "text"} a line).')
@click.option("--format", "batch_format", type=click.Choice(["trec", "jsonl"]),
              help="Output of --queries: jsonl (the default) or trec (one line per article).")
@click.option("--full", is_flag=True, help="Show whole passages, not a window around the matches.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Highlight matches (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--explain", is_flag=True, help="Show how each passage's score adds up.")
@click.pass_context
def search(ctx, words, limit, per_doc, as_json, queries_file, batch_format, full, color, explain):
    """Find the passages that best answer WORDS.

    The query is one argument or several words. Any word may match; more and rarer
    matches rank higher. "Quoted phrases" must appear, -word leaves out passages with
    the word, title:word and section:word look in one field, word~ is fuzzy. A quoted
    phrase that is only part of a longer question ranks passages holding it first
    instead of being required. A lone misspelled word that no passage holds is searched
    as its close correction, which is said. Exits 1 when nothing matches (with --json
    too, and in a corpus with no articles yet, which one line on stderr says).
    Switch parts of the ranking off with CORPUS_FEEDBACK=off, CORPUS_SYNONYMS=off,
    CORPUS_DID_YOU_MEAN=off, CORPUS_SEMANTIC=off, and word proximity on with
    CORPUS_PROXIMITY=on; add synonyms in .synonyms.txt in the corpus folder.

    \b
      corpus search why do my legs twitch at night
      corpus search '"magnesium supplements"' -tea --json
    """
    from indexer.errors import UsageError
    from search.present import json_result, listing_width, text_listing
    from search.query import parse
    from search.rank import Options, answer
    from search.explain import explanation_text
    from search.synonyms import CORPUS_FILE as SYNONYMS_FILE

    unknown = [w for w in words if w.startswith("--")]
    if unknown:
        raise UsageError(f"no such option: {unknown[0]} (to search for it, quote it: '\"{unknown[0]}\"')")
    query = " ".join(words) if words else None
    if (query is None) == (queries_file is None):
        raise UsageError("give a query or --queries FILE (one, not both)")
    if batch_format is not None and queries_file is None:
        raise UsageError("--format is the output of --queries; for one query use --json")
    if as_json and queries_file is not None:
        raise UsageError("--queries prints JSON Lines already (--format jsonl); drop --json")
    # A query that cannot run is refused before any indexing work is done.
    parsed = parse(query) if query is not None else None
    corpus = _corpus(ctx, fresh=True)
    options = Options(limit=limit, per_doc=per_doc, explain=explain,
                      synonym_files=(corpus.root / SYNONYMS_FILE,)).switched(os.environ)
    if queries_file is not None:
        # A batch answers every query, with nothing where the corpus has no articles yet.
        _batch(corpus, queries_file, batch_format or "jsonl", options)
        return
    if corpus.is_empty():  # (Whoosh cannot search an empty index)
        _say_empty(corpus)
        if as_json:
            out(json_result(query, []))
        ctx.exit(1)
    found = answer(corpus.index_dir, parsed, options)
    hits, suggestion = found.hits, found.corrected or found.suggestion
    if found.notice:
        err(f"corpus: {found.notice}")
    if found.corrected:
        err(f"corpus: nothing holds {query!r}; showing results for {found.corrected!r}")
    elif suggestion:
        err(f"corpus: did you mean: {suggestion}")
    if as_json:
        out(json_result(query, hits, suggestion, found.corrected))
        if not hits:
            ctx.exit(1)
        return
    if not hits:
        err(f"corpus: no passages match {query!r}")
        ctx.exit(1)
    use_color = _color_wanted(color)
    width = listing_width(shutil.get_terminal_size().columns)
    out(text_listing(hits, use_color, width=width, full=full, cwd=Path.cwd()), styled=use_color, color=use_color)
    if explain:
        out("\nWhy they rank so:\n" + "\n".join(explanation_text(hit) for hit in hits))


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
            query_id, text = record["_id"], record["text"]
        except RecursionError:
            raise UsageError(f"{queries_file}:{number}: JSON nested too deeply") from None
        except (ValueError, KeyError, TypeError):
            raise UsageError(f'{queries_file}:{number}: expected {{"_id": ..., "text": ...}}') from None
        # Scalars only: str() of a deeply nested value recurses as deep as it goes.
        if not all(isinstance(v, (str, int, float)) for v in (query_id, text)):
            raise UsageError(f'{queries_file}:{number}: "_id" and "text" must be strings')
        items.append((str(query_id), str(text)))
    parsed = []
    for query_id, text in items:
        try:
            parsed.append(parse(text))
        except CorpusError as exc:
            err(f"corpus: query {query_id}: {exc}")
            parsed.append(None)
    runnable = [p for p in parsed if p is not None]
    if batch_format == "trec":
        # A run has no text to highlight, and ranks articles: one line each, so --limit
        # counts articles and --per-doc (passages of one article) does not apply.
        options = replace(options, spans=False, per_doc=1)
    # An empty corpus (say, one whose first add was interrupted) answers every query with nothing.
    results = iter([[] for _ in runnable] if corpus.is_empty()
                   else search_many(corpus.index_dir, runnable, options, on_notice=lambda text: err(f"corpus: {text}")))
    for (query_id, text), query in zip(items, parsed):
        hits = next(results) if query is not None else []
        if batch_format == "trec":
            out(trec_lines(query_id, hits), nl=False)
        else:
            out(jsonl_line(query_id, text, hits))


def _ensure_fresh(corpus) -> None:
    """Bring the index up to date before reading it (never waiting for a writer), saying so on stderr."""
    from search.present import shown_source

    freshness = corpus.freshen()
    if freshness.state == "behind":
        err("corpus: another command is writing to this corpus's index; results may be behind the folder "
            "(reading the index as it was last committed)")
    elif freshness.state == "stuck":
        err(f"corpus: results may be behind the folder: the index cannot be updated ({freshness.reason})")
    report = freshness.report
    if report is not None and not report.repaired and (report.indexed or report.removed or report.failed):
        for failure in report.failed:
            err(f"corpus: skipped {shown_source(failure.source, Path.cwd())}: {failure.reason}")
        err(f"corpus: updated the index ({report.indexed} indexed, {report.removed} removed)")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.option("--explain", is_flag=True,
              help="Show, in reading order, each block left out and the rule that left it out.")
def clean(paths, as_json, explain):
    """Show what would be indexed from PATHS, storing nothing.

    With --explain, each block the cleaning left out is shown (its first words) with
    the rule that dropped it, between the first words of the blocks it kept.

    \b
      corpus clean page.html
      corpus clean --json saved/*.html > cleaned.jsonl
      corpus clean --explain page.html
    """
    from indexer.corpus import prepare
    from indexer.errors import CorpusError, UsageError
    from indexer.load import Skipped, load
    from indexer.split import body_text, sections
    from search.present import headings_line, json_text, shown_source

    if explain and as_json:
        raise UsageError("--explain shows the cleaning for reading; drop --json")
    cwd = Path.cwd()
    failures = 0
    for document in load(paths):
        if isinstance(document, Skipped):
            failures += 1
            err(f"corpus: skipped {shown_source(document.source, cwd)}: {document.reason}")
            continue
        if explain:
            try:
                _explain_cleaning(document, cwd)
            except CorpusError as exc:
                failures += 1
                err(f"corpus: skipped {shown_source(document.source, cwd)}: {exc}")
            continue
        try:
            article, passages = prepare(document)
        except CorpusError as exc:
            failures += 1
            err(f"corpus: skipped {shown_source(document.source, cwd)}: {exc}")
            continue
        if as_json:
            record = {"source": article.source, "id": article.id, "title": article.title,
                      "author": article.author, "published": article.published, "url": article.url,
                      "site": article.site, "language": article.language, "text": body_text(article),
                      "sections": [{"heading": s.heading, "level": s.level,
                                    "text": "\n".join(b.text for b in s.blocks)} for s in sections(article)]}
            out(json_text(record))
            continue
        out(_bold(article.title), styled=True)
        meta = [f"{name}: {shown_source(value, cwd) if name == 'source' else printable_line(value)}"
                for name, value in (("id", article.id), ("source", article.source), ("author", article.author),
                                    ("published", article.published), ("url", article.url),
                                    ("site", article.site)) if value]
        out("\n".join(meta))
        for passage in passages:
            out(f"\n--- passage {passage.position}" + (f" § {headings_line(passage.headings)}"
                                                         if passage.headings else ""))
            out(passage.text)
        out()
    if failures and failures == len(paths):
        sys.exit(1)


def _explain_cleaning(document, cwd: Path) -> None:
    """`clean --explain` for one document: what was kept and what was left out, in order."""
    from indexer.clean import explain
    from search.present import explained_lines, shown_source

    explanation = explain(document)
    out(_bold(explanation.title or document.id), styled=True)
    out(f"source: {shown_source(document.source, cwd)}")
    out("\n".join(explained_lines(explanation)))
    out()


def _percent(part: int, whole: int) -> str:
    share = 100 * part / whole if whole else 0.0
    return f"{share:.0f}%" if share >= 1 or share == 0 else "under 1%"


def _shell_word(text: str) -> str:
    """A path as one word a shell reads back unchanged (quoted only when it must be)."""
    import shlex

    return shlex.quote(text)


@main.command(name="list")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.pass_context
def list_(ctx, as_json):
    """List the articles: id, passages, title (tab-separated).

    A corpus with no articles yet lists nothing, says so on stderr and exits 0."""
    from search.present import json_text, printable

    corpus = _corpus(ctx, fresh=True)
    entries = corpus.entries()
    if not entries:
        _say_empty(corpus)
    for entry in entries:
        if as_json:
            out(json_text({"id": entry.id, "title": entry.title, "source": entry.source, "url": entry.url,
                           "author": entry.author, "published": entry.published, "site": entry.site,
                           "sections": entry.sections, "passages": entry.passages}))
        else:
            out(f"{printable(entry.id, one_line=True)}\t{entry.passages}\t{printable(entry.title, one_line=True)}")


@main.command()
@click.argument("article_id", shell_complete=_complete_ids)
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def show(ctx, article_id, as_json):
    """Show an article's metadata and sections."""
    from indexer.split import sections
    from search.present import json_text, printable, shown_source

    corpus = _corpus(ctx, fresh=True)
    article, passages = corpus.article(article_id)
    if as_json:
        out(json_text({"id": article.id, "title": article.title, "source": article.source,
                       "url": article.url, "author": article.author, "published": article.published,
                       "site": article.site, "language": article.language,
                       "sections": [{"heading": s.heading, "level": s.level, "path": list(s.path),
                                     "text": "\n".join(b.text for b in s.blocks)}
                                    for s in sections(article)]}))
        return
    out(_bold(article.title), styled=True)
    for name in ("id", "source", "url", "author", "published", "site", "language"):
        value = getattr(article, name)
        if value:
            shown = shown_source(value, Path.cwd()) if name == "source" else printable(value, one_line=True)
            out(f"{name + ':':<11}{shown}")
    out(f"{'passages:':<11}{len(passages)}")
    out("\nSections:")
    found = list(sections(article))
    top = min((s.level for s in found if s.level), default=1)
    for section in found:
        words = sum(len(b.text.split()) for b in section.blocks)
        indent = "  " * max(section.level - top, 0)
        out(f"  {indent}{printable(section.heading, one_line=True) or '(lead)'}  [{words} words]")


@main.command()
@click.argument("article_ids", nargs=-1, required=True, shell_complete=_complete_ids)
@corpus_option
@click.pass_context
def remove(ctx, article_ids):
    """Remove articles by id (all of them, or none if an id is unknown)."""
    corpus = _corpus(ctx, changes=True)
    removed = corpus.remove(article_ids)
    out(f"{len(removed)} removed")


@main.command()
@corpus_option
@click.pass_context
def reindex(ctx):
    """Rebuild the index from the articles in the corpus folder."""
    from search.present import shown_source

    corpus = _corpus(ctx)
    report = corpus.sync(rebuild=True)
    for failure in report.failed:
        err(f"corpus: skipped {shown_source(failure.source, Path.cwd())}: {failure.reason}")
    out(f"{_plural(report.indexed, 'article')} indexed" + (f", {len(report.failed)} skipped" if report.failed else ""))


@main.command()
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def stats(ctx, as_json):
    """Counts of articles, sections and passages; index size; last change.

    A corpus with no articles yet counts zeros, says so on stderr and exits 0."""
    from search.present import json_text

    corpus = _corpus(ctx, fresh=True)
    numbers = corpus.stats()
    last = (datetime.fromtimestamp(numbers.last_change, timezone.utc).isoformat(timespec="seconds")
            if numbers.last_change else None)
    if not numbers.articles and not numbers.failed:
        _say_empty(corpus)
    if as_json:
        out(json_text({"articles": numbers.articles, "sections": numbers.sections,
                       "passages": numbers.passages, "index_bytes": numbers.index_bytes,
                       "last_change": last, "unreadable": numbers.failed}))
        return
    out(f"articles     {numbers.articles}")
    out(f"sections     {numbers.sections}")
    out(f"passages     {numbers.passages}")
    out(f"index size   {numbers.index_bytes / 1024:.0f} KiB")
    out(f"last change  {last or '-'}")
    if numbers.failed:
        out(f"unreadable   {numbers.failed}")


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
def completion(shell):
    """Print the shell completion script for SHELL (commands, options, article ids).

    \b
      eval "$(corpus completion bash)"    # in ~/.bashrc
      eval "$(corpus completion zsh)"     # in ~/.zshrc
      corpus completion fish > ~/.config/fish/completions/corpus.fish
    """
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell)(main, {}, "corpus", "_CORPUS_COMPLETE").source()
    out(script)
