import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The model's reasoning (<think>…</think>), folded by default; open while it is still being written.
Rectangle {
    id: block

    property var segment: ({})
    property bool expanded: false
    readonly property bool closed: segment.closed === true

    implicitHeight: layout.implicitHeight + 16
    radius: 10
    color: "transparent"
    border.color: Theme.border

    ColumnLayout {
        id: layout
        x: 10
        y: 8
        width: parent.width - 20
        spacing: 6

        IconButton {
            text: (block.expanded || !block.closed ? "▾ " : "▸ ")
                  + (block.closed ? qsTr("Reasoning") : qsTr("Reasoning…"))
            tip: block.expanded ? qsTr("Hide the model's reasoning") : qsTr("Show the model's reasoning")
            onClicked: block.expanded = !block.expanded
            Accessible.role: Accessible.Button
        }
        TextEdit {
            Layout.fillWidth: true
            visible: block.expanded || !block.closed
            text: block.segment.html || ""
            textFormat: TextEdit.RichText
            readOnly: true
            selectByMouse: true
            activeFocusOnPress: false
            wrapMode: TextEdit.Wrap
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 1
            font.italic: true
        }
    }
}
