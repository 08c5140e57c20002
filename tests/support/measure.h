#pragma once
// Measures the tests compare with, and names for messages.
#include <QString>
#include <span>

#include "inference/gguf/types.h"

namespace lantern::test {

// Normalised mean squared error: sum (a-b)^2 / sum b^2 (b is the reference; plain sum when b is all 0).
inline double nmse(std::span<const float> got, std::span<const float> want) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < want.size(); ++i) {
        const double d = double(got[i]) - double(want[i]);
        num += d * d;
        den += double(want[i]) * double(want[i]);
    }
    return den > 0.0 ? num / den : num;
}

// "q4_K", "f16", ... as llama.cpp prints them.
inline QString typeName(gguf::GgmlType t) {
    const auto traits = gguf::typeTraits(t);
    return traits ? QString::fromLatin1(traits->name.data(), qsizetype(traits->name.size())) : QStringLiteral("?");
}

}  // namespace lantern::test
