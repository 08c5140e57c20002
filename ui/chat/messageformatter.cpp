#include "ui/chat/messageformatter.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTextDocument>
#include <QVariantMap>

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

}  // namespace

QString MessageFormatter::markdownToHtml(const QString& markdown) {
    // Images become links ("![x](u)" -> "[x](u)"): the view must never fetch a remote resource.
    QString safe = markdown;
    safe.replace(QStringLiteral("!["), QStringLiteral("["));
    QTextDocument doc;
    doc.setMarkdown(safe, QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub |
                                                          QTextDocument::MarkdownNoHTML));
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
