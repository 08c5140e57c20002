import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The header's sign that the API server is on (issue 18): "API server on :8080", or that it is switched on
// but could not start. Clicking it opens the settings, where it is turned off.
Button {
    id: chip

    property bool running
    property int port
    property string url
    property string error

    focusPolicy: Qt.StrongFocus
    text: running ? qsTr("API server on :%1").arg(port) : qsTr("API server not running")
    Accessible.name: running ? qsTr("API server running at %1. Open its settings.").arg(url)
                             : qsTr("API server could not start: %1 Open its settings.").arg(error)
    ToolTip.visible: hovered
    ToolTip.delay: 600
    ToolTip.text: running ? qsTr("Other programs can use the loaded model at %1. Click to change or turn off.").arg(url)
                          : error

    contentItem: RowLayout {
        spacing: 6
        Rectangle {
            implicitWidth: 8
            implicitHeight: 8
            radius: 4
            color: chip.running ? "#3fb950" : Theme.danger
        }
        Label {
            text: chip.text
            color: chip.running ? Theme.text : Theme.danger
            font.pixelSize: Theme.fontSize - 2
        }
    }
    background: Rectangle {
        implicitHeight: 26
        radius: 13
        color: chip.hovered ? Theme.selection : Theme.surface
        border.width: chip.visualFocus ? 2 : 1
        border.color: chip.visualFocus ? Theme.accent : chip.running ? Theme.border : Theme.danger
    }
}
