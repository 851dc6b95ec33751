"""Finding the corpus: --corpus, then CORPUS_PATH, then the nearest marked folder upwards."""
from pathlib import Path

import pytest

from indexer.errors import UsageError
from indexer.layout import MARKER
from indexer.locate import locate, mark, not_found


def test_option_wins_over_environment_and_is_made_absolute(tmp_path):
    found = locate("c", {"CORPUS_PATH": str(tmp_path / "env")}, tmp_path)
    assert (found.root, found.how) == (tmp_path / "c", "option")


def test_environment_wins_over_walking_and_empty_means_unset(tmp_path):
    mark(tmp_path / "corpus")
    assert locate(None, {"CORPUS_PATH": "elsewhere"}, tmp_path).root == tmp_path / "elsewhere"
    assert locate(None, {"CORPUS_PATH": ""}, tmp_path).root == tmp_path / "corpus"


def test_walks_up_to_a_marked_corpus_folder(tmp_path):
    mark(tmp_path / "corpus")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    found = locate(None, {}, deep)
    assert (found.root, found.how) == (tmp_path / "corpus", "found")


def test_a_marked_folder_itself_is_the_corpus(tmp_path):
    mark(tmp_path / "notes")
    (tmp_path / "notes" / "sub").mkdir()
    assert locate(None, {}, tmp_path / "notes" / "sub").root == tmp_path / "notes"


def test_an_unmarked_corpus_folder_is_passed_over(tmp_path):
    (tmp_path / "corpus").mkdir()
    found = locate(None, {}, tmp_path)
    assert found.how == "default" and found.root == tmp_path / "corpus"
    message = str(not_found(found))
    assert str(tmp_path) in message and MARKER in message


def test_a_file_named_as_the_corpus_is_a_usage_error(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match=f"{tmp_path / 'f'} is a file"):
        locate("f", {}, tmp_path)
    with pytest.raises(UsageError, match="CORPUS_PATH"):
        locate(None, {"CORPUS_PATH": str(tmp_path / "f")}, Path("/"))


def test_mark_is_idempotent(tmp_path):
    assert mark(tmp_path / "new") is True
    assert mark(tmp_path / "new") is False
    assert (tmp_path / "new" / MARKER).read_bytes() == b""


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_named_folder_holding_a_marked_corpus_folder_means_that_one(tmp_path, how):
    # `add` run in ~/kb made ~/kb/corpus; `--corpus ~/kb` (or CORPUS_PATH=~/kb) is that corpus.
    mark(tmp_path / "kb" / "corpus")
    option, environ = ("kb", {}) if how == "option" else (None, {"CORPUS_PATH": "kb"})
    found = locate(option, environ, tmp_path)
    assert (found.root, found.how) == (tmp_path / "kb" / "corpus", how)


def test_a_named_marked_folder_is_itself_the_corpus_even_with_a_corpus_folder_inside(tmp_path):
    mark(tmp_path / "kb")
    mark(tmp_path / "kb" / "corpus")
    assert locate("kb", {}, tmp_path).root == tmp_path / "kb"
    # Unmarked and without a marked corpus/ inside, a named folder is still the corpus.
    (tmp_path / "plain").mkdir()
    assert locate("plain", {}, tmp_path).root == tmp_path / "plain"
