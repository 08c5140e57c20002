import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Lantern

// The glossary of the current language pair: terms with their required translation, and terms to keep
// as they are (names, products, commands). Only the terms that occur in a segment go into its prompt,
// and each is checked in the answer.
Dialog {
    id: dialog
    title: qsTr("Glossary and memory")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 560
    height: 480
    standardButtons: Dialog.Close

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        RowLayout {
            Layout.fillWidth: true
            TextField { id: termSource; objectName: "termSource"; Layout.fillWidth: true; placeholderText: qsTr("Term") }
            TextField { id: termTarget; objectName: "termTarget"; Layout.fillWidth: true; placeholderText: qsTr("Translation"); enabled: !dnt.checked }
            CheckBox { id: dnt; text: qsTr("Keep as is") }
            Button {
                Accessible.name: text
                objectName: "addTerm"
                text: qsTr("Add")
                enabled: termSource.text.trim().length > 0 && (dnt.checked || termTarget.text.trim().length > 0)
                onClicked: {
                    TranslateController.addTerm(termSource.text, termTarget.text, dnt.checked)
                    termSource.text = ""
                    termTarget.text = ""
                    dnt.checked = false
                }
            }
        }
        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: TranslateController.glossary
            delegate: RowLayout {
                required property var modelData
                width: ListView.view.width
                Label { text: modelData.source; Layout.fillWidth: true; Layout.preferredWidth: 1; color: Theme.text }
                Label {
                    text: modelData.dnt ? qsTr("(keep as is)") : modelData.target
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    color: modelData.dnt ? Theme.mutedText : Theme.text
                }
                IconButton { text: "✕"; tip: qsTr("Remove %1").arg(modelData.source); onClicked: TranslateController.removeTerm(modelData.id) }
            }
        }
        Label { text: TranslateController.glossaryMessage; color: Theme.mutedText; visible: text.length > 0 }
        RowLayout {
            Label { text: qsTr("Translation memory: use earlier translations from"); color: Theme.text }
            SpinBox {
                objectName: "memoryThreshold"
                from: 50
                to: 100
                stepSize: 5
                value: TranslateController.memoryThreshold
                onValueModified: TranslateController.memoryThreshold = value
                textFromValue: (v, locale) => qsTr("%1% similar").arg(v)
                Accessible.name: qsTr("Translation memory similarity threshold")
            }
        }
        RowLayout {
            Button { text: qsTr("Import CSV, TBX or TMX…"); Accessible.name: text; onClicked: importDialog.open() }
            Button { text: qsTr("Export…"); Accessible.name: qsTr("Export the glossary or the memory"); onClicked: exportDialog.open() }
        }
    }
    FileDialog {
        id: importDialog
        nameFilters: [qsTr("Glossaries and translation memories (*.csv *.tbx *.tmx)")]
        onAccepted: TranslateController.importGlossary(selectedFile)
    }
    FileDialog {
        id: exportDialog
        fileMode: FileDialog.SaveFile
        defaultSuffix: "csv"
        nameFilters: [qsTr("Glossary as CSV (*.csv)"), qsTr("Glossary as TBX (*.tbx)"), qsTr("Translation memory as TMX (*.tmx)")]
        onAccepted: TranslateController.exportGlossary(selectedFile)
    }
}
