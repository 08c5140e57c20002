import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The row under a message: the "< 2/3 >" branch switcher, copy, edit, regenerate, delete, and the
// generation stats (time to first token, tokens per second) while hovered.
RowLayout {
    id: actions

    property var messageId
    property bool isUser
    property string content
    property int siblingIndex
    property int siblingCount
    property string statsText
    property bool shown
    signal editRequested()

    spacing: 2

    IconButton {
        visible: actions.siblingCount > 1
        text: "‹"
        font.pixelSize: Theme.fontSize + 2
        enabled: actions.siblingIndex > 1
        tip: qsTr("Previous version")
        onClicked: ChatController.switchSibling(actions.messageId, -1)
    }
    Label {
        visible: actions.siblingCount > 1
        text: qsTr("%1/%2").arg(actions.siblingIndex).arg(actions.siblingCount)
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
        Accessible.name: qsTr("Version %1 of %2").arg(actions.siblingIndex).arg(actions.siblingCount)
    }
    IconButton {
        visible: actions.siblingCount > 1
        text: "›"
        font.pixelSize: Theme.fontSize + 2
        enabled: actions.siblingIndex < actions.siblingCount
        tip: qsTr("Next version")
        onClicked: ChatController.switchSibling(actions.messageId, 1)
    }
    IconButton {
        id: copyButton
        text: copied.running ? qsTr("Copied") : qsTr("Copy")
        tip: qsTr("Copy message")
        onClicked: {
            ChatController.copyText(ChatController.copyableText(actions.content))
            copied.restart()
        }
        Timer { id: copied; interval: 1500 }
    }
    IconButton {
        text: qsTr("Edit")
        tip: qsTr("Edit message (keeps the current version as a branch)")
        enabled: !ChatController.generating
        onClicked: actions.editRequested()
    }
    IconButton {
        visible: !actions.isUser
        text: qsTr("Regenerate")
        tip: qsTr("Write a new answer (keeps this one as a branch)")
        enabled: !ChatController.generating
        onClicked: ChatController.regenerate(actions.messageId)
    }
    IconButton {
        text: qsTr("Delete")
        tip: qsTr("Delete this message and everything after it on this branch")
        enabled: !ChatController.generating
        onClicked: ChatController.deleteMessage(actions.messageId)
    }
    Label {
        Layout.fillWidth: true
        Layout.leftMargin: 8
        visible: actions.shown && actions.statsText.length > 0
        text: actions.statsText
        elide: Text.ElideRight
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 3
    }
}
