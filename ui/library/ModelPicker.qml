import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Lantern

// The model menu in the header: which model answers, its load state, the models in Lantern's folder,
// "Open GGUF…", "Get more models…" (the model library), and the device and memory in use.
Button {
    id: picker

    readonly property var models: ChatController.models

    // "Get more models…": the main window opens the model library.
    signal openLibrary()

    function openPopup() { popup.open() }

    focusPolicy: Qt.StrongFocus
    Accessible.name: qsTr("Model: %1").arg(text)
    text: models.modelPath.length === 0 ? qsTr("Choose a model") : models.modelName
    onClicked: popup.opened ? popup.close() : popup.open()

    contentItem: RowLayout {
        spacing: 8
        Rectangle {
            implicitWidth: 8
            implicitHeight: 8
            radius: 4
            color: picker.models.state === "ready" ? "#3fb950"
                 : picker.models.state === "loading" ? Theme.warning
                 : picker.models.state === "error" ? Theme.danger : Theme.mutedText
        }
        Label {
            text: picker.text
            color: Theme.text
            elide: Text.ElideMiddle
            Layout.maximumWidth: 320
        }
        Label {
            text: "▾"
            color: Theme.mutedText
        }
    }
    background: Rectangle {
        implicitHeight: 32
        radius: 8
        color: picker.hovered || popup.opened ? Theme.surface : "transparent"
        border.color: picker.visualFocus ? Theme.accent : Theme.border
    }

    Popup {
        id: popup
        objectName: "modelPopup"
        y: picker.height + 6
        width: 420
        padding: 12
        focus: true
        onOpened: picker.models.refreshLibrary()
        background: Rectangle {
            radius: Theme.radius
            color: Theme.raised
            border.color: Theme.border
        }

        contentItem: ColumnLayout {
            spacing: 8

            Label {
                text: qsTr("Models in %1").arg(AppSettings.modelFolder)
                color: Theme.mutedText
                font.pixelSize: Theme.fontSize - 2
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Repeater {
                model: picker.models.library
                delegate: ItemDelegate {
                    id: entry
                    required property var modelData
                    Layout.fillWidth: true
                    highlighted: modelData.path === picker.models.modelPath
                    Accessible.name: modelData.fileName
                    onClicked: {
                        picker.models.load(modelData.path)
                        popup.close()
                    }
                    Accessible.description: entry.modelData.planText || ""
                    contentItem: ColumnLayout {
                        spacing: 2
                        RowLayout {
                            Label {
                                Layout.fillWidth: true
                                text: entry.modelData.fileName
                                elide: Text.ElideMiddle
                                color: Theme.text
                                font.bold: entry.highlighted
                            }
                            Label {
                                text: entry.modelData.sizeText
                                color: Theme.mutedText
                            }
                        }
                        // Where it would go, before loading: fits, experts partly in system memory, or why not.
                        Label {
                            Layout.fillWidth: true
                            visible: text.length > 0
                            text: entry.modelData.planText || ""
                            wrapMode: Text.Wrap
                            font.pixelSize: Theme.fontSize - 2
                            color: entry.modelData.planState === "too-big" || entry.modelData.planState === "error"
                                   ? Theme.danger : Theme.mutedText
                        }
                    }
                    background: Rectangle {
                        radius: 8
                        color: entry.hovered || entry.visualFocus ? Theme.selection : "transparent"
                    }
                }
            }
            Label {
                visible: picker.models.library.length === 0
                text: qsTr("No GGUF files in this folder yet.")
                color: Theme.mutedText
            }
            RowLayout {
                spacing: 8
                Button {
                    text: qsTr("Open GGUF…")
                    Accessible.name: qsTr("Open a GGUF model file")
                    onClicked: fileDialog.open()
                }
                Button {
                    objectName: "getMoreModels"
                    text: qsTr("Get more models…")
                    Accessible.name: qsTr("Get more models from the model library (Ctrl+L)")
                    onClicked: {
                        popup.close()
                        picker.openLibrary()
                    }
                }
            }

            Rectangle { Layout.fillWidth: true; implicitHeight: 1; color: Theme.border }

            ProgressBar {
                Layout.fillWidth: true
                visible: picker.models.state === "loading"
                value: picker.models.progress
                Accessible.name: qsTr("Loading progress")
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: picker.models.state === "error" ? Theme.danger : Theme.mutedText
                text: picker.models.state === "loading" ? picker.models.stageText
                    : picker.models.state === "error" ? picker.models.errorText
                    : picker.models.state === "ready"
                      ? qsTr("Running on %1. %2").arg(picker.models.deviceName).arg(picker.models.memoryText)
                      : qsTr("No model loaded.")
            }
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: picker.models.loadUrl(selectedFile)
    }
}
