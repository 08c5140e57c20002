#pragma once
// What a screen reader meets in a Qt Quick window, for the tests that check every control has a name: the
// name QAccessible announces, whether it says something in words, and the shown controls of an item tree.
#include <QAccessible>
#include <QList>
#include <QQuickItem>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace lantern::test {

// What a screen reader announces for the item.
inline QString accessibleName(QQuickItem* item) {
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(item);
    return iface ? iface->text(QAccessible::Name).trimmed() : QString();
}

// A name says something in words: a glyph such as "⚙" or "☾" alone is not one.
inline bool isName(const QString& name) {
    static const QRegularExpression word(QStringLiteral("\\w"), QRegularExpression::UseUnicodePropertiesOption);
    return name.contains(word);
}

inline bool shown(const QQuickItem* item) {
    for (const QQuickItem* i = item; i; i = i->parentItem()) {
        if (!i->isVisible() || i->opacity() <= 0.0) {
            return false;
        }
    }
    return item->width() > 0 && item->height() > 0;
}

// Something a user operates: buttons of every kind, combo boxes, spin boxes, sliders, and editable text.
inline bool isControl(const QQuickItem* item) {
    if (item->inherits("QQuickAbstractButton") || item->inherits("QQuickComboBox") ||
        item->inherits("QQuickSpinBox") || item->inherits("QQuickSlider")) {
        return true;
    }
    if (item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit")) {
        // The editor inside a spin box or combo box is named by its control.
        for (const QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
            if (p->inherits("QQuickSpinBox") || p->inherits("QQuickComboBox")) {
                return false;
            }
        }
        return !item->property("readOnly").toBool();
    }
    return false;
}

// "ClassName "text" in object/names/above", for a failure message.
inline QString describe(const QQuickItem* item) {
    QStringList path;
    for (const QQuickItem* i = item; i; i = i->parentItem()) {
        if (!i->objectName().isEmpty()) {
            path.prepend(i->objectName());
        }
    }
    return QStringLiteral("%1 \"%2\" in %3")
        .arg(QString::fromLatin1(item->metaObject()->className()), item->property("text").toString().left(30),
             path.join(QLatin1Char('/')));
}

// The shown controls under `item`, in tree order.
inline void collectControls(QQuickItem* item, QList<QQuickItem*>& out) {
    if (!item) {
        return;
    }
    if (shown(item) && isControl(item)) {
        out.append(item);
    }
    for (QQuickItem* child : item->childItems()) {
        collectControls(child, out);
    }
}

}  // namespace lantern::test
