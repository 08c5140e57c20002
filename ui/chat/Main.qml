import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ApplicationWindow {
    id: window

    width: 1100
    height: 720
    visible: true
    title: qsTr("Lantern")

    ColumnLayout {
        anchors.centerIn: parent
        spacing: 12

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Lantern")
            font.pixelSize: 32
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Private chat with language models on your own computer.")
            opacity: 0.7
        }
    }
}
