#pragma once
// Runs a parsed chat template. Sandboxed by construction: the language has no I/O, and every run is
// bounded in steps, output size and call depth, so a hostile template in a downloaded GGUF can only
// fail with Errc::TemplateError, never hang or exhaust memory.
#include <cstdint>
#include <string>

#include "base/error.h"
#include "inference/text/templateparser.h"
#include "inference/text/templatevalue.h"

namespace lantern::text::tmpl {

struct Limits {
    uint64_t maxSteps = 2'000'000;   // expression evaluations and statements
    size_t maxOutput = 8u << 20;     // bytes of rendered text
    int maxDepth = 64;               // nested macro calls
};

Result<std::string> render(const Body& tree, const ValueDict& variables, const Limits& limits = {});

}  // namespace lantern::text::tmpl
