import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// A short question before something that cannot be taken back or that reaches outside this computer: what
// will happen in a sentence, and two buttons named after what they do.
Dialog {
    id: dialog

    property alias text: body.text
    property string acceptText: qsTr("OK")
    property bool danger: false

    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.max(280, Math.min(460, (parent ? parent.width : 460) - 40))
    padding: 20
    focus: true
    background: Rectangle {
        radius: Theme.radius
        color: Theme.raised
        border.color: Theme.border
    }
    // Title and text wrap to the dialog's width; an Item around each keeps the wrapped height from feeding back
    // into the dialog's implicit size (a Label there directly is a binding loop).
    header: Item {
        implicitHeight: titleLabel.implicitHeight
        Label {
            id: titleLabel
            width: parent.width
            text: dialog.title
            padding: 20
            bottomPadding: 0
            font.pixelSize: Theme.fontSize + 2
            font.bold: true
            color: Theme.text
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignLeft  // explicit, so that it mirrors for right-to-left languages
        }
    }
    contentItem: Item {
        implicitHeight: body.implicitHeight
        Label {
            id: body
            width: parent.width
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignLeft
            color: Theme.text
        }
    }
    footer: DialogButtonBox {
        alignment: Qt.AlignRight
        padding: 16
        background: null
        Button {
            text: qsTr("Cancel")
            Accessible.name: text
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        AccentButton {
            objectName: "confirmButton"
            text: dialog.acceptText
            danger: dialog.danger
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
}
