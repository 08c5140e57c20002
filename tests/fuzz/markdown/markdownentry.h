#pragma once
// The Markdown formatter's fuzzing entry point (ui/chat/messageformatter): arbitrary bytes, read as UTF-8
// the way an answer arrives (invalid sequences replaced), go through MessageFormatter::segments and
// withoutThinking, whole and cut at several points as a streaming answer is (half-written fences, images,
// tags, <think>). It traps when an invariant breaks:
//   - no rich text holds an image that is not the app's own (qrc:), as Qt's HTML reader (the one QML's Text
//     uses) finds them, so showing any answer never fetches anything;
//   - every segment is one of text/code/think with its fields, a code segment's code comes from the input;
//   - at most one think segment, first; only the last code segment may be open (still streaming).
// Returns whether the input gave at least one segment. Uses Qt (QTextDocument), unlike entries.h.
#include <cstddef>
#include <cstdint>

namespace lantern::fuzz {

bool runMarkdown(const uint8_t* data, size_t size);

}  // namespace lantern::fuzz
