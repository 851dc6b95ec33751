"""Run `corpus` commands as another user, for the tests of shared corpora (root only).

    python tests/asuser.py UID UMASK < commands.json > results.json

`commands.json` is a list of argument lists; each runs in this process, after the switch
to UID (its group too) with the given umask, and the results are a JSON list of
{"code", "stdout", "stderr"}. The interpreter's own library may lie where the other user
cannot read it (under /root), so everything is imported first: the same commands run
once, as root, on a scratch copy of the sample corpus, which loads every module they
load. CORPUS_CACHE_DIR and HOME should name folders that UID owns.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "corpus"


def _invoke(runner, main, args: list[str], env: dict[str, str]) -> dict:
    result = runner.invoke(main, args, env=env, prog_name="corpus")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        stderr += "".join(traceback.format_exception(result.exception))  # a bug: let the test show it
    return {"code": result.exit_code, "stdout": result.stdout, "stderr": stderr}


def _warm_up(runner, main) -> None:
    """Every command once, as root, on a scratch corpus: whatever they import is imported."""
    with tempfile.TemporaryDirectory() as scratch:
        root, cache = Path(scratch) / "corpus", Path(scratch) / "cache"
        shutil.copytree(SAMPLES, root)
        env = {"CORPUS_CACHE_DIR": str(cache)}
        note = Path(scratch) / "note.md"
        note.write_text("# A note\n\nMagnesium and sleep.\n")
        for args in (["search", "magnesium", "twitch~", '"legs twitch"', "-sleep", "title:twitch"],
                     ["search", "magnesium", "--json"], ["list", "--json"], ["list"], ["stats"],
                     ["show", "twitches-in-your-body"], ["show", "nope"], ["clean", str(note)],
                     ["add", str(note)], ["remove", "note"], ["reindex"], ["stats", "--json"]):
            _invoke(runner, main, ["--corpus", str(root), *args], env)
        (root / "hand.txt").write_text("A hand-copied note on cramps.\n")
        _invoke(runner, main, ["--corpus", str(root), "search", "cramps"], env)
        os.chmod(root, 0o555)  # a folder the process cannot write (root can anyway; the code runs)
        _invoke(runner, main, ["--corpus", str(root), "list"], env)
        os.chmod(root, 0o755)


def main(argv: list[str]) -> None:
    uid, umask = int(argv[0]), int(argv[1], 8)
    sys.path.pop(0)  # this file's folder (tests/) must not shadow the project's modules
    from click.testing import CliRunner

    from search.cli import main as corpus

    runner = CliRunner()
    commands = json.load(sys.stdin)
    _warm_up(runner, corpus)
    import pwd

    os.setgroups([])
    os.setgid(pwd.getpwuid(uid).pw_gid)
    os.setuid(uid)
    os.umask(umask)
    env = {key: os.environ[key] for key in ("CORPUS_CACHE_DIR", "HOME") if key in os.environ}
    json.dump([_invoke(runner, corpus, args, env) for args in commands], sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
