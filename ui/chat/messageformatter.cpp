#include "ui/chat/messageformatter.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFragment>
#include <QTextImageFormat>
#include <QUrl>
#include <QVariantMap>
#include <algorithm>

namespace lantern::ui {

namespace {

const QString kThinkOpen = QStringLiteral("<think>");
const QString kThinkClose = QStringLiteral("</think>");

// A fence opens with 3+ backticks or tildes, indented at most 3 spaces (CommonMark), and names a language.
struct Fence {
    QChar marker;
    qsizetype length = 0;
    QString language;
};

bool parseFence(const QString& line, Fence& fence) {
    qsizetype i = 0;
    while (i < line.size() && i < 3 && line[i] == QLatin1Char(' '))
        ++i;
    if (i >= line.size() || (line[i] != QLatin1Char('`') && line[i] != QLatin1Char('~')))
        return false;
    const QChar marker = line[i];
    qsizetype n = 0;
    while (i + n < line.size() && line[i + n] == marker)
        ++n;
    if (n < 3)
        return false;
    const QString info = line.mid(i + n).trimmed();
    if (marker == QLatin1Char('`') && info.contains(QLatin1Char('`')))
        return false;
    fence = {marker, n, info.section(QLatin1Char(' '), 0, 0)};
    return true;
}

bool closesFence(const QString& line, const Fence& open) {
    const QString t = line.trimmed();
    if (t.size() < open.length)
        return false;
    for (QChar c : t)
        if (c != open.marker)
            return false;
    return true;
}

void appendText(QVariantList& out, const QString& text) {
    if (text.trimmed().isEmpty())
        return;
    out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("text")},
                           {QStringLiteral("html"), MessageFormatter::markdownToHtml(text)}});
}

void splitFences(QVariantList& out, const QString& content) {
    const QStringList lines = content.split(QLatin1Char('\n'));
    QString prose;
    QString code;
    Fence fence;
    bool inCode = false;
    for (const QString& line : lines) {
        if (!inCode) {
            if (parseFence(line, fence)) {
                appendText(out, prose);
                prose.clear();
                code.clear();
                inCode = true;
            } else {
                prose += line + QLatin1Char('\n');
            }
            continue;
        }
        if (closesFence(line, fence)) {
            code.chop(1);  // the newline before the closing fence is not part of the code
            out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("code")},
                                   {QStringLiteral("language"), fence.language},
                                   {QStringLiteral("code"), code},
                                   {QStringLiteral("closed"), true}});
            inCode = false;
        } else {
            code += line + QLatin1Char('\n');
        }
    }
    if (inCode) {
        code.chop(1);
        out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("code")},
                               {QStringLiteral("language"), fence.language},
                               {QStringLiteral("code"), code},
                               {QStringLiteral("closed"), false}});
    }
    appendText(out, prose);
}

// What an image becomes, at the cursor: "[image: alt] (url)", never loaded. An http(s) url is a link, opened
// only when clicked (ChatController::openLink); very long sources (data: URIs) are elided.
void insertImageText(QTextCursor& c, const QString& alt, const QString& source, const QTextCharFormat& format) {
    const QString label = alt.trimmed().isEmpty() ? QStringLiteral("[image]")
                                                  : QStringLiteral("[image: %1]").arg(alt.trimmed());
    c.insertText(label, format);
    QString shown = source.trimmed();
    if (shown.isEmpty())
        return;
    if (shown.size() > 120)
        shown = shown.left(100) + QStringLiteral("…");
    c.insertText(QStringLiteral(" ("), format);
    const QString scheme = QUrl(source.trimmed()).scheme().toLower();
    QTextCharFormat link = format;
    if (!format.isAnchor() && (scheme == QLatin1String("http") || scheme == QLatin1String("https"))) {
        link.setAnchor(true);
        link.setAnchorHref(source.trimmed());
    }
    c.insertText(shown, link);
    c.insertText(QStringLiteral(")"), format);
}

// Whether a code span or a code block holds this position: raw HTML there is code to show, not an image.
bool inCode(QTextDocument& doc, int position) {
    QTextCursor c(&doc);
    c.setPosition(position);
    c.movePosition(QTextCursor::NextCharacter);
    const QTextBlockFormat block = c.blockFormat();
    return c.charFormat().fontFixedPitch() || block.hasProperty(QTextFormat::BlockCodeFence) ||
           block.hasProperty(QTextFormat::BlockCodeLanguage);
}

