import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Translate mode: the source text beside its translation, aligned sentence by sentence as it streams in;
// languages, style and glossary above; dropped files and folders become jobs in the queue on the right.
Item {
    id: view

    property bool editing: TranslateController.segments.count === 0
    property int currentRow: -1

    function focusSource() { editing = true; sourceEdit.forceActiveFocus() }
    function startTranslation() {
        if (sourceEdit.text.trim().length === 0)
            return
        view.currentRow = -1
        TranslateController.translate(sourceEdit.text)
        view.editing = false
    }

    Connections {
        target: TranslateController
        function onSourceReplaced(text) { sourceEdit.text = text }
    }

    DropArea {
        anchors.fill: parent
        onDropped: drop => { if (drop.hasUrls) { TranslateController.addFiles(drop.urls); drop.accept() } }
        Rectangle {
            anchors.fill: parent
            visible: parent.containsDrag
            color: "transparent"
            border.width: 3
            border.color: Theme.accent
            radius: Theme.radius
            z: 10
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 16
            spacing: 10

            Banner {
                Layout.fillWidth: true
                text: TranslateController.errorText
                onDismissed: TranslateController.dismissError()
            }
            LanguageBar { Layout.fillWidth: true }
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                TextField {
                    id: styleField
                    objectName: "styleField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Style or background for the model, e.g. “release notes for a photo app, friendly tone” (not translated)")
                    text: TranslateController.style
                    onEditingFinished: TranslateController.style = text
                    Accessible.name: qsTr("Style and background")
                }
                ComboBox {
                    objectName: "formality"
                    visible: TranslateController.formalityOptions.length > 0
                    Layout.preferredWidth: 190
                    model: TranslateController.formalityOptions
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: Math.max(0, indexOfValue(TranslateController.formality))
                    onActivated: TranslateController.formality = currentValue
                    Accessible.name: qsTr("Formality")
                }
                Button {
                    Accessible.name: text
                    objectName: "glossaryButton"
                    text: qsTr("Glossary (%1)").arg(TranslateController.glossary.length)
                    onClicked: glossary.open()
                }
            }

            // Column headers of the aligned view.
            RowLayout {
                Layout.fillWidth: true
                spacing: 16
                Label {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    text: {
                        const i = TranslateController.languages.findIndex(l => l.code === TranslateController.sourceLanguage)
                        if (TranslateController.sourceLanguage.length > 0)
                            return i >= 0 ? TranslateController.languages[i].name : TranslateController.sourceLanguage
                        return TranslateController.detectedName.length > 0 ? qsTr("%1 (detected)").arg(TranslateController.detectedName)
                                                                           : qsTr("Source")
                    }
                    color: Theme.mutedText
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    text: {
                        const i = TranslateController.languages.findIndex(l => l.code === TranslateController.targetLanguage)
                        return i >= 0 ? TranslateController.languages[i].name : TranslateController.targetLanguage
                    }
                    color: Theme.mutedText
                    font.bold: true
                }
            }

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                radius: Theme.radius
                color: Theme.raised
                border.color: Theme.border

                ScrollView {
                    anchors.fill: parent
                    anchors.margins: 8
                    visible: view.editing
                    TextArea {
                        id: sourceEdit
                        objectName: "sourceEdit"
                        wrapMode: TextEdit.Wrap
                        textFormat: TextEdit.PlainText
                        placeholderText: qsTr("Type or paste text to translate. Placeholders such as %1 or {name}, markup and `code` are kept as they are.\n\nDrop files or folders here to translate them: .po, .ts, .xliff, .md, .html, .srt, .vtt, .json, strings.xml, .docx, .odt, .txt")
                        background: null
                        horizontalAlignment: TranslateController.sourceRtl ? Text.AlignRight : Text.AlignLeft
                        Accessible.name: qsTr("Text to translate")
                        Keys.onPressed: event => {
                            if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && (event.modifiers & Qt.ControlModifier)) {
                                view.startTranslation()
                                event.accepted = true
                            }
                        }
                    }
                }
                ListView {
                    id: segmentList
                    objectName: "segmentList"
                    anchors.fill: parent
                    anchors.margins: 8
                    visible: !view.editing
                    clip: true
                    spacing: 2
                    model: TranslateController.segments
                    ScrollBar.vertical: ScrollBar {}
                    delegate: SegmentRow {
                        width: segmentList.width - 12
                        current: index === view.currentRow
                        onSelected: view.currentRow = index
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                AccentButton {
                    objectName: "translateButton"
                    text: TranslateController.busy ? qsTr("Stop") : qsTr("Translate")
                    danger: TranslateController.busy
                    onClicked: TranslateController.busy ? TranslateController.stop() : view.startTranslation()
                    ToolTip.visible: hovered
                    ToolTip.text: TranslateController.busy ? qsTr("Stop (Esc)") : qsTr("Translate (Ctrl+Enter)")
                }
                Button {
                    Accessible.name: text
                    text: qsTr("Edit source")
                    visible: !view.editing
                    onClicked: view.focusSource()
                }
                Button {
                    Accessible.name: text
                    objectName: "copyButton"
                    text: qsTr("Copy translation")
                    enabled: TranslateController.output.length > 0
                    onClicked: TranslateController.copyTranslation()
                }
                Label {
                    Layout.fillWidth: true
                    text: TranslateController.statusText
                    color: Theme.mutedText
                    elide: Text.ElideRight
                }
            }
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        JobQueue {
            Layout.preferredWidth: 290
            Layout.fillHeight: true
        }
    }

    GlossaryDialog { id: glossary }
}
