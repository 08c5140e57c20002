import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One catalogue entry: what it is (name, family, kind, parameters, licence, languages, a summary), and for the
// chosen quantization its size, whether it fits this computer and a Download button. A delegate of
// CataloguePane's grid: it fills its cell, with a margin.
Item {
    id: card

    required property string entryId
    required property string name
    required property string family
    required property string kindText
    required property string kind
    required property string parameters
    required property string licence
    required property string licenceUrl
    required property string languages
    required property string summary
    required property bool thinking
    required property bool supported
    required property string unsupportedReason
    required property int recommendedIndex
    required property var quants

    readonly property var quant: quants.length > 0 ? quants[Math.max(0, quantBox.currentIndex)] : null
    readonly property bool networkAllowed: LibraryController.networkAllowed

    width: GridView.view ? GridView.view.cellWidth : 400
    height: GridView.view ? GridView.view.cellHeight : 262

    Rectangle {
        anchors.fill: parent
        anchors.margins: 6
        radius: Theme.radius
        color: Theme.raised
        border.color: Theme.border
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label {
                horizontalAlignment: Text.AlignLeft
                Layout.fillWidth: true
                text: card.name
                font.bold: true
                font.pixelSize: Theme.fontSize + 2
                color: Theme.text
                elide: Text.ElideRight
            }
            Label {
                text: card.thinking ? qsTr("%1 · thinks").arg(card.kindText) : card.kindText
                color: card.kind === "base" ? Theme.warning : Theme.accent
                font.pixelSize: Theme.fontSize - 2
                font.bold: true
            }
        }
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            text: [card.family, card.parameters, card.licence, card.languages].filter(s => s.length > 0).join(" · ")
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 2
            elide: Text.ElideRight
        }
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            Layout.fillHeight: true
            text: card.summary
            color: Theme.text
            wrapMode: Text.Wrap
            maximumLineCount: 3
            elide: Text.ElideRight
            verticalAlignment: Text.AlignTop
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            ComboBox {
                id: quantBox
                objectName: "quantBox"
                Layout.preferredWidth: 210
                model: card.quants
                displayText: card.quant ? card.quant.shortText : ""
                currentIndex: card.recommendedIndex
                enabled: card.supported && count > 1
                Accessible.name: qsTr("Quantization of %1").arg(card.name)
                delegate: ItemDelegate {
                    required property var modelData
                    required property int index
                    width: ListView.view ? ListView.view.width : implicitWidth
                    text: qsTr("%1 · %2").arg(modelData.quant).arg(modelData.sizeText)
                    highlighted: quantBox.highlightedIndex === index
                    Accessible.name: text
                }
            }
            Item { Layout.fillWidth: true }
            AccentButton {
                id: downloadButton
                objectName: "downloadButton"
                readonly property bool installed: card.quant ? card.quant.installed : false
                readonly property bool downloading: card.quant ? card.quant.downloading : false
                text: installed ? qsTr("On this computer") : downloading ? qsTr("Downloading…") : qsTr("Download")
                enabled: card.supported && card.networkAllowed && !installed && !downloading && card.quant !== null
                Accessible.name: installed ? qsTr("%1 is on this computer").arg(card.name)
                                           : qsTr("Download %1").arg(card.name)
                Accessible.description: card.quant ? card.quant.badge : ""
                onClicked: LibraryController.download(card.entryId, card.quant.quant)
            }
        }
        FitBadge {
            objectName: "fitBadge"
            Layout.maximumWidth: parent.width
            fit: card.quant ? card.quant.state : "unknown"
            text: card.quant ? card.quant.badge : ""
            ToolTip.visible: fitHover.hovered && fitText.text.length > 0
            ToolTip.text: fitText.text
            HoverHandler { id: fitHover }
        }
        // Two lines whatever the text, so that neighbouring cards line up.
        Label {
            id: fitText
            Layout.fillWidth: true
            Layout.minimumHeight: 2 * fitMetrics.lineSpacing
            horizontalAlignment: Text.AlignLeft
            verticalAlignment: Text.AlignTop
            text: !card.supported ? card.unsupportedReason : card.quant ? card.quant.fitText : ""
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 3
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            FontMetrics {
                id: fitMetrics
                font: fitText.font
            }
        }
    }
}
