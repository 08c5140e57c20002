// Every translation file reader (and its writer, on what it read) against its corpus
// (tests/fuzz/corpus-formats, written by scripts/golden/fuzz_inputs.py) and 300 deterministic mutants of each
// seed (replay.h), in every build, label fuzz. The libFuzzer run of the same entry point is
// fuzz_formats_libfuzzer (-DLANTERN_FUZZ=ON).
#include "tests/fuzz/entries.h"
#include "tests/fuzz/replay.h"

int main() {
    return lantern::fuzz::replay("formats", "corpus-formats", lantern::fuzz::runTranslationFormat, 120,
                                 {"<",
                                  ">",
                                  "</",
                                  "\"",
                                  "&amp;",
                                  "&#x",
                                  "<![CDATA[",
                                  "]]>",
                                  "<!--",
                                  "-->",
                                  "msgid \"",
                                  "msgstr[0] \"",
                                  "\\\\",
                                  "\\n",
                                  "{",
                                  "}",
                                  "[",
                                  "]",
                                  ":",
                                  ",",
                                  "\n\n",
                                  "00:00:01,000 --> 00:00:02,000\n",
                                  "<source>",
                                  "<target>",
                                  "<trans-unit id=\"a\">",
                                  "<message>",
                                  "<string name=\"a\">",
                                  "**",
                                  "`",
                                  "```",
                                  "> ",
                                  "- ",
                                  "<w:t>",
                                  "<text:p>",
                                  "%s",
                                  "{{x}}",
                                  "PK\x03\x04"});
}
