import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Shown once at start when the conversation database was damaged: where the damaged file was kept,
// and the two ways on (the last good copy, or the empty database Lantern already runs on).
Dialog {
    id: dialog

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(560, (parent ? parent.width : 560) - 40)
    modal: true
    closePolicy: Popup.NoAutoClose
    padding: 20
    title: qsTr("The conversation database was damaged")
    visible: DatabaseRecoveryState.pending
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
            objectName: "recoveryMessage"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.text
            text: DatabaseRecoveryState.message
        }
        Label {
            Layout.fillWidth: true
            visible: text.length > 0
            wrapMode: Text.Wrap
            color: Theme.text
            text: DatabaseRecoveryState.errorText
        }
    }

    footer: DialogButtonBox {
        alignment: Qt.AlignRight
        padding: 16
        background: null
        Button {
            objectName: "startEmptyButton"
            text: DatabaseRecoveryState.canRestore ? qsTr("Start with an empty one") : qsTr("Continue")
            Accessible.name: text
            onClicked: DatabaseRecoveryState.startEmpty()
        }
        Button {
            objectName: "openLastGoodButton"
            visible: DatabaseRecoveryState.canRestore
            text: qsTr("Open the last good copy")
            Accessible.name: text
            highlighted: true
            onClicked: DatabaseRecoveryState.openLastGood()
        }
    }
}
