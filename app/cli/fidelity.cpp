// lantern-cli fidelity -m FILE [--teacher TEACHER.bin] [--greedy GREEDY.bin] [--json]: agreement with a reference
// engine. scripts/compare runs it against llama.cpp's CPU and Vulkan backends.
// - --teacher: teacher-forced over the text in TEACHER.bin (scripts/golden/llamacpp_teacher.py): at every
//   position, does our most likely next token match the reference's, and how far apart are the next-token
//   distributions (mean KL(reference || ours))?
// - --greedy: the reference's greedy answers in GREEDY.bin (scripts/golden/llamacpp_greedy.py): on how many
//   prompts is our greedy answer the reference's, token for token?
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "app/cli/command.h"
#include "app/cli/loadmodel.h"
#include "base/strformat.h"
#include "inference/models/densemodel.h"
#include "inference/models/teacher.h"

namespace lantern::cli {
namespace {

const char* kUsage =
    "usage: lantern-cli fidelity -m FILE [--teacher TEACHER.bin] [--greedy GREEDY.bin] [--device NAME] [--json]\n";

int fidelity(std::span<char*> args) {
    std::string teacherPath, greedyPath;
    std::vector<char*> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        if (std::string(args[i]) == "--teacher" && i + 1 < args.size()) {
            teacherPath = args[++i];
        } else if (std::string(args[i]) == "--greedy" && i + 1 < args.size()) {
            greedyPath = args[++i];
        } else {
            rest.push_back(args[i]);
        }
    }
    auto parsed = parseOptions(rest, kUsage);
    if (!parsed || parsed->model.empty() || (teacherPath.empty() && greedyPath.empty())) {
        if (parsed) {
            std::fputs(kUsage, stderr);
        }
        return 2;
    }
    std::optional<models::Teacher> teacher;
    if (!teacherPath.empty()) {
        auto read = models::readTeacher(teacherPath);
        if (!read) {
            std::fprintf(stderr, "lantern-cli: %s\n", read.error().detail.c_str());
            return 1;
        }
        teacher = std::move(*read);
    }
    std::vector<models::GreedyCase> greedy;
    size_t greedyContext = 0;
    if (!greedyPath.empty()) {
        auto read = models::readGreedy(greedyPath);
        if (!read) {
            std::fprintf(stderr, "lantern-cli: %s\n", read.error().detail.c_str());
            return 1;
        }
        greedy = std::move(*read);
        for (const models::GreedyCase& c : greedy) {
            greedyContext = std::max(greedyContext, c.prompt.size() + c.greedy.size());
        }
    }
    const size_t context = std::max(teacher ? teacher->tokens.size() : 0, greedyContext) + 8;
    auto loaded = loadModel(*parsed, uint32_t(context));
    if (!loaded) {
        return 1;
    }
    models::DenseModel& model = *loaded->model;
    std::string json;
    if (teacher) {
        if (model.config().nVocab != teacher->nVocab) {
            std::fprintf(stderr, "lantern-cli: the teacher file is for a vocabulary of %u tokens, the model has %u\n",
                         teacher->nVocab, model.config().nVocab);
            return 1;
        }
        auto kv = model.newKvCache(uint32_t(teacher->tokens.size()) + 8);
        if (!kv) {
            std::fprintf(stderr, "lantern-cli: %s\n", kv.error().detail.c_str());
            return 1;
        }
        const size_t n = teacher->tokens.size() - 1;
        std::vector<float> logits(n * teacher->nVocab);
        if (auto r = model.forwardAll(*kv, std::span(teacher->tokens).first(n), 0, logits); !r) {
            std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
            return 1;
        }
        const models::Agreement a = models::compareWithTeacher(*teacher, logits);
        char buf[160];
        std::snprintf(buf, sizeof buf, "\"positions\": %zu, \"top1\": %.5f, \"mean_kl\": %.6f, \"max_kl\": %.5f",
                      a.positions, a.top1, a.meanKl, a.maxKl);
        json += buf;
        if (!parsed->json) {
            std::printf("%zu positions: top-1 agreement %.2f%% (%zu/%zu), mean KL %.5f, max KL %.4f at position %zu\n",
                        a.positions, 100.0 * a.top1, a.agree, a.positions, a.meanKl, a.maxKl, a.maxKlAt);
        }
    }
    if (!greedy.empty()) {
        auto g = models::compareGreedy(model, greedy);
        if (!g) {
            std::fprintf(stderr, "lantern-cli: %s\n", g.error().detail.c_str());
            return 1;
        }
        json += lantern::format("{}\"greedy_identical\": {}, \"greedy_prompts\": {}", json.empty() ? "" : ", ",
                                g->identical, greedy.size());
        if (!parsed->json) {
            std::printf("greedy: %zu of %zu prompts identical for all %zu tokens", g->identical, greedy.size(),
                        greedy[0].greedy.size());
            const char* sep = " (others: ";
            for (size_t i = 0; i < greedy.size(); ++i) {
                if (g->same[i] < greedy[i].greedy.size()) {
                    std::printf("%sprompt %zu forks after %zu tokens at a reference margin of %.3f", sep, i, g->same[i],
                                double(greedy[i].margins[g->same[i]]));
                    sep = "; ";
                }
            }
            std::printf("%s\n", g->identical < greedy.size() ? ")" : "");
        }
    }
    if (parsed->json) {
        std::printf("{%s}\n", json.c_str());
    }
    return 0;
}

const Registrar kFidelity{{"fidelity", "top-1 agreement, KL and greedy answers against a reference engine's files",
                           fidelity}};

}  // namespace
}  // namespace lantern::cli
