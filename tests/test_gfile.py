"""`tf.io.gfile` on the local file system: results, exception classes and messages as
TF 2.21 gives them for the same calls (recorded by running them under
`import tensorflow as tf`)."""

from __future__ import annotations

import os
from typing import Any, Callable

import pytest

import tftape_torch as tf

g = tf.io.gfile


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except tf.errors.OpError as error:
        return (type(error).__name__, error.message)


def test_directories_and_files(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert g.exists("nope") is False
    assert g.makedirs("a/b/c") is None and g.makedirs("a/b/c") is None
    assert g.mkdir("a") is None  # an existing directory is fine
    assert outcome(lambda: g.mkdir("x/y")) == ("NotFoundError", "x/y; No such file or directory")
    with g.GFile("a/f.txt", "w") as f:
        assert f.write("hello\nworld\n") is None
    assert g.GFile("a/f.txt").read() == "hello\nworld\n"
    assert g.GFile("a/f.txt", "rb").read() == b"hello\nworld\n"
    assert g.GFile("a/f.txt").readlines() == ["hello\n", "world\n"]
    assert g.GFile("a/f.txt").size() == 12
    assert outcome(lambda: g.GFile("missing.txt").read()) == (
        "NotFoundError", "missing.txt; No such file or directory")
    assert sorted(g.listdir("a")) == ["b", "f.txt"]
    assert outcome(lambda: g.listdir("zz")) == ("NotFoundError", "Could not find directory zz")
    assert sorted(g.glob("a/*")) == ["a/b", "a/f.txt"] and g.glob("a/*.txt") == ["a/f.txt"]
    assert g.isdir("a") and not g.isdir("a/f.txt")
    assert g.copy("a/f.txt", "a/g.txt") is None
    assert outcome(lambda: g.copy("a/f.txt", "a/g.txt")) == (
        "AlreadyExistsError", "file already exists")
    assert g.copy("a/f.txt", "a/g.txt", overwrite=True) is None
    assert outcome(lambda: g.rename("a/g.txt", "a/f.txt")) == (
        "AlreadyExistsError", "file already exists")
    assert g.rename("a/g.txt", "a/h.txt") is None and g.remove("a/h.txt") is None
    assert outcome(lambda: g.remove("a/h.txt")) == (
        "NotFoundError", "a/h.txt; No such file or directory")
    assert outcome(lambda: g.copy("zz.txt", "a/q.txt"))[0] == "NotFoundError"
    info = g.stat("a/f.txt")
    assert (type(info).__name__, info.length, info.is_directory) == ("FileStatistics", 12, False)
    assert g.stat("a").is_directory
    assert outcome(lambda: g.stat("zz")) == ("NotFoundError", "zz; No such file or directory")
    assert list(g.walk("a")) == [("a", ["b"], ["f.txt"]), ("a/b", ["c"], []), ("a/b/c", [], [])]
    assert g.join("a", "b", "c") == os.path.join("a", "b", "c") and g.join("a/", "/b") == "/b"
    assert g.rmtree("a") is None and not g.exists("a")
    assert outcome(lambda: g.rmtree("a")) == ("NotFoundError", "a not found")


def test_gfile_opens_lazily_and_reads_like_tfs(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    with g.GFile("t.txt", "w") as f:
        f.write("ab")
    with g.GFile("t.txt", "a") as f:
        f.write("cd\nef")
    f = g.GFile("t.txt")
    assert (f.read(1), f.tell(), f.readline(), f.name, f.mode) == ("a", 1, "bcd\n", "t.txt", "r")
    f.seek(0)
    assert f.read() == "abcd\nef"
    f.close()
    assert list(g.GFile("t.txt")) == ["abcd\n", "ef"]
    writer = g.GFile("nodir/t.txt", "w")  # nothing happens until first use
    assert outcome(lambda: writer.write("x")) == (
        "NotFoundError", "nodir/t.txt; No such file or directory")
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="mode is not 'r' or 'w' or 'a' or 'r\\+' or 'w\\+' or 'a\\+'"):
        g.GFile("t.txt", "x")
    with g.GFile("b.bin", "wb") as f:
        f.write(b"\x00\x01")
    assert g.GFile("b.bin", "rb").read() == b"\x00\x01"
    assert sorted(g.glob(["t.txt", "b.bin"])) == ["b.bin", "t.txt"]


def test_the_rest_of_tf_io_is_one_clear_error() -> None:
    assert not hasattr(tf.io, "read_file")
    with pytest.raises(NotImplementedError, match="does not support `tf.io.decode_png`"):
        tf.io.decode_png  # noqa: B018
