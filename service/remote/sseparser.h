#pragma once
// A server-sent events parser (WHATWG HTML "event stream interpretation"), pure: bytes in, events out, no
// I/O, no timers. Bytes may arrive in any split (one byte at a time, a CRLF torn between two reads, a
// UTF-8 sequence torn in two); lines end in CRLF, LF or CR; lines starting with ':' are comments (keep-alives
// such as ": ping") and dispatch nothing; several "data:" lines make one event joined by '\n'; "event:"
// names the event (empty = "message"); "id:" and "retry:" are kept/ignored as the spec says; unknown fields
// are ignored. "data: [DONE]" (OpenAI's end marker) is an ordinary event here: the client decides.
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

namespace lantern::service {

struct SseEvent {
    QString event;    // the "event:" name; empty when none was given (the spec's "message")
    QByteArray data;  // the data lines joined by '\n', without the final '\n' (UTF-8, undecoded)
    QString id;       // the last event id seen so far ("id:" field), as the spec keeps it

    bool operator==(const SseEvent&) const = default;
};

class SseParser {
public:
    // Appends bytes and returns the events they complete (an event ends at a blank line).
    std::vector<SseEvent> feed(QByteArrayView bytes);
    // The stream ended: a trailing incomplete event is discarded, as the spec says. Returns how many
    // bytes of an unfinished line or event were dropped (0 = the stream ended cleanly on an event boundary).
    qsizetype finish();
    // Comment lines seen so far (keep-alives).
    qsizetype comments() const { return m_comments; }
    void reset();

private:
    void processLine(QByteArrayView line, std::vector<SseEvent>& out);

    QByteArray m_line;  // the current, unfinished line
    QByteArray m_data;  // data of the event being built, each line followed by '\n'
    QString m_event;    // its event name
    QString m_lastId;
    bool m_hasData = false;       // a data field was seen (an empty "data:" line still counts)
    bool m_pendingEvent = false;  // some field of an unfinished event was seen
    bool m_skipLf = false;        // the last byte was CR: an LF right after it belongs to the same line end
    bool m_started = false;       // past the optional UTF-8 BOM
    qsizetype m_comments = 0;
};

}  // namespace lantern::service
