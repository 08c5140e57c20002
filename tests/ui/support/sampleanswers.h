#pragma once
// Sample answers for the scripted test double (scriptedmodel.h): markdown with a C++ block, a reasoning
// section, a plain list. Shared by the UI tests and the screenshot tool so both show the same states.
#include <algorithm>
#include <string>
#include <vector>

namespace lantern::test {

// Pieces of about `piece` bytes, never splitting a UTF-8 sequence (the engine's contract for onText).
inline std::vector<std::string> chop(const char* text, size_t piece = 6) {
    std::vector<std::string> out;
    const std::string s(text);
    size_t i = 0;
    while (i < s.size()) {
        size_t end = std::min(s.size(), i + piece);
        while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
            ++end;
        out.push_back(s.substr(i, end - i));
        i = end;
    }
    return out;
}

inline constexpr const char* kHashMapAnswer =
    "A **hash map** stores key–value pairs in an array of *buckets*. A hash function turns each key into a "
    "bucket index, so a lookup jumps straight to the right place instead of searching the whole table.\n\n"
    "- **Insert / find / erase:** O(1) on average\n"
    "- **Worst case:** O(n), when many keys land in the same bucket\n"
    "- **Load factor:** when the table gets too full, it grows and rehashes\n\n"
    "In C++ the standard one is `std::unordered_map`:\n\n"
    "```cpp\n#include <iostream>\n#include <string>\n#include <unordered_map>\n\n"
    "int main() {\n    std::unordered_map<std::string, int> ages{{\"Ada\", 36}, {\"Alan\", 41}};\n"
    "    ages[\"Grace\"] = 85;  // insert\n\n    if (auto it = ages.find(\"Ada\"); it != ages.end())\n"
    "        std::cout << it->first << \" is \" << it->second << \"\\n\";\n}\n```\n\n"
    "Use `std::map` instead when you need the keys in sorted order.";

inline constexpr const char* kThinkAnswer =
    "<think>\nThe user asks for 17 × 24. 17 × 24 = 17 × 20 + 17 × 4 = 340 + 68 = 408.\n</think>\n\n"
    "17 × 24 = **408**.\n\nA quick way: 17 × 20 = 340, plus 17 × 4 = 68, and 340 + 68 = 408.";

inline constexpr const char* kStreamAnswer =
    "Here are three ideas for a weekend project:\n\n1. **Build a weather station** with a Raspberry Pi and a "
    "BME280 sensor, and plot the readings in a small web page.\n2. **Write a command-line todo app** in a "
    "language you want to learn; keep the data in a plain JSON file.\n3. **Restore an old bike**: new chain, "
    "brake pads and tyres make a big difference for little money.\n\nEach fits in two days and teaches "
    "something you can reuse.";

}  // namespace lantern::test
