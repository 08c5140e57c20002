import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Conversations grouped by date (pinned first), a full-text search box, "New chat" and the model library.
Rectangle {
    id: sidebar

    signal openLibrary()

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8

        AccentButton {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("+  New chat")
            Accessible.name: qsTr("New chat (Ctrl+N)")
            onClicked: ChatController.newConversation()
        }
        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations (Ctrl+K)")
            Accessible.name: qsTr("Search conversations")
            selectByMouse: true
            color: Theme.text
            background: Rectangle {
                radius: 8
                color: Theme.raised
                border.color: searchField.activeFocus ? Theme.accent : Theme.border
            }
            onTextChanged: searchTimer.restart()
            Keys.onDownPressed: (searchList.visible ? searchList : conversationList).forceActiveFocus()
            Keys.onEscapePressed: text = ""

            Timer {
                id: searchTimer
                interval: 150
                onTriggered: ChatController.search(searchField.text)
            }
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: ChatController.searchQuery.length === 0
            clip: true
            model: ChatController.conversations
            keyNavigationEnabled: true
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Conversations")
            section.property: "section"
            section.delegate: Label {
                required property string section
                width: ListView.view.width
                topPadding: 12
                bottomPadding: 4
                leftPadding: 8
                text: section
                font.pixelSize: Theme.fontSize - 3
                font.bold: true
                color: Theme.mutedText
            }
            delegate: ConversationDelegate {
                width: ListView.view.width
            }
            ScrollBar.vertical: ScrollBar { }

            Label {
                anchors.centerIn: parent
                width: parent.width - 20
                visible: conversationList.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.mutedText
                text: ChatController.showArchived ? qsTr("No archived conversations.")
                                                  : qsTr("Your conversations will appear here.")
            }
        }

        ListView {
            id: searchList
            objectName: "searchList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: ChatController.searchQuery.length > 0
            clip: true
            spacing: 2
            model: ChatController.searchResults
            keyNavigationEnabled: true
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Search results")
            delegate: ItemDelegate {
                id: hit
                required property int index
                required property var conversationId
                required property var messageId
                required property string title
                required property string snippetHtml
                width: ListView.view.width
                highlighted: ListView.isCurrentItem
                Accessible.name: title
                onClicked: ChatController.openSearchHit(conversationId, messageId)
                Keys.onReturnPressed: clicked()
                background: Rectangle {
                    radius: 8
                    color: hit.highlighted || hit.hovered ? Theme.selection : "transparent"
                }
                contentItem: Column {
                    spacing: 2
                    Label {
                        width: parent.width
                        text: hit.title
                        font.bold: true
                        elide: Text.ElideRight
                        color: Theme.text
                    }
                    Label {
                        width: parent.width
                        text: hit.snippetHtml
                        textFormat: Text.StyledText
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSize - 2
                        color: Theme.mutedText
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: searchList.count === 0
                text: qsTr("No matches.")
                color: Theme.mutedText
            }
        }

        Rectangle {
            Layout.fillWidth: true
            visible: ChatController.undoText.length > 0
            implicitHeight: undoRow.implicitHeight + 12
            radius: 8
            color: Theme.raised
            border.color: Theme.border
            RowLayout {
                id: undoRow
                anchors.fill: parent
                anchors.margins: 6
                Label {
                    Layout.fillWidth: true
                    text: ChatController.undoText
                    elide: Text.ElideRight
                    color: Theme.text
                }
                IconButton {
                    objectName: "undoButton"
                    text: qsTr("Undo")
                    tint: Theme.accent
                    tip: qsTr("Bring the deleted conversation back")
                    onClicked: ChatController.undoDelete()
                }
            }
        }

        Button {
            objectName: "libraryButton"
            Layout.fillWidth: true
            text: qsTr("Model library")
            Accessible.name: qsTr("Model library (Ctrl+L)")
            onClicked: sidebar.openLibrary()
        }
        CheckBox {
            Layout.fillWidth: true
            text: qsTr("Show archived")
            checked: ChatController.showArchived
            Accessible.name: text
            onToggled: ChatController.showArchived = checked
        }
    }
}
