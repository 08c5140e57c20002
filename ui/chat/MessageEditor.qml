import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Inline editor for a message: saving keeps the old version as another branch.
ColumnLayout {
    id: editor

    property string original
    signal save(string text)
    signal cancel()

    spacing: 6
    onVisibleChanged: if (visible) { area.text = original; area.forceActiveFocus() }

    FormTextArea {
        id: area
        Layout.fillWidth: true
        wrapMode: TextEdit.Wrap
        selectByMouse: true
        color: Theme.text
        Accessible.name: qsTr("Edit message")
        background: Rectangle {
            radius: 10
            color: Theme.raised
            border.color: area.activeFocus ? Theme.accent : Theme.border
        }
        Keys.onPressed: (event) => {
            if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                editor.save(area.text)
                event.accepted = true
            } else if (event.key === Qt.Key_Escape) {
                editor.cancel()
                event.accepted = true
            }
        }
    }
    RowLayout {
        Layout.alignment: Qt.AlignRight
        Label {
            text: qsTr("Saving keeps the current version as another branch.")
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 2
        }
        Button {
            text: qsTr("Cancel")
            Accessible.name: text
            onClicked: editor.cancel()
        }
        AccentButton {
            text: qsTr("Save")
            enabled: area.text.trim().length > 0
            onClicked: editor.save(area.text)
        }
    }
}
