import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Lantern

// Settings → Model library: whether the library may use the network at all (off until allowed), the hub's
// address (a mirror; $HF_ENDPOINT sets the default), a token for gated models (kept in the system keychain
// only) and the models folder, which "Change…" moves with everything in it.
GridLayout {
    id: page

    function localPath(url) { return decodeURIComponent(url.toString().replace(/^file:\/\//, "")) }

    columns: 2
    columnSpacing: 16
    rowSpacing: 10

    Label { text: qsTr("Network"); color: Theme.text }
    Switch {
        objectName: "libraryNetworkSwitch"
        Layout.fillWidth: true
        palette.dark: Theme.accent  // the Basic style's "on" track
        text: qsTr("Search and download models")
        checked: LibraryController.networkAllowed
        Accessible.name: qsTr("Let the model library search and download models from %1").arg(LibraryController.endpointHost)
        onToggled: LibraryController.networkAllowed = checked
    }
    Label {
        horizontalAlignment: Text.AlignLeft
        Layout.columnSpan: 2
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
        text: LibraryController.networkAllowed
              ? qsTr("The library contacts %1 only when you search or download.").arg(LibraryController.endpointHost)
              : LibraryController.offlineText
    }
    Label { text: qsTr("Hub address"); color: Theme.text }
    TextField {
        id: endpointField
        objectName: "hubEndpointField"
        Layout.fillWidth: true
        text: LibraryController.hubEndpoint
        placeholderText: LibraryController.defaultEndpoint
        font.family: Theme.monoFamily
        color: Theme.text
        selectByMouse: true
        Accessible.name: qsTr("Model hub address, empty for %1").arg(LibraryController.defaultEndpoint)
        onEditingFinished: endpointError.text = LibraryController.setHubEndpoint(text)
    }
    Label {
        id: endpointError
        horizontalAlignment: Text.AlignLeft
        Layout.columnSpan: 2
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.danger
        font.pixelSize: Theme.fontSize - 2
        visible: text.length > 0
        text: ""
    }
    Label {
        horizontalAlignment: Text.AlignLeft
        Layout.columnSpan: 2
        Layout.fillWidth: true
        visible: endpointError.text.length === 0
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
        text: qsTr("Empty uses %1. A mirror that copies the hub's API works too; the HF_ENDPOINT environment "
                   + "variable sets the default, as for other Hugging Face tools.").arg(LibraryController.defaultEndpoint)
    }
    Label { text: qsTr("Access token"); color: Theme.text }
    RowLayout {
        Layout.fillWidth: true
        TextField {
            id: tokenField
            objectName: "hubTokenField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: LibraryController.hasToken ? qsTr("stored in the system keychain") : qsTr("none (only gated models need one)")
            selectByMouse: true
            Accessible.name: qsTr("Hub access token, stored in the system keychain")
        }
        Button {
            text: qsTr("Save")
            enabled: tokenField.text.length > 0
            Accessible.name: qsTr("Save the access token in the system keychain")
            onClicked: {
                LibraryController.setHubToken(tokenField.text)
                tokenField.text = ""
            }
        }
        Button {
            visible: LibraryController.hasToken
            text: qsTr("Remove")
            Accessible.name: qsTr("Remove the access token from the system keychain")
            onClicked: LibraryController.setHubToken("")
        }
    }
    Label {
        horizontalAlignment: Text.AlignLeft
        objectName: "keychainText"
        Layout.columnSpan: 2
        Layout.fillWidth: true
        visible: text.length > 0
        wrapMode: Text.Wrap
        color: LibraryController.keychainFailed ? Theme.danger : Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
        text: LibraryController.keychainText
    }
    Label { text: qsTr("Models folder"); color: Theme.text }
    RowLayout {
        Layout.fillWidth: true
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            text: LibraryController.modelsDir
            color: Theme.text
            elide: Text.ElideMiddle
        }
        Button {
            objectName: "moveModelsButton"
            text: qsTr("Change…")
            enabled: !LibraryController.busy
            Accessible.name: qsTr("Move the models to another folder")
            onClicked: moveFolderDialog.open()
        }
    }
    ProgressBar {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        visible: LibraryController.busy
        from: 0
        to: 1
        value: Math.max(0, LibraryController.busyProgress)
        indeterminate: LibraryController.busyProgress < 0
        palette.dark: Theme.accent
        Accessible.name: LibraryController.busyText
    }

    FolderDialog {
        id: moveFolderDialog
        title: qsTr("Move the models to")
        onAccepted: {
            moveConfirm.folder = selectedFolder
            moveConfirm.open()
        }
    }
    ConfirmDialog {
        id: moveConfirm
        property url folder
        parent: Overlay.overlay
        title: qsTr("Move the models?")
        text: qsTr("Every model in %1, and unfinished downloads, will move to %2.")
              .arg(LibraryController.modelsDir).arg(page.localPath(folder))
        acceptText: qsTr("Move")
        onAccepted: LibraryController.moveModelsFolder(folder)
    }
}
