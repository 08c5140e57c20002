import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// A calm strip for errors and notices: a sentence, optional actions, a close button.
Rectangle {
    id: banner

    property string text
    property string title
    property bool error: true
    property alias actions: actionRow.data
    signal dismissed()

    implicitHeight: layout.implicitHeight + 20
    radius: Theme.radius
    color: error ? Theme.dangerBackground : Theme.surface
    border.color: error ? Theme.danger : Theme.border
    visible: text.length > 0
    Accessible.role: Accessible.AlertMessage
    Accessible.name: title.length > 0 ? title + " " + text : text

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 10
        spacing: 10

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Label {
                Layout.fillWidth: true
                visible: banner.title.length > 0
                text: banner.title
                font.bold: true
                color: banner.error ? Theme.danger : Theme.text
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                text: banner.text
                color: Theme.text
                wrapMode: Text.Wrap
            }
            RowLayout {
                id: actionRow
                spacing: 8
            }
        }
        IconButton {
            Layout.alignment: Qt.AlignTop
            text: "✕"
            tip: qsTr("Dismiss")
            onClicked: banner.dismissed()
        }
    }
}
