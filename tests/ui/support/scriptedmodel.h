#pragma once
// TEST DOUBLE, never used by the product: a lantern::Model whose Session "generates" a fixed script of
// text pieces with a delay between them, honouring the cancel flag like the engine does. It lets the UI
// tests drive the real InferenceWorker, its thread and queued signals, the real ChatController and a
// real ConversationStore without a GPU or model weights.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "inference/engine.h"

namespace lantern::test {

struct Script {
    std::vector<std::string> pieces;                   // streamed in order through onText
    std::chrono::microseconds delay{1000};              // between pieces
    // When set, the n-th request streams answers[n % size] instead of pieces (for multi-turn scenes).
    std::vector<std::vector<std::string>> answers;
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    std::string modelName = "Scripted test double";
    std::shared_ptr<std::vector<std::vector<ChatMessage>>> seen =
        std::make_shared<std::vector<std::vector<ChatMessage>>>();  // every conversation it was asked
    std::shared_ptr<std::mutex> seenMutex = std::make_shared<std::mutex>();
};

class ScriptedTestSession final : public Session {
public:
    explicit ScriptedTestSession(Script script) : m_script(std::move(script)) {}

    Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions&,
                                   const std::function<void(std::string_view)>& onText,
                                   const std::atomic<bool>& cancel) override {
        {
            std::lock_guard lock(*m_script.seenMutex);
            m_script.seen->emplace_back(messages.begin(), messages.end());
        }
        GenerateStats stats;
        stats.promptTokens = static_cast<uint32_t>(messages.size() * 10);
        const auto start = std::chrono::steady_clock::now();
        const int call = m_script.calls->fetch_add(1);
        const auto& pieces = m_script.answers.empty() ? m_script.pieces
                                                      : m_script.answers[size_t(call) % m_script.answers.size()];
        for (const std::string& piece : pieces) {
            if (cancel.load()) {
                stats.stopReason = "cancelled";
                return stats;
            }
            std::this_thread::sleep_for(m_script.delay);
            onText(piece);
            if (stats.generatedTokens++ == 0)
                stats.timeToFirstTokenMs =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        stats.decodeTokensPerSecond = seconds > 0 ? stats.generatedTokens / seconds : 0;
        stats.stopReason = "eos";
        return stats;
    }
    Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions&) override {
        size_t chars = 0;
        for (const auto& m : messages)
            chars += m.content.size();
        return static_cast<uint32_t>(chars / 4 + 4 * messages.size());
    }
    void reset() override {}

private:
    Script m_script;
};

class ScriptedTestModel final : public Model {
public:
    explicit ScriptedTestModel(Script script) : m_script(std::move(script)) {
        m_info.name = m_script.modelName;
        m_info.architecture = "test";
        m_info.contextLength = 2048;
        m_info.deviceName = "none (test double)";
    }
    const ModelInfo& info() const override { return m_info; }
    std::unique_ptr<Session> newSession() override { return std::make_unique<ScriptedTestSession>(m_script); }

private:
    Script m_script;
    ModelInfo m_info;
};

}  // namespace lantern::test
