import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The model library over the main window (the sidebar's "Model library", the model menu's "Get more models…",
// Ctrl+L). Closes with Escape, its Close button or Ctrl+L again (the window's own Ctrl+L is blocked while this
// modal dialog is open, so the dialog holds its own).
Dialog {
    id: dialog

    function openAt(tab) {
        view.currentTab = tab
        open()
    }

    title: qsTr("Model library")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(1040, (parent ? parent.width : 1040) - 40)
    height: Math.min(760, (parent ? parent.height : 760) - 40)
    padding: 0
    background: Rectangle {
        radius: Theme.radius
        color: Theme.window
        border.color: Theme.border
    }
    header: RowLayout {
        spacing: 8
        Label {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.bottomMargin: 0
            text: dialog.title
            font.pixelSize: Theme.fontSize + 4
            font.bold: true
            color: Theme.text
        }
        IconButton {
            objectName: "closeLibrary"
            Layout.margins: 12
            Layout.bottomMargin: 0
            text: "✕"
            tip: qsTr("Close the model library")
            onClicked: dialog.close()
        }
    }

    onAboutToShow: view.offlineDismissed = false

    Shortcut {
        sequence: "Ctrl+L"
        enabled: dialog.opened
        onActivated: dialog.close()
    }

    LibraryView {
        id: view
        objectName: "libraryView"
        anchors.fill: parent
        background: null
    }
}
