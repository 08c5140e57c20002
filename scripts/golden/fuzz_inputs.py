#!/usr/bin/env python3
"""Seed corpora of the fuzz targets beside the GGUF reader's (tests/fuzz/entries.h, importreplaytest.cpp).

Usage: python3 scripts/golden/fuzz_inputs.py [TESTS_FUZZ_DIR]   (default: tests/fuzz of this checkout)

Writes tests/fuzz/corpus-<target>/ for template, tokenizer, formats, server and import, each a few KB to a few
hundred KB: the real inputs the tests already use (chat templates of tests/data/text/templates, the
translation documents of tests/data/translation), small hand-written ones that reach each feature, and
hostile ones (templates that loop or recurse, deep nesting, huge numbers). Existing files the script does not
write (regression seeds kept from findings, named regress-*) are left alone. Deterministic: no randomness.
"""
import io
import json
import pathlib
import struct
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    (folder / name).write_bytes(data)


def templates(out):
    for src in sorted((DATA / "text" / "templates").glob("*.jinja")):
        write(out, "real-" + src.stem + ".jinja", src.read_bytes())
    own = {
        "chatml": "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                  "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
        "features": "{%- set ns = namespace(n=0, s='') -%}{%- macro show(x, sep=', ') -%}{{ x | string | trim }}"
                    "{{ sep }}{%- endmacro -%}{% for m in messages if m.role != 'system' %}{% set ns.n = ns.n + 1 %}"
                    "{{ loop.index }}/{{ loop.length }} {{ show(m.content[:5] ~ m['role'] | upper) }}"
                    "{% if loop.last %}last{% elif loop.first %}first{% else %}mid{% endif %}{% endfor %}"
                    "{{ ns.n }} {{ messages | length }} {{ [1, 2, 3] | join('-') }} {{ {'a': 1} | tojson }}"
                    "{{ 'x' * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 8 }} {{ -1.5 | abs }} {{ 'AbC'.lower() }}"
                    "{{ 'a,b'.split(',') }} {{ messages[-1].content.startswith('bad') }} {{ none is none }}"
                    "{{ undefined_thing is defined }} {{ range(3) | list }} {{ 'k' in {'k': 1} }}"
                    "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }}{% endfor %}"
                    "{{ bos_token }}{{ eos_token }}{{ enable_thinking }}{# a comment #}"
                    "{%- if messages[0]['role'] == 'system' %}{{ raise_exception('no system') if false }}{% endif %}",
        "raise": "{{ raise_exception('Conversation roles must alternate') }}",
        "filters": "{{ messages | map(attribute='role') | join(',') }}{{ messages | selectattr('role', 'equalto', "
                   "'user') | list | length }}{{ '  x  ' | trim }}{{ 'a\\nb' | replace('\\n', ' ') }}"
                   "{{ messages | first }}{{ messages | last }}{{ 3 | default(4) }}{{ x | default('d') }}",
        "hostile-recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "hostile-mutual-recursion": "{% macro a(n) %}{{ b(n) }}{% endmacro %}{% macro b(n) %}{{ a(n) }}"
                                    "{% endmacro %}{{ a(1) }}",
        "hostile-loop": "{% for i in range(1000000) %}{% for j in range(1000000) %}{{ i }}{% endfor %}{% endfor %}",
        "hostile-doubling": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                            "{% endfor %}{{ ns.s | length }}",
        "hostile-repeat": "{{ 'abcdefgh' * 999999999 }}",
        "hostile-deep-parens": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
        "hostile-deep-blocks": "{% if true %}" * 3000 + "x" + "{% endif %}" * 3000,
        "hostile-deep-lists": "{{ " + "[" * 5000 + "]" * 5000 + " }}",
        "hostile-unterminated": "{% for m in messages %}{{ m.content ",
        "hostile-nul": "{{ 'a\x00b' }}\x00{% if %}",
    }
    for name, text in own.items():
        write(out, name + ".jinja", text)


