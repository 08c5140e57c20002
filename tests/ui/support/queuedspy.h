#pragma once
// A signal spy for signals emitted on ANOTHER thread. QSignalSpy records in the emitting thread and its
// wait() misses an emission that lands before the wait starts; this spy receives through a queued
// connection on the test's thread (like the real GUI does) and waits by processing events.
#include <QList>
#include <QObject>
#include <QTest>
#include <QVariant>
#include <type_traits>

namespace lantern::test {

class QueuedSpy : public QObject, public QList<QVariantList> {
public:
    template <class Sender, class... Args>
    QueuedSpy(Sender* sender, void (Sender::*signal)(Args...)) {
        connect(sender, signal, this,
                [this](Args... args) { append(QVariantList{QVariant::fromValue(std::decay_t<Args>(args))...}); },
                Qt::QueuedConnection);
    }
    // True once at least n emissions arrived, false after timeoutMs.
    bool waitFor(qsizetype n = 1, int timeoutMs = 5000) {
        return QTest::qWaitFor([&] { return size() >= n; }, timeoutMs);
    }
};

}  // namespace lantern::test
