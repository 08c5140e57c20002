#pragma once
// The engine process protocol (version kProtocolVersion): the app and its `lantern-engine` child speak it over
// one local socket (a Unix domain socket; a named pipe on Windows). A frame is a 4-byte big-endian length and
// a CBOR map of that many bytes whose "type" names the message. Requests go one at a time, each answered before
// the next is sent; "cancel" and "cancelLoad" may come at any moment.
//
//   app -> engine                                  engine -> app
//   hello      {version}                           hello     {version, pid}       (first frame each way)
//   load       {path, options}                     progress  {value, stage}*  then  loaded {info} | failed {error}
//   newSession {session}, closeSession {session}   (no answer)
//   generate   {session, messages, options}        text {piece}*  then  done {stats} | failed {error}
//   count      {session, messages, options}        counted {tokens} | failed {error}
//   reset      {session}                           (no answer)
//   cancel, cancelLoad                             (no answer; the running request ends early)
//
// Engine values travel as CBOR maps keyed by their field names; a field the reader does not know is ignored
// and a missing one keeps its default, so a field can be added without a version bump. Removing or changing
// the meaning of one needs a new version; both sides refuse a hello with another version.
#include <QByteArray>
#include <QCborMap>
#include <QString>

#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "inference/engine.h"

namespace lantern::service::engineproc {

inline constexpr int kProtocolVersion = 1;
// A frame larger than this is a broken peer, not a message (a whole conversation is far smaller).
inline constexpr quint32 kMaxFrameBytes = 256u << 20;

QByteArray encodeFrame(const QCborMap& message);

// Collects bytes from the socket and cuts them into messages.
class FrameReader {
public:
    void append(const QByteArray& bytes) { m_buffer.append(bytes); }
    // The next whole message, std::nullopt while it is still incomplete, or an error for a frame that is too
    // large or not a CBOR map (the connection cannot be trusted after that).
    Result<std::optional<QCborMap>> take();

private:
    QByteArray m_buffer;
};

QCborMap message(const QString& type);

QCborMap toCbor(const LoadOptions& options);  // the plain fields; callbacks and the cancel flag stay behind
LoadOptions loadOptionsFrom(const QCborMap& map);
QCborMap toCbor(const ModelInfo& info);
ModelInfo modelInfoFrom(const QCborMap& map);
QCborArray toCbor(std::span<const ChatMessage> messages);
std::vector<ChatMessage> messagesFrom(const QCborArray& array);
QCborMap toCbor(const GenerateOptions& options);
GenerateOptions generateOptionsFrom(const QCborMap& map);
QCborMap toCbor(const GenerateStats& stats);
GenerateStats statsFrom(const QCborMap& map);
QCborMap toCbor(const Error& error);
Error errorFrom(const QCborMap& map);

}  // namespace lantern::service::engineproc