def tokenizer(out):
    texts = {
        "ascii": "Hello, world! The quick brown fox jumps over the lazy dog. 1234567890",
        "multilingual": "Grüße, 世界! Привет мир. مرحبا بالعالم 🙂🙂 नमस्ते  \t\n\r\n  spaces",
        "specials": "<|im_start|>user\nhi<|im_end|><s></s><unk><|endoftext|> <0x0A>",
        "code": "def f(x):\n    return x ** 2  # comment\n\n\tif (a && b) { c++; }\n",
        "bad-utf8": b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x90\x28\xbc\xed\xa0\x80 end\x00mid",
        "long-word": "a" * 600 + " " + "ab" * 300,
    }
    for name, text in texts.items():
        data = text if isinstance(text, bytes) else text.encode()
        for mode in (0, 1, 4, 5, 8, 9):  # encode: bpe/spm, parseSpecial, addSpecial
            write(out, f"encode-{name}-{mode}.bin", bytes([mode]) + data)
    ids = {
        "small": list(range(0, 300)),
        "bytes": list(range(3, 259)) + [3, 4, 5],
        "mixed": [1, 2, 0, 100, 1000, 5000, 70000, 0xFFFF, 0xFF01, 2, 2],
        "repeat": [250] * 200,
    }
    for name, seq in ids.items():
        data = b"".join(struct.pack("<H", i & 0xFFFF) for i in seq)
        for mode in (2, 3, 6, 7, 10, 11):  # decode: bpe/spm, withSpecial, stripLeadingSpace
            write(out, f"decode-{name}-{mode}.bin", bytes([mode]) + data)


def office_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in files:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buf.getvalue()


