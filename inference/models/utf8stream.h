#pragma once
// Turns a stream of token byte pieces into text that never ends inside a UTF-8 sequence: the bytes of
// an incomplete character are held until the rest arrives (a byte-fallback emoji comes in 4 tokens).
#include <string>
#include <string_view>

namespace lantern::models {

class Utf8Stream {
public:
    // Appends bytes; returns the longest prefix of what is pending that ends on a character boundary.
    std::string push(std::string_view bytes) {
        m_pending.append(bytes);
        const size_t cut = completePrefix(m_pending);
        std::string out = m_pending.substr(0, cut);
        m_pending.erase(0, cut);
        return out;
    }
    // What is left at the end (an invalid tail is replaced by U+FFFD rather than dropped silently).
    std::string flush() {
        std::string out = m_pending.empty() ? std::string() : std::string("\xEF\xBF\xBD");
        m_pending.clear();
        return out;
    }

    // Length of the prefix of s that does not end inside a multi-byte sequence.
    static size_t completePrefix(std::string_view s) {
        size_t i = s.size();
        // Look back at most 3 bytes for the lead byte of the last sequence.
        for (size_t back = 1; back <= 4 && back <= s.size(); ++back) {
            const auto c = static_cast<unsigned char>(s[s.size() - back]);
            if ((c & 0xC0) == 0x80) {
                continue;  // continuation byte
            }
            const size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
            i = back >= need ? s.size() : s.size() - back;
            break;
        }
        return i;
    }

private:
    std::string m_pending;
};

}  // namespace lantern::models
