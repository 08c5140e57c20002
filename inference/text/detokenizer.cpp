#include "inference/text/detokenizer.h"

#include "inference/text/utf8.h"

namespace lantern::text {

Detokenizer::Detokenizer(const Tokenizer& tokenizer, bool stripLeadingSpace)
    : m_tokenizer(&tokenizer), m_stripLeadingSpace(stripLeadingSpace) {}

void Detokenizer::reset() {
    m_pending.clear();
    m_atStart = true;
}

std::string Detokenizer::feed(int32_t id) {
    std::string piece = m_tokenizer->tokenPiece(id);
    if (piece.empty()) {
        return {};
    }
    if (m_atStart) {
        m_atStart = false;
        if (m_stripLeadingSpace && m_tokenizer->vocab().addSpacePrefix && piece.front() == ' ') {
            piece.erase(0, 1);
        }
    }
    m_pending += piece;
    const size_t complete = utf8CompletePrefix(m_pending);
    std::string out = sanitize(std::string_view(m_pending).substr(0, complete));
    m_pending.erase(0, complete);
    return out;
}

std::string Detokenizer::flush() {
    std::string out = sanitize(m_pending);
    m_pending.clear();
    return out;
}

std::string Detokenizer::sanitize(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (size_t pos = 0; pos < bytes.size();) {
        const size_t start = pos;
        const uint32_t cp = utf8Decode(bytes, pos);
        const bool overlong = (pos - start == 2 && cp < 0x80) || (pos - start == 3 && cp < 0x800) ||
                              (pos - start == 4 && cp < 0x10000);
        const bool invalid = (cp == 0xFFFD && pos - start == 1) || overlong || cp > 0x10FFFF ||
                             (cp >= 0xD800 && cp <= 0xDFFF);
        if (invalid) {
            out += "\xEF\xBF\xBD";
        } else {
            out.append(bytes.substr(start, pos - start));
        }
    }
    return out;
}

}  // namespace lantern::text
