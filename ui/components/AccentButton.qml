import QtQuick
import QtQuick.Controls
import Lantern

// The one prominent button of a view (Send, Try again).
Button {
    id: control

    property bool danger: false

    focusPolicy: Qt.StrongFocus
    Accessible.name: text
    contentItem: Text {
        text: control.text
        font: control.font
        color: control.enabled ? (control.danger ? "#ffffff" : Theme.accentText) : Theme.mutedText
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        implicitWidth: 72
        implicitHeight: 32
        radius: 8
        color: !control.enabled ? Theme.surface
             : control.danger ? Theme.danger
             : (control.down ? Qt.darker(Theme.accent, 1.15) : Theme.accent)
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.text
    }
}
