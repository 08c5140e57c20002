import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Asked once when a conversation is switched from Private to "may use remote": what would leave the machine.
Dialog {
    id: dialog

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(520, (parent ? parent.width : 520) - 40)
    modal: true
    padding: 20
    title: qsTr("Allow remote endpoints for this conversation?")
    background: Rectangle {
        radius: Theme.radius
        color: Theme.raised
        border.color: Theme.border
    }
    header: Label {
        text: dialog.title
        padding: 20
        bottomPadding: 0
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSize + 2
        font.bold: true
        color: Theme.text
    }

    ColumnLayout {
        width: parent.width
        spacing: 10
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.text
            text: qsTr("When an answer comes from a remote endpoint, this whole conversation is sent to it: every "
                       + "message so far, your system prompt and what you write next. The endpoint's owner can "
                       + "read and keep it.")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: qsTr("Your other conversations stay private. Before the first message goes to a new server, "
                       + "Lantern asks again, and each answer shows where it was written.")
        }
    }

    footer: DialogButtonBox {
        alignment: Qt.AlignRight
        padding: 16
        background: null
        Button {
            text: qsTr("Keep private")
            Accessible.name: text
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        Button {
            objectName: "allowRemoteButton"
            text: qsTr("Allow remote")
            Accessible.name: text
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
}
