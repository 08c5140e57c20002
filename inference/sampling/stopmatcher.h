#pragma once
// Finds stop strings in generated text that arrives in pieces. A stop string may straddle tokens
// ("<|end" + "|>"), so the tail that could still become a stop string is held back until the next
// piece decides it; nothing of a stop string, nor anything after it, is ever emitted.
#include <string>
#include <string_view>
#include <vector>

namespace lantern::sampling {

class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops);

    struct Step {
        std::string text;      // safe to show now
        bool stopped = false;  // a stop string was found; text ends right before it
        std::string stop;      // which one
    };

    // Adds a piece of generated text. After a stop, further pieces give nothing.
    Step feed(std::string_view piece);
    // The held-back tail at the end of generation (when no stop string completed).
    std::string flush();

    bool stopped() const { return m_stopped; }

private:
    std::vector<std::string> m_stops;
    std::string m_pending;  // received but not yet emitted
    bool m_stopped = false;
};

}  // namespace lantern::sampling
