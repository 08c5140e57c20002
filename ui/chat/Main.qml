import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// The main window: conversations on the left, the open chat on the right, the model and settings in
// the header.
ApplicationWindow {
    id: window

    width: 1180
    height: 760
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: ChatController.currentTitle.length > 0 ? qsTr("%1 – Lantern").arg(ChatController.currentTitle)
                                                  : qsTr("Lantern")
    color: Theme.window
    font.pixelSize: Theme.fontSize

    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.raised
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.mutedText
    palette.mid: Theme.border
    palette.midlight: Theme.border
    palette.light: Theme.raised
    palette.dark: Theme.mutedText
    palette.toolTipBase: Theme.raised
    palette.toolTipText: Theme.text

    header: ToolBar {
        background: Rectangle {
            color: Theme.window
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 12
            spacing: 8

            Label {
                text: qsTr("Lantern")
                font.pixelSize: Theme.fontSize + 3
                font.bold: true
                color: Theme.accent
                Layout.preferredWidth: 256
            }
            ModelPicker {
                id: modelPicker
                objectName: "modelPicker"
            }
            Item { Layout.fillWidth: true }
            IconButton {
                text: Theme.dark ? "☀" : "☾"
                font.pixelSize: Theme.fontSize + 3
                tip: Theme.dark ? qsTr("Use the light theme") : qsTr("Use the dark theme")
                onClicked: AppSettings.theme = Theme.dark ? "light" : "dark"
            }
            IconButton {
                objectName: "settingsButton"
                text: "⚙"
                font.pixelSize: Theme.fontSize + 4
                tip: qsTr("Settings (Ctrl+,)")
                onClicked: settingsDialog.open()
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.preferredWidth: 280
            Layout.fillHeight: true
        }
        Rectangle {
            Layout.fillHeight: true
            width: 1
            color: Theme.border
        }
        ChatView {
            id: chatView
            objectName: "chatView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            onChooseModel: modelPicker.openPopup()
        }
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: {
            ChatController.newConversation()
            chatView.focusComposer()
        }
    }
    Shortcut {
        sequences: [StandardKey.Find, "Ctrl+K"]
        onActivated: sidebar.focusSearch()
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: "Escape"
        enabled: ChatController.generating
        onActivated: ChatController.stop()
    }
    Component.onCompleted: chatView.focusComposer()
}
