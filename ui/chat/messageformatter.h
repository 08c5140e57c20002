#pragma once
// Splits a message into what the chat view draws: prose (markdown rendered to safe rich text), fenced
// code blocks (language + raw code, highlighted separately) and Qwen3-style <think> sections.
// Safety: raw HTML in the markdown is shown as text, and every image (Markdown "![alt](url)" or a raw
// <img> tag, any scheme but the app's own qrc:) becomes the text "[image: alt] (url)", so showing a
// message never fetches anything; links open only when clicked (the view asks ChatController::openLink).
#include <QString>
#include <QTextDocument>
#include <QVariantList>

namespace lantern::ui {

class MessageFormatter {
public:
    // Each element is a QVariantMap:
    //   {kind: "text",  html}                         prose
    //   {kind: "code",  language, code, closed}       a fenced block; closed = false while it streams
    //   {kind: "think", html, closed}                 the model's reasoning, shown collapsible
    static QVariantList segments(const QString& content);
    // Markdown to rich text for QML's Text.RichText (body only; the view sets font and colour).
    static QString markdownToHtml(const QString& markdown);
    // The visible answer without the <think> section, for copy and for the next turn's context.
    static QString withoutThinking(const QString& content);
    // Turns every image in `doc` but the app's own (qrc:) into "[image: alt] (url)" text, never loaded.
    static void neutralizeImages(QTextDocument& doc);
};

}  // namespace lantern::ui
