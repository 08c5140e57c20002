#include "service/remote/sseparser.h"

#include <algorithm>

namespace lantern::service {

std::vector<SseEvent> SseParser::feed(QByteArrayView bytes) {
    std::vector<SseEvent> out;
    qsizetype i = 0;
    if (!m_started) {
        // A UTF-8 byte order mark may open the stream; it may itself arrive split.
        static constexpr char kBom[] = "\xEF\xBB\xBF";
        while (i < bytes.size() && m_line.size() < 3 && bytes[i] == kBom[m_line.size()]) {
            m_line.append(bytes[i++]);
        }
        if (m_line.size() == 3) {
            m_line.clear();
            m_started = true;
        } else if (i < bytes.size()) {
            m_started = true;  // not a BOM: what was held back is the start of the first line
        } else {
            return out;
        }
    }
    while (i < bytes.size()) {
        if (m_skipLf) {
            m_skipLf = false;
            if (bytes[i] == '\n') {
                ++i;
                continue;
            }
        }
        // Find the end of the line in this chunk.
        qsizetype end = i;
        while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r') {
            ++end;
        }
        m_line.append(bytes.data() + i, end - i);
        if (end == bytes.size()) {
            break;  // the line continues in a later chunk
        }
        m_skipLf = bytes[end] == '\r';
        i = end + 1;
        processLine(m_line, out);
        m_line.clear();
    }
    return out;
}

void SseParser::processLine(QByteArrayView line, std::vector<SseEvent>& out) {
    if (line.isEmpty()) {
        // Dispatch. An event without data is not dispatched; its name is forgotten either way.
        if (m_hasData) {
            QByteArray data = m_data;
            data.chop(1);  // the '\n' after the last data line
            out.push_back({m_event, data, m_lastId});
        }
        m_data.clear();
        m_event.clear();
        m_hasData = false;
        m_pendingEvent = false;
        return;
    }
    if (line.front() == ':') {
        ++m_comments;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' ')) {
        value = value.sliced(1);
    }
    m_pendingEvent = true;
    if (field == "data") {
        m_data.append(value.data(), value.size());
        m_data.append('\n');
        m_hasData = true;
    } else if (field == "event") {
        m_event = QString::fromUtf8(value);
    } else if (field == "id") {
        if (!value.contains('\0')) {
            m_lastId = QString::fromUtf8(value);
        }
    }
    // "retry" sets a reconnection time this client does not use (it never reconnects); others are ignored.
}

qsizetype SseParser::finish() {
    const qsizetype dropped = m_line.size() + (m_pendingEvent ? m_data.size() + 1 : 0);
    const bool clean = m_line.isEmpty() && !m_pendingEvent;
    const qsizetype comments = m_comments;
    reset();
    m_comments = comments;
    return clean ? 0 : std::max<qsizetype>(dropped, 1);
}

void SseParser::reset() {
    m_line.clear();
    m_data.clear();
    m_event.clear();
    m_lastId.clear();
    m_hasData = false;
    m_pendingEvent = false;
    m_skipLf = false;
    m_started = false;
    m_comments = 0;
}

}  // namespace lantern::service