def formats(out):
    docs = DATA / "translation" / "documents"
    loc = DATA / "translation" / "localization"
    real = [("text", docs / "notes.txt"), ("text", docs / "windows.txt"), ("markdown", docs / "readme.md"),
            ("html", docs / "page.html"), ("srt", docs / "talk.srt"), ("vtt", docs / "talk.vtt"),
            ("json", docs / "i18next.json"), ("json", docs / "messages.json"), ("json", docs / "app_en.arb"),
            ("po", loc / "po" / "de.po"), ("po", loc / "po" / "hello.pot"), ("po", loc / "po" / "glib20-ar.po"),
            ("po", loc / "po" / "coreutils-ru.po"), ("ts", loc / "ts" / "hello_de.ts"),
            ("xliff", loc / "xliff" / "hello-1.2.xlf"), ("xliff", loc / "xliff" / "hello-2.0.xlf"),
            ("android", loc / "android" / "strings.xml"), ("odt", docs / "guide.odt")]
    for fmt, path in real:
        write(out, f"{fmt}-{path.name}", fmt.encode() + b"\n" + path.read_bytes())
    docx = office_zip([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                                '2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                                'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        ("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                              'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello </w:t></w:r><w:r><w:rPr><w:b/>'
                              '</w:rPr><w:t>bold</w:t></w:r><w:r><w:t xml:space="preserve"> world.</w:t></w:r></w:p>'
                              '<w:p><w:r><w:t>Second &amp; last.</w:t></w:r></w:p></w:body></w:document>'),
    ])
    write(out, "docx-small.docx", b"docx\n" + docx)
    own = {
        "po-plural.po": 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 2);\\n"\n\n'
                        '#. note\nmsgctxt "c"\nmsgid "One file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n'
                        '\n#~ msgid "old"\n#~ msgstr "alt"\n\nmsgid "a\\tb\\"c\\\\"\nmsgstr ""\n',
        "json-nested.json": '{"a": {"b": ["x", "y {{name}}"], "c": {"d": "deep \\u00fc \\ud83d\\ude00"}}, "n": 1, '
                            '"t": true, "z": null, "k_one": "one", "k_other": "other"}',
        "markdown-features.md": "# Title\n\nSome *em* and **strong** and `code` [link](http://x \"t\").\n\n"
                                "- item 1\n- item 2\n\n> quote\n\n```\ncode block\n```\n\n| a | b |\n|---|---|\n| c | d |\n",
        "html-features.html": "<!doctype html><html lang=en><head><title>T</title></head><body><p>Hi <b>there</b>"
                              "<img alt=\"pic\" src=x><input placeholder=\"type\"><script>var x='<p>';</script>"
                              "<!-- c --><pre>keep</pre></p></body></html>",
        "srt-odd.srt": "1\n00:00:01,000 --> 00:00:02,500\nLine one\n<i>two</i>\n\n2\n99:59:59,999 --> 99:59:59,999\n"
                       "x\n\n",
        "vtt-features.vtt": "WEBVTT\n\nNOTE a note\n\nid1\n00:01.000 --> 00:02.000 align:start\nHello <v Bob>Bob</v>\n\n",
        "ts-numerus.ts": '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="de">'
                         '<context><name>Main</name><message numerus="yes"><source>%n files</source>'
                         '<translation type="unfinished"><numerusform></numerusform></translation></message>'
                         '<message><source>&lt;b&gt;Save&lt;/b&gt;</source><comment>c</comment>'
                         '<translation type="obsolete">x</translation></message></context></TS>',
        "xliff-inline.xlf": '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
                            '<file source-language="en" target-language="de" datatype="plaintext" original="x">'
                            '<body><trans-unit id="1"><source>Click <g id="b">here</g> <x id="br"/>now</source>'
                            '</trans-unit><trans-unit id="2" translate="no"><source>keep</source></trans-unit>'
                            '</body></file></xliff>',
        "android-plurals.xml": '<?xml version="1.0" encoding="utf-8"?><resources><string name="a">A \\\'b\\\' %1$s'
                               '</string><plurals name="p"><item quantity="one">%d song</item><item quantity="other">'
                               '%d songs</item></plurals><string-array name="arr"><item>x</item></string-array>'
                               '<string name="n" translatable="false">no</string></resources>',
        "text-paragraphs.txt": "First paragraph\nstill first.\n\nSecond.\r\n\r\n\n\nThird \xc3\xa9.\n",
        "xliff-deep.xlf": "<xliff>" + "<a>" * 3000 + "</a>" * 3000 + "</xliff>",
        "json-deep.json": "[" * 5000 + "]" * 5000,
        "html-deep.html": "<div>" * 3000 + "x",
        "markdown-deep.md": "> " * 2000 + "x\n" + "- " * 1000 + "y\n",
    }
    for name, text in own.items():
        fmt = name.split("-", 1)[0]
        write(out, name, fmt + "\n" + text)


