import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The open conversation's header strip: where its text may go (privacy), which engine answers (routing
// policy, only when it may use remote), and the cost lens of the whole conversation.
RowLayout {
    id: header

    readonly property var routing: ChatController.routing
    readonly property bool isPrivate: routing.privacy === "private"
    // Local, each endpoint by name, Automatic (storage's spellings as values).
    readonly property var policyChoices: {
        let choices = [{ text: qsTr("On this computer"), value: "local" }]
        for (const e of routing.endpoints)
            choices.push({ text: e.name, value: "remote:" + e.endpointId })
        choices.push({ text: qsTr("Automatic"), value: "auto" })
        return choices
    }

    function policyIndex() {
        const p = routing.policy.startsWith("auto") ? "auto" : routing.policy
        for (let i = 0; i < policyChoices.length; ++i) {
            if (policyChoices[i].value === p)
                return i
        }
        return 0
    }

    spacing: 8

    Button {
        id: privacyButton
        objectName: "privacyButton"
        focusPolicy: Qt.StrongFocus
        text: header.isPrivate ? qsTr("Private — this computer only") : qsTr("May use remote")
        Accessible.name: header.isPrivate
                         ? qsTr("Private: this conversation never leaves this computer. Press to allow remote endpoints.")
                         : qsTr("This conversation may use remote endpoints. Press to make it private.")
        ToolTip.visible: hovered
        ToolTip.delay: 600
        ToolTip.text: header.isPrivate
                      ? qsTr("Nothing of this conversation is sent anywhere. Click to allow remote endpoints for it.")
                      : header.routing.localOnly
                        ? qsTr("“Local only” is on in Settings, so this conversation stays here anyway.")
                        : qsTr("Answers may come from the remote endpoints you set up. Click to make it private again.")
        onClicked: header.isPrivate ? privacyDialog.open() : header.routing.setPrivacy("private")

        contentItem: RowLayout {
            spacing: 6
            Rectangle {
                implicitWidth: 8
                implicitHeight: 8
                radius: 4
                color: header.isPrivate ? "#3fb950" : Theme.warning
            }
            Label {
                text: privacyButton.text
                color: Theme.text
                font.pixelSize: Theme.fontSize - 2
            }
        }
        background: Rectangle {
            implicitHeight: 26
            radius: 13
            color: privacyButton.hovered ? Theme.selection : Theme.surface
            border.width: privacyButton.visualFocus ? 2 : 1
            border.color: privacyButton.visualFocus ? Theme.accent : header.isPrivate ? Theme.border : Theme.warning
        }
    }

    ComboBox {
        id: policyBox
        objectName: "policyBox"
        visible: !header.isPrivate && !header.routing.localOnly
        Layout.preferredWidth: 200
        implicitHeight: 28
        font.pixelSize: Theme.fontSize - 2
        model: header.policyChoices
        textRole: "text"
        valueRole: "value"
        currentIndex: header.policyIndex()
        Accessible.name: qsTr("Who answers this conversation")
        ToolTip.visible: hovered
        ToolTip.delay: 600
        ToolTip.text: qsTr("Automatic: this computer, unless the prompt does not fit its model or you ask for a deep answer.")
        onActivated: (index) => header.routing.setPolicy(header.policyChoices[index].value)
    }

    Label {
        visible: !header.isPrivate && !header.routing.localOnly && header.routing.endpoints.length === 0
        text: qsTr("No remote endpoint is set up yet: add one in Settings.")
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 3
        elide: Text.ElideRight
    }

    Label {
        id: costLabel
        objectName: "costLens"
        text: ChatController.costText
        visible: text.length > 0
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 3
        elide: Text.ElideRight
        horizontalAlignment: Text.AlignRight
        Layout.fillWidth: true
        Accessible.name: text
        HoverHandler { id: costHover }
        ToolTip.visible: costHover.hovered && ChatController.costDetail.length > 0
        ToolTip.delay: 400
        ToolTip.text: ChatController.costDetail
    }

    PrivacyDialog {
        id: privacyDialog
        objectName: "privacyDialog"
        onAccepted: header.routing.setPrivacy("remote")
    }
}
