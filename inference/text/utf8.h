#pragma once
// Small UTF-8 helpers shared by the tokenizers, the detokenizer and the stop matcher.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lantern::text {

// Bytes of the sequence a lead byte starts (1 for ASCII and for a stray continuation byte).
inline size_t utf8SequenceLength(uint8_t lead) {
    static constexpr uint8_t kLengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengths[lead >> 4];
}

// Decodes the code point at pos and advances pos past it; malformed input gives U+FFFD and
// advances by one byte.
inline uint32_t utf8Decode(std::string_view s, size_t& pos) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
    const uint8_t lead = byte(pos);
    const size_t len = utf8SequenceLength(lead);
    if (len == 1 || pos + len > s.size()) {
        ++pos;
        return lead < 0x80 ? lead : 0xFFFD;
    }
    uint32_t cp = lead & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    }
    pos += len;
    return cp;
}

// Length of the longest prefix of s that does not end inside an unfinished UTF-8 sequence: the
// bytes after it may still be completed by bytes that come later.
inline size_t utf8CompletePrefix(std::string_view s) {
    // Only the last 3 bytes can belong to an unfinished sequence.
    const size_t n = s.size();
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const uint8_t b = static_cast<uint8_t>(s[n - back]);
        if ((b & 0xC0) == 0x80) {
            continue;  // continuation byte: look further back for its lead
        }
        if (b >= 0xC0 && utf8SequenceLength(b) > back) {
            return n - back;  // the lead of a sequence that still misses bytes
        }
        return n;
    }
    return n;
}

}  // namespace lantern::text
