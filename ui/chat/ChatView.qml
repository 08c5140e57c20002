import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The open conversation: messages streaming in, notices, and the composer at the bottom.
Item {
    id: view

    signal chooseModel()

    readonly property int columnWidth: Math.min(width - 48, 820)
    readonly property var models: ChatController.models

    function focusComposer() { composer.focusInput() }

    ColumnLayout {
        anchors.fill: parent
        anchors.bottomMargin: 12
        spacing: 8

        ColumnLayout {
            Layout.preferredWidth: view.columnWidth
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 12
            Layout.fillHeight: false  // layouts fill by default; the messages get the room
            Layout.fillWidth: false
            spacing: 8

            ChatHeader {
                objectName: "chatHeader"
                Layout.fillWidth: true
            }
            Banner {
                objectName: "firstRunBanner"
                Layout.fillWidth: true
                error: false
                title: qsTr("Welcome to Lantern")
                text: view.models.firstRunNotice
                onDismissed: view.models.dismissFirstRunNotice()
            }
            RowLayout {
                objectName: "loadProgress"
                Layout.fillWidth: true
                visible: view.models.state === "loading"
                spacing: 10
                Label {
                    text: qsTr("Loading %1: %2").arg(view.models.modelName).arg(view.models.stageText)
                    color: Theme.mutedText
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                ProgressBar {
                    Layout.preferredWidth: 200
                    value: view.models.progress
                    Accessible.name: qsTr("Loading progress")
                }
            }
            Banner {
                objectName: "modelErrorBanner"
                Layout.fillWidth: true
                title: qsTr("The model could not be loaded")
                text: view.models.state === "error" ? view.models.errorText : ""
                onDismissed: view.models.reload()
                actions: [
                    AccentButton {
                        text: qsTr("Try again")
                        onClicked: view.models.reload()
                    },
                    Button {
                        text: qsTr("Choose another model…")
                        Accessible.name: text
                        onClicked: view.chooseModel()
                    }
                ]
            }
            Banner {
                Layout.fillWidth: true
                text: ChatController.errorText
                onDismissed: ChatController.dismissError()
            }
            Banner {
                Layout.fillWidth: true
                error: false
                text: ChatController.noticeText
                onDismissed: ChatController.dismissNotice()
            }
            Banner {
                // Hybrid routing asks before anything switches engines or first goes to a host.
                objectName: "routeQuestion"
                Layout.fillWidth: true
                error: false
                title: qsTr("Where should this be answered?")
                text: ChatController.routing.question
                onDismissed: ChatController.routing.answerQuestion("cancel")
                actions: [
                    AccentButton {
                        objectName: "routeAccept"
                        text: ChatController.routing.questionAccept
                        onClicked: ChatController.routing.answerQuestion("accept")
                    },
                    Button {
                        objectName: "routeOther"
                        visible: ChatController.routing.questionOther.length > 0
                        text: ChatController.routing.questionOther
                        Accessible.name: text
                        onClicked: ChatController.routing.answerQuestion("other")
                    },
                    Button {
                        text: qsTr("Cancel")
                        Accessible.name: text
                        onClicked: ChatController.routing.answerQuestion("cancel")
                    }
                ]
            }
        }

        ListView {
            id: messageList
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: count > 0
            clip: true
            spacing: 18
            model: ChatController.messages
            activeFocusOnTab: true
            keyNavigationEnabled: true
            highlightFollowsCurrentItem: false
            reuseItems: false
            cacheBuffer: 800
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Messages")
            topMargin: 12
            bottomMargin: 12

            // Follow the answer while the reader is at the bottom; leave them alone when they scrolled up.
            property bool pinnedToEnd: true
            onMovementEnded: pinnedToEnd = atYEnd
            onContentHeightChanged: if (pinnedToEnd) Qt.callLater(positionViewAtEnd)
            onCountChanged: if (pinnedToEnd) Qt.callLater(positionViewAtEnd)

            delegate: MessageDelegate {
                x: (ListView.view.width - width) / 2
                width: view.columnWidth
            }
            ScrollBar.vertical: ScrollBar { }

            Connections {
                target: ChatController
                function onJumpRequested(row, query) {
                    messageList.pinnedToEnd = false
                    messageList.currentIndex = row
                    messageList.positionViewAtIndex(row, ListView.Center)
                    flash.restart()
                }
                function onCurrentConversationChanged() {
                    messageList.pinnedToEnd = true
                    Qt.callLater(messageList.positionViewAtEnd)
                }
            }
            SequentialAnimation {
                id: flash
                PropertyAction { target: messageList; property: "highlightedRow"; value: messageList.currentIndex }
                PauseAnimation { duration: 1600 }
                PropertyAction { target: messageList; property: "highlightedRow"; value: -1 }
            }
            property int highlightedRow: -1
        }

        EmptyState {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: messageList.count === 0
            onSuggestion: (text) => composer.setText(text)
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.preferredWidth: view.columnWidth
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
