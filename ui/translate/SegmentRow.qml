import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One aligned pair: the source sentence and its translation side by side. Hovering or selecting either
// side highlights both; the actions act on this segment only.
Rectangle {
    id: row

    required property int index
    required property string sourceText
    required property string targetText
    required property string status
    required property var problems
    required property var alternatives
    required property bool locked
    property bool current: false
    property bool hovered: hover.hovered
    signal selected()

    implicitHeight: Math.max(sourceLabel.implicitHeight, targetColumn.implicitHeight) + 16
    radius: 6
    color: current ? Theme.selection : (hovered ? Theme.surface : "transparent")
    border.width: status === "flagged" ? 1 : 0
    border.color: Theme.warning
    Accessible.role: Accessible.ListItem
    Accessible.name: sourceText + " — " + targetText

    HoverHandler { id: hover }
    TapHandler { onTapped: row.selected() }

    RowLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 16

        Label {
            id: sourceLabel
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop
            text: row.sourceText
            wrapMode: Text.Wrap
            color: Theme.text
            horizontalAlignment: TranslateController.sourceRtl ? Text.AlignRight : Text.AlignLeft
            LayoutMirroring.enabled: false
            textFormat: Text.PlainText
        }
        ColumnLayout {
            id: targetColumn
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop
            spacing: 4

            TextArea {
                id: targetEdit
                objectName: "target" + row.index
                Layout.fillWidth: true
                text: row.targetText
                readOnly: row.locked || row.status === "translating"
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                horizontalAlignment: TranslateController.targetRtl ? Text.AlignRight : Text.AlignLeft
                placeholderText: row.status === "pending" ? qsTr("…") : ""
                color: row.status === "translating" ? Theme.mutedText : Theme.text
                background: Rectangle {
                    color: targetEdit.activeFocus ? Theme.raised : "transparent"
                    border.width: targetEdit.activeFocus ? 1 : 0
                    border.color: Theme.accent
                    radius: 4
                }
                padding: 2
                Accessible.name: qsTr("Translation of segment %1").arg(row.index + 1)
                onEditingFinished: if (text !== row.targetText) TranslateController.setTarget(row.index, text)
                onActiveFocusChanged: if (activeFocus) row.selected()
            }
            Label {
                visible: row.problems.length > 0
                Layout.fillWidth: true
                text: "⚠ " + row.problems.join(" ")
                color: Theme.warning
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSize - 2
            }
            Repeater {
                model: row.alternatives
                delegate: Button {
                    required property string modelData
                    Layout.fillWidth: true
                    flat: true
                    text: modelData
                    font.pixelSize: Theme.fontSize - 1
                    contentItem: Label { text: parent.text; wrapMode: Text.Wrap; color: Theme.link }
                    onClicked: TranslateController.chooseAlternative(row.index, modelData)
                    Accessible.name: qsTr("Use this alternative: %1").arg(modelData)
                }
            }
            RowLayout {
                spacing: 2
                visible: row.hovered || row.current
                IconButton { text: "↻"; tip: qsTr("Translate again"); enabled: !row.locked && !TranslateController.busy; onClicked: TranslateController.retranslate(row.index) }
                IconButton { text: qsTr("Alternatives"); tip: qsTr("Show other translations"); enabled: !TranslateController.busy; onClicked: TranslateController.requestAlternatives(row.index) }
                IconButton { text: qsTr("Formal"); tip: qsTr("More formal"); enabled: !row.locked && !TranslateController.busy; onClicked: TranslateController.rewrite(row.index, "formal") }
                IconButton { text: qsTr("Casual"); tip: qsTr("Less formal"); enabled: !row.locked && !TranslateController.busy; onClicked: TranslateController.rewrite(row.index, "informal") }
                IconButton { text: qsTr("Shorter"); tip: qsTr("Make it shorter"); enabled: !row.locked && !TranslateController.busy; onClicked: TranslateController.rewrite(row.index, "shorter") }
                IconButton {
                    objectName: "lock" + row.index
                    text: row.locked ? "🔒" : "🔓"
                    tip: row.locked ? qsTr("Unlock this segment") : qsTr("Lock this segment: keep it as it is")
                    onClicked: TranslateController.setLocked(row.index, !row.locked)
                }
                Label {
                    text: row.status === "memory" ? qsTr("from memory") : row.status === "edited" ? qsTr("edited")
                        : row.status === "flagged" ? qsTr("needs review") : ""
                    color: row.status === "flagged" ? Theme.warning : Theme.mutedText
                    font.pixelSize: Theme.fontSize - 2
                }
            }
        }
    }
}
