#pragma once
// Plural rules: how many forms a plural message needs in a language, which form a number takes, and an
// example number for each form (the prompt asks the model for "the form used for n = 3").
//   gettext  (.po):  the Plural-Forms header, or the language's conventional rule (gettext manual, CLDR)
//   Qt       (.ts):  the numerus forms lrelease expects for the language
//   CLDR     (Android <plurals>, ICU MessageFormat): the categories zero/one/two/few/many/other
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace lantern::translation::plurals {

struct Rule {
    size_t forms = 2;                // nplurals
    std::string expression = "n != 1";  // a C expression over n, as in a PO header's plural=
    std::vector<uint64_t> examples;  // per form, the smallest n that selects it (0..1000), for prompts
};

// The conventional gettext rule for a language ("de", "pt_BR", "pt-BR", "zh-Hans"); languages without
// a rule in the table get the English one (2 forms, n != 1).
Rule gettextRule(std::string_view language);

// A Plural-Forms header value: "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);".
// FormatInvalid says what is wrong (unparseable expression, a form index outside nplurals, ...).
Result<Rule> parsePluralForms(std::string_view header);

// The form index `expression` gives for n (C semantics: ?:, ||, &&, ==, !=, <, <=, >, >=, +, -, *, /, %, !,
// parentheses, integer literals). FormatInvalid on a syntax error.
Result<size_t> evaluate(std::string_view expression, uint64_t n);

// The numerus forms Qt Linguist's lrelease expects for a language, with an example n per form.
Rule qtNumerusRule(std::string_view language);

// CLDR cardinal categories of a language in CLDR order, each with an example n ("one" -> 1, "few" -> 3).
std::vector<std::pair<std::string, uint64_t>> cldrCategories(std::string_view language);

}  // namespace lantern::translation::plurals
