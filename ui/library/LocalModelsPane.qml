import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Lantern

// "On this computer": the models folder (change it: everything moves), import a GGUF file (copy or link),
// and every model in the folder.
ColumnLayout {
    id: pane

    function localPath(url) { return decodeURIComponent(url.toString().replace(/^file:\/\//, "")) }

    spacing: 10

    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            text: qsTr("Models folder: %1").arg(LibraryController.modelsDir)
            color: Theme.mutedText
            elide: Text.ElideMiddle
        }
        Button {
            objectName: "importButton"
            text: qsTr("Import…")
            enabled: !LibraryController.busy
            Accessible.name: qsTr("Import a GGUF model file")
            onClicked: importFileDialog.open()
        }
        Button {
            objectName: "changeFolderButton"
            text: qsTr("Change folder…")
            enabled: !LibraryController.busy
            Accessible.name: qsTr("Move the models to another folder")
            onClicked: folderDialog.open()
        }
        Button {
            text: qsTr("Open folder")
            Accessible.name: qsTr("Open the models folder in the file manager")
            onClicked: LibraryController.reveal("")
        }
    }
    RowLayout {
        Layout.fillWidth: true
        visible: LibraryController.busy
        spacing: 8
        ProgressBar {
            Layout.fillWidth: true
            from: 0
            to: 1
            value: Math.max(0, LibraryController.busyProgress)
            indeterminate: LibraryController.busyProgress < 0
            palette.dark: Theme.accent
            Accessible.name: LibraryController.busyText
        }
        Label { text: LibraryController.busyText; color: Theme.text; elide: Text.ElideMiddle; Layout.maximumWidth: 360 }
        Button {
            text: qsTr("Stop")
            Accessible.name: qsTr("Stop: %1").arg(LibraryController.busyText)
            onClicked: LibraryController.cancelBusy()
        }
    }

    ListView {
        id: list
        objectName: "localList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: 8
        model: LibraryController.localModels
        boundsBehavior: Flickable.StopAtBounds
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Models on this computer")
        ScrollBar.vertical: ScrollBar { }
        delegate: LocalModelRow {
            onDeleteRequested: (path, name) => {
                deleteDialog.path = path
                deleteDialog.text = qsTr("%1 will be deleted from %2. Downloading it again takes as long as the "
                                         + "first time.").arg(name).arg(LibraryController.modelsDir)
                deleteDialog.open()
            }
        }
        Label {
            anchors.centerIn: parent
            width: parent.width - 40
            visible: list.count === 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: qsTr("No models in this folder yet. Download one from the catalogue, or import a GGUF file you have.")
        }
    }

    ConfirmDialog {
        id: deleteDialog
        objectName: "deleteDialog"
        property string path
        title: qsTr("Delete this model?")
        acceptText: qsTr("Delete")
        danger: true
        onAccepted: LibraryController.deleteModel(path)
    }
    ConfirmDialog {
        id: importDialog
        objectName: "importDialog"
        property url file
        title: qsTr("Import %1").arg(pane.localPath(file).split("/").pop())
        text: qsTr("Copy the file into the models folder, or link to it where it is (no extra space, but "
                   + "the model is gone if the original moves).")
        acceptText: qsTr("Copy")
        onAccepted: LibraryController.importModel(file, false)
        footer: DialogButtonBox {
            alignment: Qt.AlignRight
            padding: 16
            background: null
            Button {
                text: qsTr("Cancel")
                Accessible.name: text
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
            Button {
                text: qsTr("Link")
                Accessible.name: qsTr("Link to the file where it is")
                DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
                onClicked: {
                    importDialog.close()
                    LibraryController.importModel(importDialog.file, true)
                }
            }
            AccentButton {
                text: qsTr("Copy")
                Accessible.name: qsTr("Copy the file into the models folder")
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
        }
    }
    ConfirmDialog {
        id: moveDialog
        property url folder
        title: qsTr("Move the models?")
        text: qsTr("Every model in %1, and unfinished downloads, will move to %2. Downloads pause while they move.")
              .arg(LibraryController.modelsDir).arg(pane.localPath(folder))
        acceptText: qsTr("Move")
        onAccepted: LibraryController.moveModelsFolder(folder)
    }

    FileDialog {
        id: importFileDialog
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: {
            importDialog.file = selectedFile
            importDialog.open()
        }
    }
    FolderDialog {
        id: folderDialog
        title: qsTr("Move the models to")
        onAccepted: {
            moveDialog.folder = selectedFolder
            moveDialog.open()
        }
    }
}
