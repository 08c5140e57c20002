#pragma once
// Golden data written by scripts/golden/llamacpp_logits.py and synthetic_models.py (llama.cpp's view of a
// model): prompt ids, the last prompt position's logits, llama.cpp's greedy continuation and how decisive
// each greedy step was (top-1 minus top-2 logit).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <QtGlobal>

namespace lantern::test {

struct Golden {
    std::vector<int32_t> prompt;
    std::vector<float> logits;
    std::vector<int32_t> greedy;
    std::vector<float> margins;
};

inline Golden readGolden(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    uint32_t head[4] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (!in || head[0] != 0x444C474Cu) {
        qFatal("cannot read golden file %s", path.string().c_str());
    }
    Golden g;
    g.prompt.resize(head[1]);
    g.logits.resize(head[2]);
    g.greedy.resize(head[3]);
    g.margins.resize(head[3]);
    in.read(reinterpret_cast<char*>(g.prompt.data()), std::streamsize(g.prompt.size() * 4));
    in.read(reinterpret_cast<char*>(g.logits.data()), std::streamsize(g.logits.size() * 4));
    in.read(reinterpret_cast<char*>(g.greedy.data()), std::streamsize(g.greedy.size() * 4));
    in.read(reinterpret_cast<char*>(g.margins.data()), std::streamsize(g.margins.size() * 4));
    if (!in) {
        qFatal("golden file %s is truncated", path.string().c_str());
    }
    return g;
}

}  // namespace lantern::test
