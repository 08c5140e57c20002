#pragma once
// format("{} of {}", a, b): the subset of std::format that messages need (plain {} placeholders).
// g++ 12 ships no <format>; this keeps error messages readable until the toolchain has it.
#include <sstream>
#include <string>
#include <string_view>

namespace lantern {

namespace detail {
inline void formatInto(std::ostringstream& out, std::string_view fmt) { out << fmt; }

template <class T, class... Rest>
void formatInto(std::ostringstream& out, std::string_view fmt, const T& value, const Rest&... rest) {
    const size_t at = fmt.find("{}");
    if (at == std::string_view::npos) {
        out << fmt;
        return;
    }
    out << fmt.substr(0, at);
    if constexpr (std::is_same_v<T, bool>) {
        out << (value ? "true" : "false");
    } else if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>) {
        out << int(value);
    } else {
        out << value;
    }
    formatInto(out, fmt.substr(at + 2), rest...);
}
}  // namespace detail

template <class... Args>
std::string format(std::string_view fmt, const Args&... args) {
    std::ostringstream out;
    detail::formatInto(out, fmt, args...);
    return out.str();
}

}  // namespace lantern
