import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// "Search the hub": repositories with GGUF files for a query, most downloaded first; a repository's models
// grouped by quantization with their sizes; Download. Nothing is sent while the network is not allowed.
ColumnLayout {
    id: pane

    readonly property bool online: LibraryController.networkAllowed

    spacing: 10

    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        TextField {
            id: queryField
            objectName: "hubQuery"
            Layout.fillWidth: true
            enabled: pane.online
            placeholderText: qsTr("Search %1 for GGUF models, e.g. qwen3 or gemma").arg(LibraryController.endpointHost)
            selectByMouse: true
            color: Theme.text
            Accessible.name: qsTr("Search the model hub")
            onAccepted: LibraryController.search(text)
        }
        AccentButton {
            objectName: "hubSearchButton"
            text: LibraryController.searching ? qsTr("Searching…") : qsTr("Search")
            enabled: pane.online && queryField.text.trim().length > 0 && !LibraryController.searching
            Accessible.name: qsTr("Search the hub")
            onClicked: LibraryController.search(queryField.text)
        }
    }
    Label {
        horizontalAlignment: Text.AlignLeft
        Layout.fillWidth: true
        visible: text.length > 0
        wrapMode: Text.Wrap
        color: Theme.danger
        text: LibraryController.searchError
    }

    ListView {
        id: list
        objectName: "hubResults"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: 8
        model: LibraryController.hubSearch
        boundsBehavior: Flickable.StopAtBounds
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Search results")
        ScrollBar.vertical: ScrollBar { }
        delegate: Rectangle {
            id: repoRow
            required property string repoId
            required property string statsText
            required property string filesState
            required property string filesError
            required property var files
            width: ListView.view.width
            implicitHeight: repoLayout.implicitHeight + 24
            radius: Theme.radius
            color: Theme.raised
            border.color: Theme.border
            ColumnLayout {
                id: repoLayout
                anchors.fill: parent
                anchors.margins: 12
                spacing: 6
                RowLayout {
                    Layout.fillWidth: true
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Label { Layout.fillWidth: true; horizontalAlignment: Text.AlignLeft; text: repoRow.repoId; font.bold: true; color: Theme.text; elide: Text.ElideMiddle }
                        Label { text: repoRow.statsText; color: Theme.mutedText; font.pixelSize: Theme.fontSize - 3 }
                    }
                    Button {
                        visible: repoRow.filesState === "" || repoRow.filesState === "error"
                        enabled: pane.online
                        text: qsTr("Show files")
                        Accessible.name: qsTr("Show the GGUF files of %1").arg(repoRow.repoId)
                        onClicked: LibraryController.listFiles(repoRow.repoId)
                    }
                    BusyIndicator {
                        visible: repoRow.filesState === "listing"
                        running: visible
                        implicitWidth: 24
                        implicitHeight: 24
                    }
                }
                Label {
                    horizontalAlignment: Text.AlignLeft
                    Layout.fillWidth: true
                    visible: repoRow.filesError.length > 0
                    text: repoRow.filesError
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSize - 2
                }
                Label {
                    visible: repoRow.filesState === "listed" && repoRow.files.length === 0
                    text: qsTr("No complete GGUF model in this repository.")
                    color: Theme.mutedText
                }
                Repeater {
                    model: repoRow.files
                    delegate: RowLayout {
                        required property var modelData
                        required property int index
                        Layout.fillWidth: true
                        spacing: 8
                        Label { text: modelData.quant; color: Theme.text; font.bold: true; Layout.preferredWidth: 90 }
                        Label {
                            horizontalAlignment: Text.AlignLeft
                            Layout.fillWidth: true
                            text: modelData.filesText
                            color: Theme.mutedText
                            font.pixelSize: Theme.fontSize - 2
                            elide: Text.ElideMiddle
                        }
                        Label { text: modelData.sizeText; color: Theme.text }
                        Button {
                            text: qsTr("Download")
                            enabled: pane.online
                            Accessible.name: qsTr("Download %1 %2").arg(repoRow.repoId).arg(modelData.quant)
                            onClicked: LibraryController.downloadHubFiles(repoRow.repoId, index)
                        }
                    }
                }
            }
        }
        Label {
            anchors.centerIn: parent
            width: parent.width - 40
            visible: list.count === 0 && !LibraryController.searching
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: LibraryController.searchedFor.length > 0 && LibraryController.searchError.length === 0
                  ? qsTr("No repository with GGUF files matches “%1”.").arg(LibraryController.searchedFor)
                  : qsTr("Any GGUF model on the hub can be downloaded here. The catalogue's are checked to run well.")
        }
    }
}
