// The API server's scheduler (server/scheduler.h) over a scripted model: jobs run one at a time on the model's
// thread, a returning conversation gets the session (KV cache) that holds its prefix, a full queue refuses,
// a cancelled job stops within a token, a prompt longer than the context is refused before generating.
#include <QtTest>

#include <condition_variable>
#include <future>
#include <thread>

#include "server/scheduler.h"
#include "server/threadhost.h"

using namespace lantern;
using namespace lantern::server;

namespace {

using TestHost = ThreadModelHost;  // the model's thread

// Answers "s<session>:<last user message>" one character per token, 2 ms a token; a token is a character.
class ScriptedSession final : public Session {
public:
    ScriptedSession(int id, std::atomic<int>& concurrent, std::thread::id& thread) : m_id(id), m_concurrent(concurrent), m_thread(thread) {}
    Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                   const std::function<void(std::string_view)>& onText,
                                   const std::atomic<bool>& cancel) override {
        m_thread = std::this_thread::get_id();
        if (m_concurrent.fetch_add(1) != 0) {
            qWarning("two jobs ran at once");
        }
        GenerateStats stats;
        stats.promptTokens = uint32_t(*countTokens(messages, options));
        std::string reply = std::to_string(m_id);  // "s<id>:<text>", built in steps (GCC 12's -Wrestrict)
        reply.insert(reply.begin(), 's');
        reply.push_back(':');
        reply.append(messages.back().content);
        stats.stopReason = "eos";
        for (char c : reply) {
            if (cancel.load()) {
                stats.stopReason = "cancelled";
                break;
            }
            if (options.maxTokens >= 0 && stats.generatedTokens >= uint32_t(options.maxTokens)) {
                stats.stopReason = "max-tokens";
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            onText(std::string_view(&c, 1));
            ++stats.generatedTokens;
        }
        m_concurrent.fetch_sub(1);
        return stats;
    }
    Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions&) override {
        uint32_t n = 0;
        for (const ChatMessage& m : messages) {
            n += uint32_t(m.content.size());
        }
        return n;
    }
    void reset() override {}

private:
    int m_id;
    std::atomic<int>& m_concurrent;
    std::thread::id& m_thread;
};

class ScriptedModel final : public Model {
public:
    ScriptedModel() { m_info.contextLength = 100; }
    const ModelInfo& info() const override { return m_info; }
    std::unique_ptr<Session> newSession() override {
        return std::make_unique<ScriptedSession>(++m_sessions, m_concurrent, lastThread);
    }
    int sessions() const { return m_sessions; }
    std::thread::id lastThread;

private:
    ModelInfo m_info;
    int m_sessions = 0;
    std::atomic<int> m_concurrent{0};
};

struct Outcome {
    std::mutex mutex;
    std::condition_variable done;
    std::string text;
    std::optional<Result<GenerateStats>> result;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

    Result<GenerateStats> wait() {
        std::unique_lock lock(mutex);
        done.wait(lock, [&] { return result.has_value(); });
        return *result;
    }
};

Scheduler::Job job(std::vector<ChatMessage> messages, const std::shared_ptr<Outcome>& out, int32_t maxTokens = -1) {
    Scheduler::Job j;
    j.messages = std::move(messages);
    j.options.maxTokens = maxTokens;
    j.cancel = out->cancel;
    j.onText = [out](std::string_view p) {
        const std::lock_guard lock(out->mutex);
        out->text.append(p);
    };
    j.onDone = [out](const Result<GenerateStats>& r) {
        const std::lock_guard lock(out->mutex);
        out->result = r;
        out->done.notify_all();
    };
    return j;
}

// Runs fn on the model's thread and waits.
void onModelThread(TestHost& host, const std::function<void()>& fn) {
    std::promise<void> p;
    host.post([&] {
        fn();
        p.set_value();
    });
    p.get_future().wait();
}

}  // namespace

