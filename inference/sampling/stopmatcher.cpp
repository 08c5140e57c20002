#include "inference/sampling/stopmatcher.h"

#include <algorithm>

namespace lantern::sampling {

StopMatcher::StopMatcher(std::vector<std::string> stops) {
    for (std::string& s : stops) {
        if (!s.empty()) {
            m_stops.push_back(std::move(s));
        }
    }
}

StopMatcher::Step StopMatcher::feed(std::string_view piece) {
    Step step;
    if (m_stopped) {
        step.stopped = true;
        return step;
    }
    m_pending.append(piece);

    // The earliest complete stop string wins (ties: the longest).
    size_t first = std::string::npos;
    const std::string* hit = nullptr;
    for (const std::string& s : m_stops) {
        const size_t at = m_pending.find(s);
        if (at != std::string::npos && (at < first || (at == first && s.size() > hit->size()))) {
            first = at;
            hit = &s;
        }
    }
    if (hit) {
        step.text = m_pending.substr(0, first);
        step.stopped = true;
        step.stop = *hit;
        m_stopped = true;
        m_pending.clear();
        return step;
    }

    // Hold back the longest tail that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const std::string& s : m_stops) {
        const size_t maxLen = std::min(s.size() - 1, m_pending.size());
        for (size_t len = maxLen; len > hold; --len) {
            if (std::string_view(m_pending).substr(m_pending.size() - len) == std::string_view(s).substr(0, len)) {
                hold = len;
                break;
            }
        }
    }
    step.text = m_pending.substr(0, m_pending.size() - hold);
    m_pending.erase(0, m_pending.size() - hold);
    return step;
}

std::string StopMatcher::flush() {
    std::string rest = m_stopped ? std::string() : std::move(m_pending);
    m_pending.clear();
    return rest;
}

}  // namespace lantern::sampling
