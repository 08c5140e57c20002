import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Where the user writes. Enter sends, Shift+Enter starts a new line; Stop while an answer streams.
// Below: how much of the model's context the conversation plus this draft would use.
Rectangle {
    id: composer

    readonly property int used: ChatController.draftTokens
    readonly property int limit: ChatController.contextLimit
    readonly property real fill: limit > 0 ? Math.min(1, used / limit) : 0

    function focusInput() { input.forceActiveFocus() }
    function setText(text) {
        input.text = text
        input.cursorPosition = text.length
        input.forceActiveFocus()
    }
    function send() {
        if (ChatController.send(input.text))
            input.clear()
    }

    implicitHeight: layout.implicitHeight + 20
    radius: 16
    color: Theme.raised
    border.color: input.activeFocus ? Theme.accent : Theme.border

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6

        RowLayout {
            spacing: 8
            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 40), 200)
                FormTextArea {
                    id: input
                    objectName: "composerInput"
                    placeholderText: qsTr("Message Lantern…  (Enter sends, Shift+Enter for a new line)")
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    background: null
                    Accessible.name: qsTr("Message")
                    onTextChanged: ChatController.updateDraft(text)
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            if (!ChatController.generating)
                                composer.send()
                            event.accepted = true
                        }
                    }
                }
            }
            AccentButton {
                objectName: ChatController.generating ? "stopButton" : "sendButton"
                Layout.alignment: Qt.AlignBottom
                text: ChatController.generating ? qsTr("Stop") : qsTr("Send")
                danger: ChatController.generating
                enabled: ChatController.generating || input.text.trim().length > 0
                onClicked: ChatController.generating ? ChatController.stop() : composer.send()
            }
        }

        RowLayout {
            spacing: 8
            Switch {
                id: deepSwitch
                objectName: "deepAnswer"
                visible: ChatController.routing.deepAvailable
                checked: ChatController.routing.deepAnswer
                onToggled: ChatController.routing.deepAnswer = checked
                text: qsTr("Deep answer")
                font.pixelSize: Theme.fontSize - 3
                Accessible.name: qsTr("Deep answer: send this message to the remote endpoint")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Send this one message to the remote endpoint instead of the model on this computer.")
            }
            Rectangle {
                Layout.preferredWidth: 90
                implicitHeight: 4
                radius: 2
                color: Theme.border
                Accessible.role: Accessible.ProgressBar
                Accessible.name: qsTr("Context used")
                Rectangle {
                    width: parent.width * composer.fill
                    height: parent.height
                    radius: 2
                    color: composer.fill > 0.9 ? Theme.danger : composer.fill > 0.75 ? Theme.warning : Theme.accent
                }
            }
            Label {
                text: (ChatController.draftTokensEstimated ? qsTr("about %1 / %2 tokens") : qsTr("%1 / %2 tokens"))
                      .arg(composer.used).arg(composer.limit)
                color: Theme.mutedText
                font.pixelSize: Theme.fontSize - 3
            }
            Label {
                Layout.fillWidth: true
                visible: composer.fill > 0.75
                elide: Text.ElideRight
                color: composer.fill > 0.9 ? Theme.danger : Theme.warning
                font.pixelSize: Theme.fontSize - 3
                text: composer.used > composer.limit
                      ? qsTr("Too long: the oldest messages will be left out (the system prompt is kept).")
                      : qsTr("Nearly full: soon the oldest messages will be left out.")
            }
        }
    }
}
