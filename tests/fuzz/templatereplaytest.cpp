// The chat-template interpreter (parser and renderer) against its corpus (tests/fuzz/corpus-template, written
// by scripts/golden/fuzz_inputs.py) and 1500 deterministic mutants of each seed (replay.h), in every build,
// label fuzz. The libFuzzer run of the same entry point is fuzz_template_libfuzzer (-DLANTERN_FUZZ=ON).
#include "tests/fuzz/entries.h"
#include "tests/fuzz/replay.h"

int main() {
    return lantern::fuzz::replay("template", "corpus-template", lantern::fuzz::runTemplate, 500,
                                 {"{{",
                                  "}}",
                                  "{%",
                                  "%}",
                                  "{%- for m in messages %}",
                                  "{% endfor %}",
                                  "{% if x %}",
                                  "{% endif %}",
                                  "{% macro f(a) %}{{ f(a) }}{% endmacro %}",
                                  "{{ f(1) }}",
                                  "(",
                                  ")",
                                  "[",
                                  "]",
                                  "messages[0][\"content\"]",
                                  "|join",
                                  "|tojson",
                                  "~",
                                  " * 999999",
                                  "range(100000)",
                                  "{% set ns = namespace(x=1) %}",
                                  "loop.index",
                                  "\"\\\\u0000\"",
                                  "{#",
                                  "#}",
                                  "-",
                                  "raise_exception(\"x\")"});
}
