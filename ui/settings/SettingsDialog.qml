import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Preferences: look, the default system prompt, sampling for the current model, context, device, the
// model library (network, hub, models folder). Changes apply at once; model options apply on the next load.
Dialog {
    id: dialog

    // Index of the choice whose value equals `value` (0 when none does). ComboBox.indexOfValue compares
    // QVariants strictly, and an int setting never equals the JS numbers of these models (the context combo
    // showed 2,048 tokens while 4,096 was in use).
    function choiceIndex(choices, value) {
        for (let i = 0; i < choices.length; ++i) {
            if (choices[i].value == value)
                return i
        }
        return 0
    }

    // Opens the dialog scrolled to the API server section (the header's server chip).
    function openServerSettings() {
        open()
        scroller.contentY = Math.max(0, Math.min(serverSection.y - 8, scroller.contentHeight - scroller.height))
    }

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(620, (parent ? parent.width : 620) - 40)
    height: Math.min(implicitHeight, (parent ? parent.height : 760) - 40)
    padding: 20
    footer: DialogButtonBox {
        alignment: Qt.AlignRight
        padding: 16
        background: null
        Button {
            text: qsTr("Close")
            Accessible.name: text
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
    background: Rectangle {
        radius: Theme.radius
        color: Theme.raised
        border.color: Theme.border
    }
    header: Label { text: dialog.title; padding: 20; bottomPadding: 0; font.pixelSize: Theme.fontSize + 4; font.bold: true; color: Theme.text }

    component SectionLabel: Label {
        Layout.columnSpan: 2
        Layout.topMargin: 8
        font.bold: true
        color: Theme.accent
    }

    Flickable {
        id: scroller
        anchors.fill: parent
        implicitHeight: grid.implicitHeight
        contentWidth: width
        contentHeight: grid.implicitHeight
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar { policy: scroller.contentHeight > scroller.height ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded }

    GridLayout {
        id: grid
        width: scroller.width - (scroller.contentHeight > scroller.height ? 14 : 0)
        columns: 2
        columnSpacing: 16
        rowSpacing: 10

        SectionLabel { text: qsTr("Appearance") }
        Label { text: qsTr("Theme"); color: Theme.text }
        ComboBox {
            objectName: "themeBox"
            Layout.fillWidth: true
            Accessible.name: qsTr("Theme")
            textRole: "label"
            valueRole: "value"
            model: [{ value: "system", label: qsTr("Same as the system") },
                    { value: "light", label: qsTr("Light") },
                    { value: "dark", label: qsTr("Dark") }]
            currentIndex: dialog.choiceIndex(model, AppSettings.theme)
            onActivated: AppSettings.theme = currentValue
        }
        Label { text: qsTr("Text size"); color: Theme.text }
        SpinBox {
            from: 10
            to: 24
            value: AppSettings.fontSize
            editable: true
            Accessible.name: qsTr("Text size")
            onValueModified: AppSettings.fontSize = value
        }

        SectionLabel { text: qsTr("Conversation") }
        Label { text: qsTr("System prompt"); color: Theme.text; Layout.alignment: Qt.AlignTop }
        FormTextArea {
            Layout.fillWidth: true
            Layout.preferredHeight: 80
            text: AppSettings.systemPrompt
            placeholderText: qsTr("Optional instructions the model sees before every new chat")
            wrapMode: TextEdit.Wrap
            color: Theme.text
            Accessible.name: qsTr("System prompt")
            onEditingFinished: AppSettings.systemPrompt = text
            background: Rectangle { radius: 8; color: Theme.surface; border.color: Theme.border }
        }
        Label { text: qsTr("Answers"); color: Theme.text }
        ComboBox {
            Layout.fillWidth: true
            Accessible.name: qsTr("Sampling preset for this model")
            textRole: "label"
            valueRole: "value"
            model: [{ value: "precise", label: qsTr("Precise – focused, repeatable") },
                    { value: "balanced", label: qsTr("Balanced") },
                    { value: "creative", label: qsTr("Creative – more varied") }]
            currentIndex: dialog.choiceIndex(model, AppSettings.samplingPreset)
            onActivated: AppSettings.samplingPreset = currentValue
        }

        SectionLabel { text: qsTr("Model") }
        Label { text: qsTr("Context size"); color: Theme.text }
        ComboBox {
            Layout.fillWidth: true
            Accessible.name: qsTr("Context size in tokens")
            textRole: "label"
            valueRole: "value"
            model: [{ value: 2048, label: qsTr("2,048 tokens") }, { value: 4096, label: qsTr("4,096 tokens") },
                    { value: 8192, label: qsTr("8,192 tokens") }, { value: 16384, label: qsTr("16,384 tokens") },
                    { value: 32768, label: qsTr("32,768 tokens") }, { value: 0, label: qsTr("As large as the model allows") }]
            currentIndex: dialog.choiceIndex(model, AppSettings.contextSize)
            onActivated: AppSettings.contextSize = currentValue
        }
        Label { text: qsTr("Longest answer"); color: Theme.text }
        ComboBox {
            Layout.fillWidth: true
            Accessible.name: qsTr("Longest answer in tokens")
            textRole: "label"
            valueRole: "value"
            model: [{ value: 256, label: qsTr("256 tokens (a paragraph)") }, { value: 1024, label: qsTr("1,024 tokens (a page or two)") },
                    { value: 4096, label: qsTr("4,096 tokens") }, { value: 0, label: qsTr("No limit") }]
            currentIndex: dialog.choiceIndex(model, AppSettings.maxAnswerTokens)
            onActivated: AppSettings.maxAnswerTokens = currentValue
        }
        Label { text: qsTr("Device"); color: Theme.text }
        TextField {
            Layout.fillWidth: true
            text: AppSettings.device
            placeholderText: qsTr("Automatic (a graphics card if there is one, else the CPU)")
            color: Theme.text
            selectByMouse: true
            Accessible.name: qsTr("Device: cpu, vulkan, or a graphics device's index or part of its name")
            onEditingFinished: AppSettings.device = text
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 2
            text: ChatController.models.deviceName.length > 0
                  ? qsTr("In use: %1. Context size and device apply the next time a model loads.").arg(ChatController.models.deviceName)
                  : qsTr("Context size and device apply the next time a model loads.")
        }

        SectionLabel { text: qsTr("Translation") }
        Label { text: qsTr("Models per language pair"); color: Theme.text; Layout.alignment: Qt.AlignTop }
        ColumnLayout {
            Layout.fillWidth: true
            FormTextArea {
                objectName: "routesField"
                Layout.fillWidth: true
                Layout.preferredHeight: 70
                text: TranslateController.routes
                placeholderText: qsTr("One rule per line: FROM TO MODEL-FILE, * for any language, e.g.\nzh en /models/Hunyuan-MT-7B.Q4_K_M.gguf\n* * default")
                font.family: Theme.monoFamily
                color: Theme.text
                Accessible.name: qsTr("Translation models per language pair")
                onEditingFinished: TranslateController.routes = text
                background: Rectangle { radius: 8; color: Theme.surface; border.color: Theme.border }
            }
            Label {
                Layout.fillWidth: true
                visible: text.length > 0
                text: TranslateController.routesError
                color: Theme.danger
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSize - 2
            }
        }

        SectionLabel { id: librarySection; text: qsTr("Model library") }
        LibrarySettingsPage {
            Layout.columnSpan: 2
            Layout.fillWidth: true
        }

        SectionLabel { id: serverSection; text: qsTr("API server") }
        Label { text: qsTr("Serve the model"); color: Theme.text }
        Switch {
            palette.dark: Theme.accent  // the Basic style's "on" track
            checked: AppSettings.serverEnabled
            Accessible.name: qsTr("Let other programs use the loaded model (OpenAI-compatible API)")
            onToggled: AppSettings.serverEnabled = checked
        }
        Label { text: qsTr("Port"); color: Theme.text }
        SpinBox {
            from: 1
            to: 65535
            value: AppSettings.serverPort
            editable: true
            textFromValue: function(value) { return value.toString() }  // no digit grouping in a port
            valueFromText: function(text) { return parseInt(text, 10) }
            Accessible.name: qsTr("API server port")
            onValueModified: AppSettings.serverPort = value
        }
        Label { text: qsTr("Network"); color: Theme.text }
        CheckBox {
            text: qsTr("Allow other devices on the network")
            checked: AppSettings.serverAllowNetwork
            Accessible.name: text
            onToggled: {
                if (checked && AppSettings.serverApiKey.length === 0)
                    AppSettings.generateServerApiKey()
                AppSettings.serverAllowNetwork = checked
            }
        }
        Label { text: qsTr("API key"); color: Theme.text }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                Layout.fillWidth: true
                text: AppSettings.serverApiKey
                placeholderText: AppSettings.serverAllowNetwork ? qsTr("Required for other devices") : qsTr("Optional on this computer")
                font.family: Theme.monoFamily
                color: Theme.text
                selectByMouse: true
                Accessible.name: qsTr("API key")
                onEditingFinished: AppSettings.serverApiKey = text
            }
            Button {
                text: qsTr("Generate")
                Accessible.name: qsTr("Generate a new API key")
                onClicked: AppSettings.generateServerApiKey()
            }
        }
        Label { text: qsTr("Base URL"); color: Theme.text }
        TextField {
            Layout.fillWidth: true
            readOnly: true
            text: ApiServerController.running ? ApiServerController.url : "http://127.0.0.1:%1/v1".arg(AppSettings.serverPort)
            font.family: Theme.monoFamily
            selectByMouse: true
            Accessible.name: qsTr("API server base URL")
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSize - 2
            readonly property bool failed: AppSettings.serverEnabled && ApiServerController.lastError.length > 0
            color: failed ? Theme.danger : Theme.mutedText
            text: failed ? ApiServerController.lastError
                : !ApiServerController.running ? qsTr("Off. When on, programs that speak OpenAI's API use the model loaded here, taking turns with the chat.")
                : (AppSettings.serverAllowNetwork ? qsTr("On: other devices on the network with the key use the model loaded here, taking turns with the chat.")
                                                  : qsTr("On: programs on this computer use the model loaded here, taking turns with the chat."))
                  + (AppSettings.serverApiKey.length > 0 ? " " + qsTr("They send the key as “Authorization: Bearer KEY”.") : "")
        }

        SectionLabel { id: remoteSection; text: qsTr("Remote endpoints") }
        RemoteEndpointsPage {
            Layout.columnSpan: 2
            Layout.fillWidth: true
        }
    }
    }
}
