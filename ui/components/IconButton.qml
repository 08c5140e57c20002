import QtQuick
import QtQuick.Controls
import Lantern

// A small, quiet text/glyph button with a tooltip; the tooltip text is also its accessible name.
ToolButton {
    id: control

    property string tip
    property color tint: Theme.mutedText

    implicitHeight: 28
    implicitWidth: Math.max(28, contentItem.implicitWidth + 14)
    focusPolicy: Qt.StrongFocus
    font.pixelSize: Theme.fontSize - 1
    Accessible.name: tip.length > 0 ? tip : text
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.text: tip
    ToolTip.delay: 600

    contentItem: Text {
        text: control.text
        font: control.font
        color: control.enabled ? (control.hovered ? Theme.text : control.tint) : Theme.border
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        radius: 6
        color: control.down ? Theme.selection : (control.hovered ? Theme.surface : "transparent")
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accent
    }
}
