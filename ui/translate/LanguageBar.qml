import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Source language (detected, with its confidence, or chosen), swap, target language, recent pairs.
RowLayout {
    id: bar
    spacing: 8

    function indexOf(code) {
        const langs = TranslateController.languages
        for (let i = 0; i < langs.length; ++i)
            if (langs[i].code === code)
                return i
        return -1
    }

    ComboBox {
        id: sourceBox
        objectName: "sourceLanguage"
        Layout.preferredWidth: 230
        Accessible.name: qsTr("Source language")
        model: [{ code: "", name: TranslateController.detectedName.length > 0
                      ? qsTr("Detect (%1, %2%)").arg(TranslateController.detectedName).arg(TranslateController.detectedConfidence)
                      : qsTr("Detect language") }].concat(TranslateController.languages)
        textRole: "name"
        valueRole: "code"
        currentIndex: TranslateController.sourceLanguage.length === 0 ? 0 : bar.indexOf(TranslateController.sourceLanguage) + 1
        onActivated: TranslateController.sourceLanguage = currentValue
    }
    Label {
        objectName: "detectionLabel"
        visible: TranslateController.sourceLanguage.length === 0 && TranslateController.detectedName.length > 0
                 && !TranslateController.detectionReliable
        text: qsTr("unsure")
        color: Theme.warning
        ToolTip.visible: hoverArea.containsMouse
        ToolTip.text: qsTr("The text is short or mixed; choose the language if the guess is wrong.")
        MouseArea { id: hoverArea; anchors.fill: parent; hoverEnabled: true }
    }
    IconButton {
        objectName: "swapButton"
        text: "⇄"
        font.pixelSize: Theme.fontSize + 3
        tip: qsTr("Swap languages")
        enabled: TranslateController.sourceLanguage.length > 0 || TranslateController.detectedLanguage.length > 0
        onClicked: TranslateController.swap()
    }
    ComboBox {
        id: targetBox
        objectName: "targetLanguage"
        Layout.preferredWidth: 230
        Accessible.name: qsTr("Target language")
        model: TranslateController.languages
        textRole: "name"
        valueRole: "code"
        currentIndex: bar.indexOf(TranslateController.targetLanguage)
        onActivated: TranslateController.targetLanguage = currentValue
    }
    Repeater {
        model: TranslateController.recentPairs
        delegate: Button {
            required property var modelData
            flat: true
            text: modelData.label
            font.pixelSize: Theme.fontSize - 2
            visible: index > 0 && index < 4
            onClicked: TranslateController.usePair(modelData.source, modelData.target)
            Accessible.name: qsTr("Use %1").arg(modelData.label)
            required property int index
        }
    }
}
