import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// What a new chat shows: what Lantern is, which model answers, and a few ways to start.
Item {
    id: empty

    signal suggestion(string text)

    readonly property var models: ChatController.models

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 560)
        spacing: 14

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: "◉"
            font.pixelSize: 40
            color: Theme.accent
            Accessible.ignored: true
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("What can I help with?")
            font.pixelSize: Theme.fontSize + 10
            font.bold: true
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: empty.models.state === "ready"
                  ? qsTr("%1 runs entirely on this computer. Nothing you write leaves it.").arg(empty.models.modelName)
                  : empty.models.state === "loading"
                    ? qsTr("Loading %1…").arg(empty.models.modelName)
                    : qsTr("Everything runs on this computer. Nothing you write leaves it.")
        }
        GridLayout {
            Layout.fillWidth: true
            Layout.topMargin: 8
            columns: 2
            columnSpacing: 8
            rowSpacing: 8
            Repeater {
                model: [
                    qsTr("Explain how a hash map works, with a short C++ example."),
                    qsTr("Write a polite email declining a meeting."),
                    qsTr("Summarize the plot of Hamlet in five sentences."),
                    qsTr("Give me three ideas for a weekend project.")
                ]
                delegate: Button {
                    id: chip
                    required property string modelData
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.fillHeight: true
                    text: modelData
                    Accessible.name: text
                    focusPolicy: Qt.StrongFocus
                    onClicked: empty.suggestion(modelData)
                    padding: 12
                    contentItem: Label {
                        text: chip.text
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        wrapMode: Text.Wrap
                        verticalAlignment: Text.AlignVCenter
                    }
                    background: Rectangle {
                        implicitHeight: 56
                        radius: 12
                        color: chip.hovered ? Theme.selection : Theme.surface
                        border.color: chip.visualFocus ? Theme.accent : Theme.border
                    }
                }
            }
        }
    }
}
