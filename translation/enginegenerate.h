#pragma once
// The translator's GenerateFn over an engine session (header only: the translation layer links no engine;
// whoever includes this links lantern_inference). The session keeps its KV cache across segments, so a
// profile's fixed instruction prefix is computed once per job.
#include <atomic>
#include <chrono>

#include "inference/engine.h"
#include "translation/translator.h"

namespace lantern::translation {

inline GenerateFn generateWith(Session& session, const std::atomic<bool>& cancel) {
    return [&session, &cancel](const Prompt& prompt,
                               const std::function<void(std::string_view)>& onText) -> Result<GenerateOutcome> {
        GenerateOutcome outcome;
        const auto started = std::chrono::steady_clock::now();
        Result<GenerateStats> stats = session.generate(
            prompt.messages, prompt.options,
            [&](std::string_view piece) {
                outcome.text.append(piece);
                if (onText)
                    onText(piece);
            },
            cancel);
        if (!stats)
            return std::unexpected(stats.error());
        outcome.cancelled = stats->stopReason == "cancelled";
        outcome.promptTokens = stats->promptTokens;
        outcome.generatedTokens = stats->generatedTokens;
        outcome.milliseconds =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return outcome;
    };
}

}  // namespace lantern::translation
