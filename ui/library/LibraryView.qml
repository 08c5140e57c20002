import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The model library: the curated catalogue (with whether each model fits this computer), the download queue,
// the models on this computer, and a search of the model hub. While the network is not allowed a banner says
// so and every control that would reach the hub is disabled; allowing it asks first, naming the host.
Pane {
    id: view

    // 0 catalogue, 1 downloads, 2 on this computer, 3 search the hub
    property alias currentTab: tabs.currentIndex

    function allowNetwork() { networkDialog.open() }

    // The offline banner, closed for now (it comes back the next time the library opens).
    property bool offlineDismissed: false

    padding: 16
    background: Rectangle { color: Theme.window }

    component LibraryTab: TabButton {
        id: tab
        required property string label
        required property int tabIndex
        width: implicitWidth
        text: label
        Accessible.name: label
        contentItem: Label {
            text: tab.text
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
            color: tab.checked ? Theme.accent : Theme.mutedText
            font.bold: tab.checked
        }
        background: Rectangle {
            color: tab.hovered ? Theme.surface : "transparent"
            border.width: tab.visualFocus ? 2 : 0
            border.color: Theme.accent
            radius: 4
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 3
                color: Theme.accent
                visible: tab.checked
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        TabBar {
            id: tabs
            objectName: "libraryTabs"
            Layout.fillWidth: true
            background: null
            LibraryTab { objectName: "catalogueTab"; tabIndex: 0; label: qsTr("Catalogue") }
            LibraryTab {
                objectName: "downloadsTab"
                tabIndex: 1
                label: LibraryController.downloads.activeCount > 0
                       ? qsTr("Downloads (%1)").arg(LibraryController.downloads.activeCount) : qsTr("Downloads")
            }
            LibraryTab { objectName: "localTab"; tabIndex: 2; label: qsTr("On this computer") }
            LibraryTab { objectName: "hubTab"; tabIndex: 3; label: qsTr("Search the hub") }
        }

        Banner {
            objectName: "sandboxBanner"
            Layout.fillWidth: true
            visible: LibraryController.sandboxText.length > 0 && tabs.currentIndex !== 2 && !view.offlineDismissed
            error: false
            onDismissed: view.offlineDismissed = true
            title: qsTr("No network in this sandbox")
            text: LibraryController.sandboxText
        }
        Banner {
            objectName: "offlineBanner"
            Layout.fillWidth: true
            visible: !LibraryController.networkAllowed && LibraryController.sandboxText.length === 0
                     && tabs.currentIndex !== 2 && !view.offlineDismissed
            error: false
            onDismissed: view.offlineDismissed = true
            title: qsTr("Offline")
            text: LibraryController.offlineText
            actions: AccentButton {
                objectName: "allowNetworkButton"
                text: qsTr("Allow network access")
                onClicked: networkDialog.open()
            }
        }
        Banner {
            objectName: "finishedBanner"
            Layout.fillWidth: true
            visible: LibraryController.finishedPath.length > 0
            error: false
            text: qsTr("%1 is downloaded.").arg(LibraryController.finishedName)
            onDismissed: LibraryController.dismissFinished()
            actions: AccentButton {
                text: qsTr("Load now")
                Accessible.name: qsTr("Load %1 now").arg(LibraryController.finishedName)
                onClicked: LibraryController.loadFinished()
            }
        }
        Banner {
            objectName: "statusBanner"
            Layout.fillWidth: true
            visible: text.length > 0
            error: LibraryController.statusIsError
            text: LibraryController.statusText
            onDismissed: LibraryController.dismissStatus()
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            CataloguePane { }
            DownloadsPane { }
            LocalModelsPane { }
            HubSearchPane { }
        }
    }

    ConfirmDialog {
        id: networkDialog
        objectName: "networkDialog"
        title: qsTr("Allow network access?")
        text: qsTr("The model library will contact %1 to search for models and download the ones you choose. "
                   + "Nothing else is sent: your conversations never leave this computer. You can turn it off "
                   + "again in Settings → Model library.").arg(LibraryController.endpointHost)
        acceptText: qsTr("Allow")
        onAccepted: LibraryController.networkAllowed = true
    }
}
