#pragma once
// Streaming token -> text for generation: feed ids one at a time and get back only whole UTF-8
// characters. A character split over several tokens (byte-fallback <0xE2><0x96><0x81>, or a
// byte-level BPE token holding half of an emoji) is held back until its last byte arrives, so the UI
// never shows a broken character. Control tokens (<end_of_turn>, <|im_end|>) produce no text.
#include <cstdint>
#include <string>

#include "inference/text/tokenizer.h"

namespace lantern::text {

class Detokenizer {
public:
    // stripLeadingSpace removes the space an SPM vocabulary with add_space_prefix puts before the
    // first word (wanted when decoding a whole text, not when continuing a prompt).
    explicit Detokenizer(const Tokenizer& tokenizer, bool stripLeadingSpace = false);

    // The text that became complete with this token (possibly empty).
    std::string feed(int32_t id);
    // At the end: whatever is still held back, with unfinished sequences replaced by U+FFFD.
    std::string flush();
    void reset();

    // Replaces every malformed or unfinished UTF-8 sequence by U+FFFD.
    static std::string sanitize(std::string_view bytes);

private:
    const Tokenizer* m_tokenizer;
    bool m_stripLeadingSpace;
    bool m_atStart = true;
    std::string m_pending;
};

}  // namespace lantern::text
