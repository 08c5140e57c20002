import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// One download: its name and state, progress with size, speed and time left, and what can be done with it
// (pause, resume, cancel; load or forget when done).
Rectangle {
    id: row

    required property string jobId
    required property string name
    required property string repo
    required property string jobState
    required property string stateText
    required property double progress
    required property string sizeText
    required property string speedText
    required property string timeLeftText
    required property string error
    required property string finalPath
    required property string filesText

    readonly property bool running: jobState === "queued" || jobState === "checking" || jobState === "downloading"
                                    || jobState === "verifying"

    width: ListView.view ? ListView.view.width : 600
    implicitHeight: layout.implicitHeight + 24
    radius: Theme.radius
    color: Theme.raised
    border.color: jobState === "failed" ? Theme.danger : Theme.border

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 12
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    horizontalAlignment: Text.AlignLeft
                    Layout.fillWidth: true
                    text: row.name
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    horizontalAlignment: Text.AlignLeft
                    Layout.fillWidth: true
                    text: row.repo
                    color: Theme.mutedText
                    font.pixelSize: Theme.fontSize - 3
                    elide: Text.ElideMiddle
                }
            }
            Button {
                objectName: "pauseButton"
                visible: row.running
                text: qsTr("Pause")
                Accessible.name: qsTr("Pause the download of %1").arg(row.name)
                onClicked: LibraryController.pause(row.jobId)
            }
            Button {
                objectName: "resumeButton"
                visible: row.jobState === "paused" || row.jobState === "failed"
                enabled: LibraryController.networkAllowed
                text: row.jobState === "failed" ? qsTr("Try again") : qsTr("Resume")
                Accessible.name: qsTr("Resume the download of %1").arg(row.name)
                onClicked: LibraryController.resume(row.jobId)
            }
            Button {
                objectName: "cancelButton"
                visible: row.jobState !== "done"
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel the download of %1 and delete its partial file").arg(row.name)
                onClicked: LibraryController.cancel(row.jobId)
            }
            AccentButton {
                visible: row.jobState === "done"
                text: qsTr("Load now")
                Accessible.name: qsTr("Load %1 now").arg(row.name)
                onClicked: LibraryController.load(row.finalPath)
            }
            Button {
                visible: row.jobState === "done"
                text: qsTr("Clear")
                Accessible.name: qsTr("Remove %1 from this list").arg(row.name)
                onClicked: LibraryController.remove(row.jobId)
            }
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: row.jobState !== "done"
            from: 0
            to: 1
            value: Math.max(0, row.progress)
            indeterminate: row.progress < 0 && row.running
            palette.dark: row.jobState === "paused" || row.jobState === "failed" ? Theme.mutedText : Theme.accent
            Accessible.name: qsTr("Progress of %1").arg(row.name)
        }
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 2
            text: [row.stateText, row.filesText, row.sizeText, row.speedText, row.timeLeftText]
                  .filter(s => s.length > 0).join(" · ")
        }
        Label {
            horizontalAlignment: Text.AlignLeft
            Layout.fillWidth: true
            visible: row.error.length > 0
            wrapMode: Text.Wrap
            color: Theme.danger
            font.pixelSize: Theme.fontSize - 2
            text: row.error
        }
    }
}
