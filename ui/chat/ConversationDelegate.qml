import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One conversation in the sidebar: click to open, F2 or the menu to rename, pin, archive or delete.
ItemDelegate {
    id: row

    required property int index
    required property var conversationId
    required property string title
    required property bool pinned
    required property bool archived

    property bool editing: false

    highlighted: conversationId === ChatController.currentConversationId
    Accessible.name: pinned ? qsTr("%1, pinned").arg(title) : title
    onClicked: ChatController.openConversation(conversationId)
    Keys.onReturnPressed: ChatController.openConversation(conversationId)
    Keys.onDeletePressed: ChatController.deleteConversation(conversationId)
    Keys.onPressed: (event) => {
        if (event.key === Qt.Key_F2) {
            editing = true
            event.accepted = true
        }
    }

    background: Rectangle {
        radius: 8
        color: row.highlighted ? Theme.selection : (row.hovered || row.activeFocus ? Qt.lighter(Theme.selection, Theme.dark ? 0.9 : 1.02) : "transparent")
        border.width: row.visualFocus ? 1 : 0
        border.color: Theme.accent
    }

    contentItem: RowLayout {
        spacing: 6
        Label {
            visible: row.pinned
            text: "•"
            color: Theme.accent
        }
        Label {
            Layout.fillWidth: true
            visible: !row.editing
            text: row.title
            elide: Text.ElideRight
            color: Theme.text
        }
        TextField {
            id: editor
            Layout.fillWidth: true
            visible: row.editing
            text: row.title
            selectByMouse: true
            Accessible.name: qsTr("New title")
            onVisibleChanged: if (visible) { forceActiveFocus(); selectAll() }
            onAccepted: {
                ChatController.renameConversation(row.conversationId, text)
                row.editing = false
            }
            Keys.onEscapePressed: row.editing = false
            onActiveFocusChanged: if (!activeFocus) row.editing = false
        }
        IconButton {
            text: "⋯"
            tip: qsTr("More actions for “%1”").arg(row.title)
            visible: row.hovered || row.highlighted || row.activeFocus || menu.visible
            onClicked: menu.popup()
        }
    }

    Menu {
        id: menu
        MenuItem {
            text: qsTr("Rename")
            onTriggered: row.editing = true
        }
        MenuItem {
            text: row.pinned ? qsTr("Unpin") : qsTr("Pin to top")
            onTriggered: ChatController.setPinned(row.conversationId, !row.pinned)
        }
        MenuItem {
            text: row.archived ? qsTr("Unarchive") : qsTr("Archive")
            onTriggered: ChatController.setArchived(row.conversationId, !row.archived)
        }
        MenuSeparator { }
        MenuItem {
            text: qsTr("Delete")
            onTriggered: ChatController.deleteConversation(row.conversationId)
        }
    }
    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: menu.popup()
    }
}
