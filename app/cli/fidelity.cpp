// lantern-cli fidelity -m FILE --teacher TEACHER.bin [--json]: teacher-forced agreement with a reference
// engine over the text in TEACHER.bin (written by scripts/golden/llamacpp_teacher.py from llama.cpp): at
// every position, does our most likely next token match the reference's, and how far apart are the
// next-token distributions (mean KL(reference || ours))? scripts/compare runs it against llama.cpp's CPU
// and Vulkan backends on the same file.
#include <cstdio>
#include <string>

#include "app/cli/command.h"
#include "app/cli/loadmodel.h"
#include "inference/models/teacher.h"

namespace lantern::cli {
namespace {

const char* kUsage = "usage: lantern-cli fidelity -m FILE --teacher TEACHER.bin [--device NAME] [--json]\n";

int fidelity(std::span<char*> args) {
    std::string teacherPath;
    std::vector<char*> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        if (std::string(args[i]) == "--teacher" && i + 1 < args.size()) {
            teacherPath = args[++i];
        } else {
            rest.push_back(args[i]);
        }
    }
    auto parsed = parseOptions(rest, kUsage);
    if (!parsed || parsed->model.empty() || teacherPath.empty()) {
        if (parsed) {
            std::fputs(kUsage, stderr);
        }
        return 2;
    }
    auto teacher = models::readTeacher(teacherPath);
    if (!teacher) {
        std::fprintf(stderr, "lantern-cli: %s\n", teacher.error().detail.c_str());
        return 1;
    }
    auto loaded = loadModel(*parsed, uint32_t(teacher->tokens.size()) + 8);
    if (!loaded) {
        return 1;
    }
    if (loaded->model->config().nVocab != teacher->nVocab) {
        std::fprintf(stderr, "lantern-cli: the teacher file is for a vocabulary of %u tokens, the model has %u\n",
                     teacher->nVocab, loaded->model->config().nVocab);
        return 1;
    }
    auto kv = loaded->model->newKvCache(uint32_t(teacher->tokens.size()) + 8);
    if (!kv) {
        std::fprintf(stderr, "lantern-cli: %s\n", kv.error().detail.c_str());
        return 1;
    }
    const size_t n = teacher->tokens.size() - 1;
    std::vector<float> logits(n * teacher->nVocab);
    if (auto r = loaded->model->forwardAll(*kv, std::span(teacher->tokens).first(n), 0, logits); !r) {
        std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
        return 1;
    }
    const models::Agreement a = models::compareWithTeacher(*teacher, logits);
    if (parsed->json) {
        std::printf("{\"positions\": %zu, \"top1\": %.5f, \"mean_kl\": %.6f, \"max_kl\": %.5f}\n", a.positions, a.top1,
                    a.meanKl, a.maxKl);
    } else {
        std::printf("%zu positions: top-1 agreement %.2f%% (%zu/%zu), mean KL %.5f, max KL %.4f at position %zu\n",
                    a.positions, 100.0 * a.top1, a.agree, a.positions, a.meanKl, a.maxKl, a.maxKlAt);
    }
    return 0;
}

const Registrar kFidelity{{"fidelity", "teacher-forced top-1 agreement and KL against a reference engine's file",
                           fidelity}};

}  // namespace
}  // namespace lantern::cli