def server(out):
    chat = {
        "minimal": {"messages": [{"role": "user", "content": "Hi"}]},
        "full": {"model": "m", "messages": [{"role": "system", "content": "Be brief."},
                                            {"role": "developer", "content": "x"},
                                            {"role": "user", "content": [{"type": "text", "text": "a"},
                                                                         {"type": "text", "text": "b"}]},
                                            {"role": "assistant", "content": "ok"},
                                            {"role": "user", "content": "again"}],
                 "stream": True, "stream_options": {"include_usage": True}, "max_tokens": 16,
                 "max_completion_tokens": 8, "temperature": 0.2, "top_p": 0.9, "top_k": 20, "min_p": 0.1,
                 "seed": 42, "stop": ["\n", "END"], "frequency_penalty": 0.5, "presence_penalty": -0.5,
                 "repeat_penalty": 1.1, "user": "u", "store": False, "metadata": {}, "n": 1},
        "tools": {"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]},
        "bad-role": {"messages": [{"role": "wizard", "content": "x"}]},
        "bad-types": {"messages": "x", "temperature": "hot", "max_tokens": -5, "stop": [1, 2, 3, 4, 5]},
        "huge-numbers": {"messages": [{"role": "user", "content": "x"}], "max_tokens": 1e300,
                         "temperature": 1e308, "seed": -1, "top_k": 2 ** 64, "top_p": -0.0},
        "response-format": {"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_object"}},
        "empty-messages": {"messages": []},
    }
    for name, body in chat.items():
        write(out, f"chat-{name}.json", b"\x00" + json.dumps(body, ensure_ascii=False).encode())
    completion = {
        "minimal": {"prompt": "Once upon a time"},
        "array": {"prompt": ["a", "b"], "max_tokens": 4, "echo": True},
        "full": {"model": "m", "prompt": "x", "stream": True, "logprobs": 2, "suffix": "s", "best_of": 2},
    }
    for name, body in completion.items():
        write(out, f"completion-{name}.json", b"\x01" + json.dumps(body).encode())
    raw = {
        "chat-not-json": b"\x00{\"messages\": [",
        "chat-deep": b"\x00" + b"[" * 3000 + b"]" * 3000,
        "chat-bad-utf8": b"\x00{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\\ud800\"}]}",
        "chat-duplicate-keys": b"\x00{\"messages\":[],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "completion-nul": b"\x01{\"prompt\":\"a\\u0000b\"}\x00trailing",
    }
    for name, data in raw.items():
        write(out, name + ".json", data)


def import_corpus(out):
    def message(i, parent, role, content, **extra):
        m = {"id": i, "parent": parent, "activeChild": None, "role": role, "state": "complete",
             "content": content, "created": "2026-11-22T10:53:24.123Z"}
        m.update(extra)
        return m
    conv = {"title": "Trip", "created": "2026-11-22T10:53:24.123Z", "updated": "2026-11-22T10:55:00.000Z",
            "pinned": True, "archived": False, "folder": "f", "modelFile": "m.gguf", "settings": {"t": 0.7},
            "systemPrompt": "Be kind.", "sourceLanguage": "en", "targetLanguage": "de", "activeRoot": 1,
            "messages": [message(1, None, "user", "Hi", activeChild=3),
                         message(2, 1, "assistant", "Hello", thinking="hmm", model="m",
                                 stats={"ttftMs": 10, "tokensPerSecond": 20.5, "promptTokens": 3,
                                        "generatedTokens": 2, "device": "cpu"}),
                         message(3, 1, "assistant", "Hey", state="streaming"),
                         message(4, 3, "tool", "{}", state="error", error="failed")]}
    doc = {"format": "lantern-conversations", "version": 1, "exported": "2026-11-22T10:53:24.123Z",
           "conversations": [conv, {"title": "", "created": "2026-01-01T00:00:00.000Z",
                                    "updated": "2026-01-01T00:00:00.000Z", "messages": []}]}
    write(out, "valid-two.json", json.dumps(doc, ensure_ascii=False))
    minimal = {"format": "lantern-conversations", "version": 1, "conversations": []}
    write(out, "valid-empty.json", json.dumps(minimal))
    bad = [
        ("bad-version", dict(doc, version=2)),
        ("bad-format", dict(doc, format="other")),
        ("bad-cycle", dict(doc, conversations=[dict(conv, messages=[message(1, 2, "user", "a"),
                                                                    message(2, 1, "user", "b")])])),
        ("bad-duplicate-id", dict(doc, conversations=[dict(conv, messages=[message(1, None, "user", "a"),
                                                                           message(1, None, "user", "b")])])),
        ("bad-active-elsewhere", dict(doc, conversations=[dict(conv, activeRoot=99)])),
        ("bad-types", {"format": "lantern-conversations", "version": "1", "conversations": {}}),
    ]
    for name, d in bad:
        write(out, name + ".json", json.dumps(d))
    write(out, "bad-deep.json", "[" * 5000 + "]" * 5000)
    write(out, "bad-truncated.json", json.dumps(doc)[:200])


def main():
    base = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fuzz"
    templates(base / "corpus-template")
    tokenizer(base / "corpus-tokenizer")
    formats(base / "corpus-formats")
    server(base / "corpus-server")
    import_corpus(base / "corpus-import")


if __name__ == "__main__":
    main()
