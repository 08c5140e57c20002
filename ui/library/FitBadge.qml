import QtQuick
import QtQuick.Controls
import Lantern

// Whether a model fits this computer, as a coloured pill: green fits, amber experts in system memory, red too
// big, grey unknown or not supported. The colour is never the only sign: the words say it too.
Rectangle {
    id: badge

    // "fits", "offloaded", "too-big", "planning", "unknown" or "unsupported"
    property string fit: "unknown"
    property alias text: label.text

    readonly property color tone: fit === "fits" ? (Theme.dark ? "#56d364" : "#1a7f37")
                                : fit === "offloaded" ? Theme.warning
                                : fit === "too-big" ? Theme.danger
                                : Theme.mutedText

    implicitWidth: label.implicitWidth + 20
    implicitHeight: label.implicitHeight + 8
    radius: height / 2
    color: Qt.rgba(tone.r, tone.g, tone.b, Theme.dark ? 0.18 : 0.10)
    border.color: Qt.rgba(tone.r, tone.g, tone.b, 0.45)
    Accessible.role: Accessible.StaticText
    Accessible.name: label.text

    Label {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, badge.width - 16)
        elide: Text.ElideRight
        color: badge.tone
        font.pixelSize: Theme.fontSize - 2
        font.bold: true
    }
}
