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

// The text of a JSON string without its quotes, escaped as Python's json.dumps(ensure_ascii=False) does:
// quote, backslash and the control characters (\n \r \t \b \f short, the others \u00XX); UTF-8 as it is.
inline std::string jsonEscaped(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += kHex[(c >> 4) & 0xF];
                out += kHex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    return out;
}

}  // namespace lantern
