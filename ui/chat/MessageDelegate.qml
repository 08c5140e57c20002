import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One message. The user's words sit in a bubble on the right; answers use the full column with
// markdown, code blocks and a folded reasoning section. Actions appear on hover or keyboard focus.
FocusScope {
    id: message

    required property int index
    required property var messageId
    required property string author
    required property string content
    required property var segments
    required property string messageState
    required property string errorText
    required property int siblingIndex
    required property int siblingCount
    required property string statsText
    required property string modelName
    required property bool remote
    required property string routeText
    required property string costText

    readonly property bool isUser: author === "user"
    readonly property bool streaming: messageState === "streaming"
    // Interrupted by the engine process stopping (errorText says how), not by Lantern closing.
    readonly property bool engineStopped: messageState === "interrupted" && errorText.length > 0
    readonly property bool isLast: index === ListView.view.count - 1
    property bool editing: false

    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You said") : qsTr("Lantern answered")) + ": " + content

    HoverHandler { id: hover }

    Rectangle {
        anchors.fill: parent
        anchors.margins: -6
        radius: Theme.radius
        color: Theme.selection
        visible: message.ListView.view !== null && message.ListView.view.highlightedRow === message.index
    }

    ColumnLayout {
        id: column
        width: parent.width
        spacing: 6

        Rectangle {
            id: bubble
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.preferredWidth: message.isUser && !message.editing
                                   ? Math.min(message.width * 0.8, userText.implicitWidth + 28) : message.width
            implicitHeight: message.editing ? editor.implicitHeight
                          : message.isUser ? userText.implicitHeight + 20 : body.implicitHeight
            radius: 16
            color: message.isUser ? Theme.userBubble : "transparent"

            Text {
                id: userText
                x: 14
                y: 10
                width: bubble.width - 28
                visible: message.isUser && !message.editing
                text: message.content
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }

            Column {
                id: body
                width: bubble.width
                spacing: 10
                visible: !message.isUser && !message.editing

                Repeater {
                    model: message.isUser ? [] : message.segments
                    delegate: Loader {
                        required property var modelData
                        readonly property var segment: modelData
                        width: body.width
                        sourceComponent: modelData.kind === "code" ? codeComponent
                                       : modelData.kind === "think" ? thinkComponent : textComponent
                    }
                }
                Label {
                    visible: message.streaming && message.content.length === 0
                    text: qsTr("Thinking…")
                    color: Theme.mutedText
                    font.italic: true
                    SequentialAnimation on opacity {
                        running: message.streaming
                        loops: Animation.Infinite
                        NumberAnimation { to: 0.35; duration: 700 }
                        NumberAnimation { to: 1; duration: 700 }
                    }
                }
            }

            MessageEditor {
                id: editor
                width: bubble.width
                visible: message.editing
                original: message.content
                onSave: (text) => {
                    message.editing = false
                    ChatController.editMessage(message.messageId, text)
                }
                onCancel: message.editing = false
            }
        }

        RowLayout {
            Layout.fillWidth: true
            visible: message.messageState === "error" || message.messageState === "cancelled"
                     || message.messageState === "interrupted"
            spacing: 8
            Label {
                id: stateLabel
                objectName: "messageStateText"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: message.messageState === "error" ? Theme.danger
                    : message.engineStopped ? Theme.warning : Theme.mutedText
                font.pixelSize: Theme.fontSize - 2
                text: message.messageState === "error" ? message.errorText
                    : message.messageState === "cancelled" ? qsTr("Stopped.")
                    : message.engineStopped ? message.errorText
                    : qsTr("This answer was interrupted when Lantern closed.")
            }
            // The engine stopped under this answer and is back: answer again beside it (the partial one is kept).
            Button {
                objectName: "retryButton"
                visible: message.engineStopped
                enabled: !ChatController.generating
                text: qsTr("Retry")
                Accessible.name: qsTr("Retry this answer")
                onClicked: ChatController.regenerate(message.messageId)
            }
        }

        // Who answered: this computer, or which endpoint (with the cost lens in the tooltip).
        Label {
            id: routeBadge
            objectName: "routeBadge"
            visible: !message.isUser && message.routeText.length > 0 && !message.editing
            Layout.maximumWidth: message.width
            text: (message.remote ? "☁ " : "⌂ ") + message.routeText
            elide: Text.ElideRight
            color: message.remote ? Theme.warning : Theme.mutedText
            font.pixelSize: Theme.fontSize - 3
            Accessible.name: message.routeText
            HoverHandler { id: badgeHover }
            // Its own tooltip, sized to its text (the shared attached one keeps an earlier, wider size).
            ToolTip {
                id: badgeTip
                visible: badgeHover.hovered
                delay: 400
                x: 0
                y: routeBadge.height + 4
                width: Math.min(implicitWidth, 460)
                text: [message.routeText, message.statsText, message.costText]
                      .filter((s) => s.length > 0).join("\n")
                contentItem: Text {
                    text: badgeTip.text
                    wrapMode: Text.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.fontSize - 2
                }
                background: Rectangle {
                    radius: 6
                    color: Theme.raised
                    border.color: Theme.border
                }
            }
        }

        MessageActions {
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.fillWidth: !message.isUser
            visible: !message.streaming && !message.editing
            opacity: hover.hovered || activeFocus || message.isLast || message.siblingCount > 1 ? 1 : 0
            shown: hover.hovered || message.isLast
            messageId: message.messageId
            isUser: message.isUser
            content: message.content
            siblingIndex: message.siblingIndex
            siblingCount: message.siblingCount
            statsText: message.statsText
            onEditRequested: message.editing = true
        }
    }

    Component {
        id: textComponent
        TextEdit {
            property var segment: parent ? parent.segment : ({})
            text: segment.html || ""
            textFormat: TextEdit.RichText
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.Wrap
            color: Theme.text
            selectionColor: Theme.accent
            selectedTextColor: Theme.accentText
            font.pixelSize: Theme.fontSize
            activeFocusOnPress: false
            onLinkActivated: (link) => ChatController.openLink(link)
            HoverHandler {
                cursorShape: parent.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.IBeamCursor
            }
        }
    }
    Component {
        id: codeComponent
        CodeBlock {
            segment: parent ? parent.segment : ({})
        }
    }
    Component {
        id: thinkComponent
        ThinkBlock {
            segment: parent ? parent.segment : ({})
        }
    }
}
