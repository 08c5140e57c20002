#!/usr/bin/python3
"""The subtitle test's second opinion: the `srt` library (SubRip) or webvtt-py (WebVTT), both independent
of Lantern, read the source and the written file. Both must have the same cues with the same numbers,
identifiers and timings, and each cue's text must be the source's upper-cased (the test's stand-in
translation) with its line breaks anywhere: the words, tags and speakers equal, the lines rebalanced.
Usage: subtitlecheck.py srt|vtt SOURCE WRITTEN; prints a summary, exits 1 at the first difference."""
import html
import re
import sys


def srt_cues(path):
    import srt
    with open(path, encoding="utf-8-sig") as f:
        return [(str(c.index), str(c.start), str(c.end), c.proprietary, c.content) for c in srt.parse(f.read())]


def vtt_cues(path):
    import webvtt
    return [(c.identifier or "", c.start, c.end, "", c.raw_text if hasattr(c, "raw_text") else "\n".join(c.lines))
            for c in webvtt.read(path)]


def words(text):
    # Line breaks and spacing are the writer's to choose; what a viewer reads is not.
    return re.sub(r"\s+", " ", text).strip()


def upper_text(text):
    # Tags keep their case ("<font color=...>", "<c.yellow>", "<v Ana>"), as the translation keeps them.
    return re.sub(r"(<[^>]*>|\{\\[^}]*\}|&[a-z]+;)|([^<{&]+|[<{&])",
                  lambda m: m.group(1) or m.group(2).upper(), text)


def main():
    kind, src, out = sys.argv[1:4]
    read = srt_cues if kind == "srt" else vtt_cues
    a, b = read(src), read(out)
    if len(a) != len(b):
        print(f"{len(b)} cues, the source has {len(a)}")
        sys.exit(1)
    lines = 0
    for ca, cb in zip(a, b):
        if ca[:4] != cb[:4]:
            print(f"cue {ca[0]}: {cb[:4]} where the source has {ca[:4]}")
            sys.exit(1)
        # WebVTT's character references: "&nbsp;" and a written U+00A0 are the same text.
        seen, expected = (html.unescape(t) if kind == "vtt" else t for t in (cb[4], upper_text(ca[4])))
        if words(seen) != words(expected):
            print(f"cue {ca[0]}: {words(seen)!r}, expected {words(expected)!r}")
            sys.exit(1)
        lines += cb[4].count("\n") + 1
    print(f"{len(a)} cues, {lines} lines, timings equal")


main()