// Markdown images ("![alt](src)") and raw <img> tags (shown as text under MarkdownNoHTML) both become
// text, so the rich text holds no image at all: QML's Text would fetch a remote one through the engine's
// network access manager (and a file: or relative one from disk). Only the app's own qrc: images stay.
void replaceImageFragments(QTextDocument& doc) {
    struct Found {
        int position;
        QTextCharFormat format;
        QString alt, source;
    };
    std::vector<Found> found;
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.isValid() || !fragment.charFormat().isImageFormat())
                continue;
            const QTextImageFormat image = fragment.charFormat().toImageFormat();
            if (QUrl(image.name()).scheme() == QLatin1String("qrc"))
                continue;
            QTextCharFormat plain = fragment.charFormat();
            plain.setObjectType(QTextFormat::NoObject);
            for (int property : {int(QTextFormat::ImageName), int(QTextFormat::ImageAltText),
                                 int(QTextFormat::ImageTitle), int(QTextFormat::ImageWidth),
                                 int(QTextFormat::ImageHeight), int(QTextFormat::ImageQuality)})
                plain.clearProperty(property);
            // One object character per image; a run of images with one format shares a fragment.
            for (int i = 0; i < fragment.length(); ++i)
                found.push_back({fragment.position() + i, plain, image.property(QTextFormat::ImageAltText).toString(),
                                 image.name()});
        }
    }
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.position > b.position; });
    for (const Found& f : found) {
        QTextCursor c(&doc);
        c.setPosition(f.position);
        c.setPosition(f.position + 1, QTextCursor::KeepAnchor);
        c.removeSelectedText();
        insertImageText(c, f.alt, f.source, f.format);
    }
}

QString attribute(const QString& tag, const QString& name) {
    const QRegularExpression re(QStringLiteral(R"re(\b%1\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))re").arg(name),
                                QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(tag);
    return m.hasMatch() ? m.captured(1) + m.captured(2) + m.captured(3) : QString();
}

void replaceRawImageTags(QTextDocument& doc) {
    static const QRegularExpression tag(QStringLiteral(R"(<img\b[^>]*>)"), QRegularExpression::CaseInsensitiveOption);
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        const QString text = block.text();
        std::vector<std::pair<int, int>> spans;
        for (auto it = tag.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            spans.emplace_back(int(m.capturedStart()), int(m.capturedLength()));
        }
        for (auto s = spans.rbegin(); s != spans.rend(); ++s) {
            const int at = block.position() + s->first;
            if (inCode(doc, at))
                continue;
            const QString raw = text.mid(s->first, s->second);
            QTextCursor c(&doc);
            c.setPosition(at);
            c.setPosition(at + s->second, QTextCursor::KeepAnchor);
            const QTextCharFormat format = c.charFormat();
            c.removeSelectedText();
            insertImageText(c, attribute(raw, QStringLiteral("alt")), attribute(raw, QStringLiteral("src")), format);
        }
    }
}

}  // namespace

void MessageFormatter::neutralizeImages(QTextDocument& doc) {
    replaceImageFragments(doc);
    replaceRawImageTags(doc);
}

QString MessageFormatter::markdownToHtml(const QString& markdown) {
    QTextDocument doc;
    doc.setMarkdown(markdown, QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub |
                                                              QTextDocument::MarkdownNoHTML));
    neutralizeImages(doc);
    const QString html = doc.toHtml();
    // Keep the body only: its inline style would override the view's font and size.
    static const QRegularExpression body(QStringLiteral("<body[^>]*>(.*)</body>"),
                                         QRegularExpression::DotMatchesEverythingOption);
    const auto match = body.match(html);
    return match.hasMatch() ? match.captured(1).trimmed() : html;
}

QVariantList MessageFormatter::segments(const QString& content) {
    QVariantList out;
    QString rest = content;
    const qsizetype start = rest.indexOf(kThinkOpen);
    if (start >= 0 && rest.left(start).trimmed().isEmpty()) {
        const qsizetype end = rest.indexOf(kThinkClose, start);
        const qsizetype from = start + kThinkOpen.size();
        const QString thinking = end < 0 ? rest.mid(from) : rest.mid(from, end - from);
        out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("think")},
                               {QStringLiteral("html"), markdownToHtml(thinking.trimmed())},
                               {QStringLiteral("closed"), end >= 0}});
        rest = end < 0 ? QString() : rest.mid(end + kThinkClose.size());
    }
    splitFences(out, rest);
    return out;
}

QString MessageFormatter::withoutThinking(const QString& content) {
    const qsizetype start = content.indexOf(kThinkOpen);
    if (start < 0 || !content.left(start).trimmed().isEmpty())
        return content;
    const qsizetype end = content.indexOf(kThinkClose, start);
    return end < 0 ? QString() : content.mid(end + kThinkClose.size()).trimmed();
}

}  // namespace lantern::ui
