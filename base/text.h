#pragma once
// Small ASCII text helpers every layer needs (case folding of keywords, trimming). Not for user text in
// general: Unicode case and white space go through ICU where it matters.
#include <string>
#include <string_view>

namespace lantern {

inline std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

// s without the leading and trailing characters in `chars` (ASCII white space by default).
inline std::string trimmed(std::string_view s, std::string_view chars = " \t\r\n\f\v") {
    const size_t b = s.find_first_not_of(chars);
    if (b == std::string_view::npos)
        return {};
    return std::string(s.substr(b, s.find_last_not_of(chars) - b + 1));
}

}  // namespace lantern
