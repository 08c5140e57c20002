import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One model in the models folder: name, what it is (quantization, architecture, parameters, context, size),
// when it was last loaded, and Load, Show in folder and Delete (which asks first: see LocalModelsPane).
Rectangle {
    id: row

    required property string path
    required property string name
    required property string fileName
    required property string detailsText
    required property string lastUsedText
    required property string lastUsedFull
    required property bool isLink
    required property string error
    required property bool loaded

    signal deleteRequested(string path, string name)

    width: ListView.view ? ListView.view.width : 600
    implicitHeight: layout.implicitHeight + 24
    radius: Theme.radius
    color: row.loaded ? Theme.selection : Theme.raised
    border.color: row.error.length > 0 ? Theme.danger : Theme.border

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                // The name takes what it needs (eliding when long); the marks follow it, on either side.
                Label {
                    Layout.fillWidth: true
                    Layout.maximumWidth: Math.ceil(implicitWidth) + 1
                    horizontalAlignment: Text.AlignLeft
                    text: row.name
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    visible: row.loaded
                    text: qsTr("In use")
                    color: Theme.accent
                    font.pixelSize: Theme.fontSize - 2
                    font.bold: true
                }
                Label {
                    visible: row.isLink
                    text: qsTr("Linked")
                    color: Theme.mutedText
                    font.pixelSize: Theme.fontSize - 2
                }
                Item { Layout.fillWidth: true }
            }
            Label {
                horizontalAlignment: Text.AlignLeft
                Layout.fillWidth: true
                text: row.fileName
                color: Theme.mutedText
                font.pixelSize: Theme.fontSize - 3
                elide: Text.ElideMiddle
            }
            Label {
                horizontalAlignment: Text.AlignLeft
                Layout.fillWidth: true
                visible: row.detailsText.length > 0
                text: row.detailsText
                color: Theme.text
                font.pixelSize: Theme.fontSize - 2
                wrapMode: Text.Wrap
            }
            Label {
                horizontalAlignment: Text.AlignLeft
                Layout.fillWidth: true
                text: qsTr("Last used: %1").arg(row.lastUsedText)
                color: Theme.mutedText
                font.pixelSize: Theme.fontSize - 2
                ToolTip.visible: lastUsedHover.hovered && row.lastUsedFull.length > 0
                ToolTip.text: row.lastUsedFull
                HoverHandler { id: lastUsedHover }
            }
            Label {
                horizontalAlignment: Text.AlignLeft
                Layout.fillWidth: true
                visible: row.error.length > 0
                text: row.error
                color: Theme.danger
                font.pixelSize: Theme.fontSize - 2
                wrapMode: Text.Wrap
            }
        }
        AccentButton {
            objectName: "loadButton"
            visible: !row.loaded
            enabled: row.error.length === 0
            text: qsTr("Load")
            Accessible.name: qsTr("Load %1").arg(row.name)
            onClicked: LibraryController.load(row.path)
        }
        Button {
            objectName: "revealButton"
            text: qsTr("Show in folder")
            Accessible.name: qsTr("Show %1 in the file manager").arg(row.fileName)
            onClicked: LibraryController.reveal(row.path)
        }
        Button {
            objectName: "deleteButton"
            text: qsTr("Delete…")
            Accessible.name: qsTr("Delete %1 from this computer").arg(row.name)
            onClicked: row.deleteRequested(row.path, row.name)
        }
    }
}
