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
    title: mode === 1 ? qsTr("Translate – Lantern")
         : ChatController.currentTitle.length > 0 ? qsTr("%1 – Lantern").arg(ChatController.currentTitle)
                                                  : qsTr("Lantern")
    color: Theme.window
    font.pixelSize: Theme.fontSize
    // Right-to-left UI languages (Arabic, Hebrew, Persian, Urdu) mirror the whole window.
    LayoutMirroring.enabled: Qt.application.layoutDirection === Qt.RightToLeft
    LayoutMirroring.childrenInherit: true

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
                Layout.preferredWidth: 120
            }
            TabBar {
                id: modeBar
                objectName: "modeBar"
                Layout.preferredWidth: 220
                currentIndex: window.mode
                background: null
                TabButton {
                    objectName: "chatTab"
                    contentItem: Label {
                        text: parent.text
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: parent.checked ? Theme.accent : Theme.mutedText
                        font.bold: parent.checked
                    }
                    background: Rectangle {
                        color: parent.hovered ? Theme.surface : "transparent"
                        Rectangle {
                            anchors.bottom: parent.bottom
                            width: parent.width
                            height: 3
                            color: Theme.accent
                            visible: window.mode === 0
                        }
                    }
                    text: qsTr("Chat")
                    Accessible.name: qsTr("Chat mode")
                    onClicked: window.mode = 0
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Chat (Ctrl+T switches)")
                }
                TabButton {
                    objectName: "translateTab"
                    contentItem: Label {
                        text: parent.text
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: parent.checked ? Theme.accent : Theme.mutedText
                        font.bold: parent.checked
                    }
                    background: Rectangle {
                        color: parent.hovered ? Theme.surface : "transparent"
                        Rectangle {
                            anchors.bottom: parent.bottom
                            width: parent.width
                            height: 3
                            color: Theme.accent
                            visible: window.mode === 1
                        }
                    }
                    text: qsTr("Translate")
                    Accessible.name: qsTr("Translate mode")
                    onClicked: window.mode = 1
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Translate (Ctrl+T switches)")
                }
            }
            ModelPicker {
                id: modelPicker
                objectName: "modelPicker"
                onOpenLibrary: libraryDialog.open()
            }
            Item { Layout.fillWidth: true }
            ServerChip {
                objectName: "serverChip"
                visible: running || (AppSettings.serverEnabled && error.length > 0)
                running: ApiServerController.running
                port: ApiServerController.port
                url: ApiServerController.url
                error: ApiServerController.lastError
                onClicked: settingsDialog.openServerSettings()
            }
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

    // 0: chat, 1: translate
    property int mode: 0

    StackLayout {
        anchors.fill: parent
        currentIndex: window.mode

    RowLayout {
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.preferredWidth: 280
            Layout.fillHeight: true
            onOpenLibrary: libraryDialog.open()
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

    TranslateView {
        id: translateView
        objectName: "translateView"
    }
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
    }
    LibraryDialog {
        id: libraryDialog
        objectName: "libraryDialog"
    }
    DatabaseRecovery {
        objectName: "databaseRecovery"
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
        sequence: "Ctrl+L"
        onActivated: libraryDialog.opened ? libraryDialog.close() : libraryDialog.open()
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: "Escape"
        enabled: window.mode === 0 ? ChatController.generating : TranslateController.busy
        onActivated: window.mode === 0 ? ChatController.stop() : TranslateController.stop()
    }
    Shortcut {
        sequence: "Ctrl+T"
        onActivated: {
            window.mode = window.mode === 0 ? 1 : 0
            if (window.mode === 1)
                translateView.focusSource()
            else
                chatView.focusComposer()
        }
    }
    Component.onCompleted: chatView.focusComposer()
}
