import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// Settings: remote OpenAI-compatible endpoints (none until the user adds one), the global "Local only"
// switch, and the cloud prices the cost lens compares with. Keys go to the system keychain only.
ColumnLayout {
    id: page

    readonly property var endpoints: RemoteEndpointsModel
    readonly property var cost: RemoteEndpointsModel.cost
    // The endpoint being edited: "" = none, "new" = a new one, else its id.
    property string editing: ""

    function edit(id, name, url, model) {
        editing = id
        nameField.text = name
        urlField.text = url
        modelField.text = model
        keyField.text = ""
        keyField.edited = false
        saveError.text = ""
        nameField.forceActiveFocus()
    }

    spacing: 8

    Switch {
        objectName: "localOnlySwitch"
        text: qsTr("Local only: never use a remote endpoint")
        checked: page.endpoints.localOnly
        onToggled: page.endpoints.localOnly = checked
        Accessible.name: text
    }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
        text: page.endpoints.localOnly
              ? qsTr("Every conversation is answered on this computer; the endpoints below are kept but not used.")
              : qsTr("A conversation uses these only after you mark it “may use remote” in its header. Private "
                     + "conversations never leave this computer.")
    }

    Repeater {
        model: page.endpoints
        delegate: RowLayout {
            required property string endpointId
            required property string name
            required property string endpointUrl
            required property string endpointModel
            required property string host
            Layout.fillWidth: true
            opacity: page.endpoints.localOnly ? 0.5 : 1
            spacing: 8
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label { text: name; color: Theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
                Label {
                    Layout.fillWidth: true
                    text: endpointModel.length > 0 ? qsTr("%1 · %2").arg(endpointUrl).arg(endpointModel) : endpointUrl
                    color: Theme.mutedText
                    font.pixelSize: Theme.fontSize - 3
                    elide: Text.ElideMiddle
                }
            }
            Button {
                text: qsTr("Edit")
                Accessible.name: qsTr("Edit %1").arg(name)
                onClicked: page.edit(endpointId, name, endpointUrl, endpointModel)
            }
            Button {
                text: qsTr("Remove")
                Accessible.name: qsTr("Remove %1").arg(name)
                onClicked: page.endpoints.remove(endpointId)
            }
        }
    }
    Label {
        visible: page.endpoints.count === 0 && page.editing === ""
        text: qsTr("No remote endpoint yet.")
        color: Theme.mutedText
    }
    Button {
        objectName: "addEndpointButton"
        visible: page.editing === ""
        text: qsTr("Add endpoint…")
        Accessible.name: text
        onClicked: page.edit("new", "", "", "")
    }

    // The editor of one endpoint.
    GridLayout {
        visible: page.editing !== ""
        Layout.fillWidth: true
        columns: 2
        columnSpacing: 12
        rowSpacing: 6
        Label { text: qsTr("Name"); color: Theme.text }
        TextField {
            id: nameField
            Layout.fillWidth: true
            placeholderText: qsTr("Workstation vLLM")
            Accessible.name: qsTr("Endpoint name")
        }
        Label { text: qsTr("Base URL"); color: Theme.text }
        TextField {
            id: urlField
            objectName: "endpointUrl"
            Layout.fillWidth: true
            placeholderText: "http://10.0.0.5:8000/v1"
            font.family: Theme.monoFamily
            Accessible.name: qsTr("Base URL")
        }
        Label { text: qsTr("Model"); color: Theme.text }
        TextField {
            id: modelField
            Layout.fillWidth: true
            placeholderText: qsTr("empty = the server's default")
            Accessible.name: qsTr("Model name")
        }
        Label { text: qsTr("API key"); color: Theme.text }
        TextField {
            id: keyField
            property bool edited: false
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: page.editing === "new" ? qsTr("none") : qsTr("unchanged (kept in the system keychain)")
            Accessible.name: qsTr("API key, stored in the system keychain")
            onTextEdited: edited = true
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: text.length > 0
            id: saveError
            color: Theme.danger
            font.pixelSize: Theme.fontSize - 2
        }
        RowLayout {
            Layout.columnSpan: 2
            spacing: 8
            Button {
                objectName: "testConnection"
                text: page.endpoints.testing ? qsTr("Testing…") : qsTr("Test connection")
                enabled: !page.endpoints.testing && urlField.text.length > 0 && !page.endpoints.localOnly
                Accessible.name: qsTr("Test connection")
                onClicked: page.endpoints.test(page.editing === "new" ? "" : page.editing, urlField.text,
                                               keyField.text, keyField.edited)
            }
            Item { Layout.fillWidth: true }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel editing")
                onClicked: page.editing = ""
            }
            AccentButton {
                text: qsTr("Save")
                enabled: urlField.text.length > 0
                onClicked: {
                    const problem = page.endpoints.save(page.editing === "new" ? "" : page.editing, nameField.text,
                                                        urlField.text, modelField.text, keyField.text, keyField.edited)
                    saveError.text = problem
                    if (problem.length === 0)
                        page.editing = ""
                }
            }
        }
    }
    Label {
        objectName: "testResult"
        Layout.fillWidth: true
        visible: text.length > 0 && page.editing !== ""
        wrapMode: Text.Wrap
        text: page.endpoints.testText
        color: page.endpoints.testing ? Theme.mutedText : page.endpoints.testOk ? Theme.text : Theme.danger
        font.pixelSize: Theme.fontSize - 2
    }
    Label {
        Layout.fillWidth: true
        visible: text.length > 0
        wrapMode: Text.Wrap
        text: page.endpoints.keyText
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 2
    }

    // The cost lens's prices.
    Label {
        Layout.topMargin: 8
        text: qsTr("Cloud prices for the cost lens (USD per million tokens)")
        color: Theme.text
        font.bold: true
    }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize - 3
        text: page.cost.edited ? qsTr("Your prices. The shipped ones were read on %1.").arg(page.cost.readOn)
                               : qsTr("Public prices read on %1; they change, so correct them here.").arg(page.cost.readOn)
    }
    Label {
        objectName: "costTotal"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.text
        font.pixelSize: Theme.fontSize - 2
        // Read when the page is shown and when prices change.
        text: page.cost.prices.length >= 0 && page.cost.reference.length >= 0 && page.visible
              ? ChatController.totalCostText() : ""
    }
    ButtonGroup { id: referenceGroup }
    Repeater {
        model: page.cost.prices
        delegate: RowLayout {
            required property var modelData
            required property int index
            spacing: 8
            RadioButton {
                Layout.preferredWidth: 190
                text: modelData.name
                checked: page.cost.reference === modelData.name
                ButtonGroup.group: referenceGroup
                Accessible.name: qsTr("Compare with %1").arg(modelData.name)
                onClicked: page.cost.reference = modelData.name
            }
            Label { text: qsTr("in"); color: Theme.mutedText }
            TextField {
                Layout.preferredWidth: 80
                text: Number(modelData.input).toString()
                validator: DoubleValidator { bottom: 0; decimals: 4; notation: DoubleValidator.StandardNotation; locale: "C" }
                Accessible.name: qsTr("%1 input price").arg(modelData.name)
                onEditingFinished: page.cost.setPrice(index, Number(text), modelData.output)
            }
            Label { text: qsTr("out"); color: Theme.mutedText }
            TextField {
                Layout.preferredWidth: 80
                text: Number(modelData.output).toString()
                validator: DoubleValidator { bottom: 0; decimals: 4; notation: DoubleValidator.StandardNotation; locale: "C" }
                Accessible.name: qsTr("%1 output price").arg(modelData.name)
                onEditingFinished: page.cost.setPrice(index, modelData.input, Number(text))
            }
        }
    }
    Button {
        visible: page.cost.edited
        text: qsTr("Use the shipped prices again")
        Accessible.name: text
        onClicked: page.cost.resetPrices()
    }
}