class SchedulerTest : public QObject {
    Q_OBJECT
private slots:
    void conversationsKeepTheirSessions() {
        TestHost host;
        ScriptedModel model;
        Scheduler s(host, {64, 2});
        QCOMPARE(s.submit(job({{"user", "x"}}, std::make_shared<Outcome>())), Scheduler::Submitted::NoModel);
        onModelThread(host, [&] { s.setModel(&model, "scripted"); });
        QCOMPARE(s.served().id, std::string("scripted"));
        QCOMPARE(s.served().contextLength, 100u);
        // Two clients' conversations, turn by turn.
        std::vector<ChatMessage> a{{"user", "a1"}}, b{{"user", "b1"}};
        auto ra = std::make_shared<Outcome>(), rb = std::make_shared<Outcome>();
        QCOMPARE(s.submit(job(a, ra)), Scheduler::Submitted::Queued);
        QCOMPARE(s.submit(job(b, rb)), Scheduler::Submitted::Queued);
        QVERIFY(ra->wait().has_value() && rb->wait().has_value());
        QCOMPARE(ra->text, std::string("s1:a1"));
        QCOMPARE(rb->text, std::string("s2:b1"));
        QCOMPARE(model.lastThread, host.threadId());  // generated on the model's thread
        a.push_back({"assistant", ra->text});
        a.push_back({"user", "a2"});
        b.push_back({"assistant", rb->text});
        b.push_back({"user", "b2"});
        auto rb2 = std::make_shared<Outcome>(), ra2 = std::make_shared<Outcome>();
        s.submit(job(b, rb2));
        s.submit(job(a, ra2));
        QVERIFY(rb2->wait().has_value() && ra2->wait().has_value());
        QCOMPARE(ra2->text, std::string("s1:a2"));  // the session that holds a's first turn
        QCOMPARE(rb2->text, std::string("s2:b2"));
        // A third conversation takes the least recently used session; no third KV cache.
        auto rc = std::make_shared<Outcome>();
        s.submit(job({{"user", "c1"}}, rc));
        QVERIFY(rc->wait().has_value());
        QCOMPARE(rc->text, std::string("s2:c1"));
        QCOMPARE(model.sessions(), 2);
        onModelThread(host, [&] { s.setModel(nullptr, ""); });
        QCOMPARE(s.submit(job({{"user", "x"}}, std::make_shared<Outcome>())), Scheduler::Submitted::NoModel);
    }

    void queueLimitCancelAndContext() {
        TestHost host;
        ScriptedModel model;
        Scheduler s(host, {2, 1});
        onModelThread(host, [&] { s.setModel(&model, "scripted"); });
        const std::string longText(80, 'x');  // 83 characters of reply: ~170 ms
        std::vector<std::shared_ptr<Outcome>> outs;
        int queued = 0, refused = 0;
        for (int i = 0; i < 6; ++i) {
            outs.push_back(std::make_shared<Outcome>());
            const auto r = s.submit(job({{"user", longText}}, outs.back()));
            (r == Scheduler::Submitted::Queued ? queued : refused) += 1;
        }
        QVERIFY2(queued <= 3 && refused >= 3, qPrintable(QString("%1 queued, %2 refused").arg(queued).arg(refused)));
        // Cancel the running one and the waiting ones.
        QElapsedTimer t;
        t.start();
        s.cancelAll();
        for (int i = 0; i < queued; ++i) {
            const auto r = outs[size_t(i)]->wait();
            QVERIFY(r.has_value());
            QCOMPARE(r->stopReason, std::string("cancelled"));
        }
        QVERIFY2(t.elapsed() < 100, qPrintable(QString("cancelling took %1 ms").arg(t.elapsed())));
        // One job's cancel flag stops that job within a token and leaves the next alone.
        auto first = std::make_shared<Outcome>(), second = std::make_shared<Outcome>();
        s.submit(job({{"user", longText}}, first));
        s.submit(job({{"user", "ok"}}, second));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        first->cancel->store(true);
        QCOMPARE(first->wait()->stopReason, std::string("cancelled"));
        QVERIFY(first->text.size() < 40);
        QCOMPARE(second->wait()->stopReason, std::string("eos"));
        QCOMPARE(second->text, std::string("s1:ok"));
        // Longer than the context (100 tokens): refused before any text.
        auto tooLong = std::make_shared<Outcome>();
        s.submit(job({{"user", std::string(120, 'y')}}, tooLong));
        const auto r = tooLong->wait();
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, Errc::ContextOverflow);
        QVERIFY(tooLong->text.empty());
        onModelThread(host, [&] { s.setModel(nullptr, ""); });
    }
};

QTEST_MAIN(SchedulerTest)
#include "schedulertest.moc"
