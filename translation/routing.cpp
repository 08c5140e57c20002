#include "translation/routing.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "base/strformat.h"

namespace lantern::translation {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return char(c == '_' ? '-' : std::tolower(c)); });
    return out;
}

// "zh" matches "zh", "zh-hant", "zh-tw"; "zh-hant" matches only itself; "*" matches everything.
bool matches(std::string_view rule, std::string_view language) {
    if (rule == "*")
        return true;
    const std::string r = lower(rule), l = lower(language);
    return l == r || (l.starts_with(r) && l.size() > r.size() && l[r.size()] == '-');
}

}  // namespace

std::optional<std::string> routeFor(const std::vector<Route>& routes, std::string_view from, std::string_view to) {
    for (const Route& r : routes)
        if (matches(r.from, from) && matches(r.to, to))
            return r.model;
    return std::nullopt;
}

Result<std::vector<Route>> parseRoutes(std::string_view text) {
    std::vector<Route> out;
    std::istringstream in{std::string(text)};
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const size_t hash = line.find('#');
        if (hash != std::string::npos && (hash == 0 || std::isspace(static_cast<unsigned char>(line[hash - 1]))))
            line.resize(hash);
        std::istringstream fields(line);
        Route r;
        if (!(fields >> r.from))
            continue;  // blank or comment
        if (!(fields >> r.to))
            return fail(Errc::InvalidArgument,
                        format("line {} of the model routing table has no target language: \"{}\"", number, line));
        std::getline(fields >> std::ws, r.model);
        while (!r.model.empty() && std::isspace(static_cast<unsigned char>(r.model.back())))
            r.model.pop_back();
        if (r.model.empty())
            return fail(Errc::InvalidArgument,
                        format("line {} of the model routing table names no model file: \"{}\"", number, line));
        out.push_back(std::move(r));
    }
    return out;
}

std::string printRoutes(const std::vector<Route>& routes) {
    std::string out;
    for (const Route& r : routes)
        out += r.from + " " + r.to + " " + r.model + "\n";
    return out;
}

}  // namespace lantern::translation
