#include "service/engine/protocol.h"

#include <QCborArray>
#include <QCborValue>
#include <QtEndian>

#include "base/strformat.h"

namespace lantern::service::engineproc {

namespace {

QString str(const std::string& s) { return QString::fromStdString(s); }
std::string str(const QCborValue& v) { return v.toString().toStdString(); }
qint64 u64(quint64 v) { return static_cast<qint64>(v); }  // CBOR integers are signed 64-bit in QCborValue
quint64 u64(const QCborValue& v) { return static_cast<quint64>(v.toInteger()); }
quint32 u32(const QCborValue& v) { return static_cast<quint32>(v.toInteger()); }

QCborArray strings(const std::vector<std::string>& list) {
    QCborArray a;
    for (const auto& s : list)
        a.append(str(s));
    return a;
}

std::vector<std::string> strings(const QCborValue& v) {
    std::vector<std::string> out;
    for (const QCborValue& s : v.toArray())
        out.push_back(str(s));
    return out;
}

}  // namespace

QByteArray encodeFrame(const QCborMap& message) {
    const QByteArray body = message.toCborValue().toCbor();
    QByteArray frame(4, Qt::Uninitialized);
    qToBigEndian(static_cast<quint32>(body.size()), frame.data());
    frame.append(body);
    return frame;
}

Result<std::optional<QCborMap>> FrameReader::take() {
    if (m_buffer.size() < 4)
        return std::optional<QCborMap>{};
    const quint32 length = qFromBigEndian<quint32>(m_buffer.constData());
    if (length > kMaxFrameBytes)
        return fail(Errc::Internal, lantern::format("The engine process sent a message of {} bytes, more than the "
                                                    "protocol allows; the connection was closed.", length));
    if (static_cast<quint64>(m_buffer.size()) < 4ull + length)
        return std::optional<QCborMap>{};
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(m_buffer.mid(4, length), &error);
    m_buffer.remove(0, 4 + static_cast<qsizetype>(length));
    if (error.error != QCborError::NoError || !value.isMap())
        return fail(Errc::Internal, "The engine process sent a message that is not a CBOR map ("
                                        + error.errorString().toStdString() + "); the connection was closed.");
    return std::optional<QCborMap>{value.toMap()};
}

QCborMap message(const QString& type) {
    QCborMap m;
    m.insert(QStringLiteral("type"), type);
    return m;
}

QCborMap toCbor(const LoadOptions& o) {
    QCborMap m;
    m.insert(QStringLiteral("device"), str(o.device));
    m.insert(QStringLiteral("threads"), o.threads);
    m.insert(QStringLiteral("expertCompute"), str(o.expertCompute));
    m.insert(QStringLiteral("contextLength"), o.contextLength);
    m.insert(QStringLiteral("vramBudgetBytes"), u64(o.vramBudgetBytes));
    return m;
}

LoadOptions loadOptionsFrom(const QCborMap& m) {
    LoadOptions o;
    o.device = str(m.value(QStringLiteral("device")));
    o.threads = u32(m.value(QStringLiteral("threads")));
    o.expertCompute = str(m.value(QStringLiteral("expertCompute")));
    o.contextLength = u32(m.value(QStringLiteral("contextLength")));
    o.vramBudgetBytes = u64(m.value(QStringLiteral("vramBudgetBytes")));
    return o;
}

QCborMap toCbor(const ModelInfo& i) {
    QCborMap m;
    m.insert(QStringLiteral("path"), QString::fromStdString(i.path.string()));
    m.insert(QStringLiteral("name"), str(i.name));
    m.insert(QStringLiteral("architecture"), str(i.architecture));
    m.insert(QStringLiteral("quantization"), str(i.quantization));
    m.insert(QStringLiteral("parameters"), u64(i.parameters));
    m.insert(QStringLiteral("fileBytes"), u64(i.fileBytes));
    m.insert(QStringLiteral("trainedContext"), i.trainedContext);
    m.insert(QStringLiteral("contextLength"), i.contextLength);
    m.insert(QStringLiteral("layers"), i.layers);
    m.insert(QStringLiteral("embedding"), i.embedding);
    m.insert(QStringLiteral("deviceName"), str(i.deviceName));
    m.insert(QStringLiteral("cpuBackend"), i.cpuBackend);
    m.insert(QStringLiteral("deviceBytesUsed"), u64(i.deviceBytesUsed));
    m.insert(QStringLiteral("deviceBytesFree"), u64(i.deviceBytesFree));
    m.insert(QStringLiteral("hostWeightBytes"), u64(i.hostWeightBytes));
    m.insert(QStringLiteral("memoryPlan"), str(i.memoryPlan));
    m.insert(QStringLiteral("basePrompt"), i.basePrompt);
    return m;
}

ModelInfo modelInfoFrom(const QCborMap& m) {
    ModelInfo i;
    i.path = std::filesystem::path(str(m.value(QStringLiteral("path"))));
    i.name = str(m.value(QStringLiteral("name")));
    i.architecture = str(m.value(QStringLiteral("architecture")));
    i.quantization = str(m.value(QStringLiteral("quantization")));
    i.parameters = u64(m.value(QStringLiteral("parameters")));
    i.fileBytes = u64(m.value(QStringLiteral("fileBytes")));
    i.trainedContext = u32(m.value(QStringLiteral("trainedContext")));
    i.contextLength = u32(m.value(QStringLiteral("contextLength")));
    i.layers = u32(m.value(QStringLiteral("layers")));
    i.embedding = u32(m.value(QStringLiteral("embedding")));
    i.deviceName = str(m.value(QStringLiteral("deviceName")));
    i.cpuBackend = m.value(QStringLiteral("cpuBackend")).toBool();
    i.deviceBytesUsed = u64(m.value(QStringLiteral("deviceBytesUsed")));
    i.deviceBytesFree = u64(m.value(QStringLiteral("deviceBytesFree")));
    i.hostWeightBytes = u64(m.value(QStringLiteral("hostWeightBytes")));
    i.memoryPlan = str(m.value(QStringLiteral("memoryPlan")));
    i.basePrompt = m.value(QStringLiteral("basePrompt")).toBool();
    return i;
}

QCborArray toCbor(std::span<const ChatMessage> messages) {
    QCborArray a;
    for (const ChatMessage& c : messages) {
        QCborMap m;
        m.insert(QStringLiteral("role"), str(c.role));
        m.insert(QStringLiteral("content"), str(c.content));
        a.append(m);
    }
    return a;
}

std::vector<ChatMessage> messagesFrom(const QCborArray& array) {
    std::vector<ChatMessage> out;
    out.reserve(static_cast<size_t>(array.size()));
    for (const QCborValue& v : array) {
        const QCborMap m = v.toMap();
        out.push_back({str(m.value(QStringLiteral("role"))), str(m.value(QStringLiteral("content")))});
    }
    return out;
}

QCborMap toCbor(const GenerateOptions& o) {
    const SamplingParams& s = o.sampling;
    QCborMap sampling;
    sampling.insert(QStringLiteral("temperature"), s.temperature);
    sampling.insert(QStringLiteral("topK"), s.topK);
    sampling.insert(QStringLiteral("topP"), s.topP);
    sampling.insert(QStringLiteral("minP"), s.minP);
    sampling.insert(QStringLiteral("repeatPenalty"), s.repeatPenalty);
    sampling.insert(QStringLiteral("presencePenalty"), s.presencePenalty);
    sampling.insert(QStringLiteral("frequencyPenalty"), s.frequencyPenalty);
    sampling.insert(QStringLiteral("penaltyLastN"), s.penaltyLastN);
    sampling.insert(QStringLiteral("seed"), u64(s.seed));
    QCborMap m;
    m.insert(QStringLiteral("sampling"), sampling);
    m.insert(QStringLiteral("maxTokens"), o.maxTokens);
    m.insert(QStringLiteral("stop"), strings(o.stop));
    m.insert(QStringLiteral("enableThinking"), o.enableThinking);
    m.insert(QStringLiteral("addGenerationPrompt"), o.addGenerationPrompt);
    m.insert(QStringLiteral("rawPrompt"), o.rawPrompt);
    return m;
}

GenerateOptions generateOptionsFrom(const QCborMap& m) {
    GenerateOptions o;
    const QCborMap s = m.value(QStringLiteral("sampling")).toMap();
    const auto real = [&](const char* key, float fallback) {
        const QCborValue v = s.value(QLatin1String(key));
        return v.isDouble() || v.isInteger() ? static_cast<float>(v.toDouble()) : fallback;
    };
    const auto integer = [&](const QCborMap& map, const char* key, qint64 fallback) {
        const QCborValue v = map.value(QLatin1String(key));
        return v.isInteger() ? v.toInteger() : fallback;
    };
    const auto flag = [&](const char* key, bool fallback) {
        const QCborValue v = m.value(QLatin1String(key));
        return v.isBool() ? v.toBool() : fallback;
    };
    o.sampling.temperature = real("temperature", o.sampling.temperature);
    o.sampling.topK = static_cast<int32_t>(integer(s, "topK", o.sampling.topK));
    o.sampling.topP = real("topP", o.sampling.topP);
    o.sampling.minP = real("minP", o.sampling.minP);
    o.sampling.repeatPenalty = real("repeatPenalty", o.sampling.repeatPenalty);
    o.sampling.presencePenalty = real("presencePenalty", o.sampling.presencePenalty);
    o.sampling.frequencyPenalty = real("frequencyPenalty", o.sampling.frequencyPenalty);
    o.sampling.penaltyLastN = static_cast<int32_t>(integer(s, "penaltyLastN", o.sampling.penaltyLastN));
    o.sampling.seed = static_cast<uint64_t>(integer(s, "seed", 0));
    o.maxTokens = static_cast<int32_t>(integer(m, "maxTokens", o.maxTokens));
    o.stop = strings(m.value(QStringLiteral("stop")));
    o.enableThinking = flag("enableThinking", o.enableThinking);
    o.addGenerationPrompt = flag("addGenerationPrompt", o.addGenerationPrompt);
    o.rawPrompt = flag("rawPrompt", o.rawPrompt);
    return o;
}

QCborMap toCbor(const GenerateStats& s) {
    QCborMap m;
    m.insert(QStringLiteral("promptTokens"), s.promptTokens);
    m.insert(QStringLiteral("reusedTokens"), s.reusedTokens);
    m.insert(QStringLiteral("generatedTokens"), s.generatedTokens);
    m.insert(QStringLiteral("timeToFirstTokenMs"), s.timeToFirstTokenMs);
    m.insert(QStringLiteral("prefillTokensPerSecond"), s.prefillTokensPerSecond);
    m.insert(QStringLiteral("decodeTokensPerSecond"), s.decodeTokensPerSecond);
    m.insert(QStringLiteral("stopReason"), str(s.stopReason));
    QCborArray dropped;
    for (size_t d : s.droppedMessages)
        dropped.append(static_cast<qint64>(d));
    m.insert(QStringLiteral("droppedMessages"), dropped);
    return m;
}

GenerateStats statsFrom(const QCborMap& m) {
    GenerateStats s;
    s.promptTokens = u32(m.value(QStringLiteral("promptTokens")));
    s.reusedTokens = u32(m.value(QStringLiteral("reusedTokens")));
    s.generatedTokens = u32(m.value(QStringLiteral("generatedTokens")));
    s.timeToFirstTokenMs = m.value(QStringLiteral("timeToFirstTokenMs")).toDouble();
    s.prefillTokensPerSecond = m.value(QStringLiteral("prefillTokensPerSecond")).toDouble();
    s.decodeTokensPerSecond = m.value(QStringLiteral("decodeTokensPerSecond")).toDouble();
    s.stopReason = str(m.value(QStringLiteral("stopReason")));
    for (const QCborValue& d : m.value(QStringLiteral("droppedMessages")).toArray())
        s.droppedMessages.push_back(static_cast<size_t>(d.toInteger()));
    return s;
}

QCborMap toCbor(const Error& e) {
    QCborMap m;
    m.insert(QStringLiteral("code"), static_cast<int>(e.code));
    m.insert(QStringLiteral("detail"), str(e.detail));
    return m;
}

Error errorFrom(const QCborMap& m) {
    return Error{static_cast<Errc>(m.value(QStringLiteral("code")).toInteger(static_cast<int>(Errc::Internal))),
                 str(m.value(QStringLiteral("detail")))};
}

}  // namespace lantern::service::engineproc
