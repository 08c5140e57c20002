#pragma once
// Which model translates which language pair: a user may keep one model for zh<->en and another for
// the long tail. Rules are tried in order; the first that matches wins. "*" matches any language, and a
// rule for a base language matches its variants ("zh" matches "zh-Hant"). Stored in the settings as text,
// one rule per line: "FROM TARGET MODEL-FILE" ("zh en /models/Hunyuan-MT-7B.Q4_K_M.gguf", "* * default").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::translation {

struct Route {
    std::string from = "*";  // BCP 47 source language, or "*"
    std::string to = "*";    // target language, or "*"
    std::string model;       // a model file; "default" = whatever model is loaded
};

// The model for a pair, or nullopt when no rule matches (then: the loaded model).
std::optional<std::string> routeFor(const std::vector<Route>& routes, std::string_view from, std::string_view to);

// Both directions of "a <-> b" are two rules; parse and print the settings text. Parse errors name the line.
Result<std::vector<Route>> parseRoutes(std::string_view text);
std::string printRoutes(const std::vector<Route>& routes);

}  // namespace lantern::translation
