import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Lantern

// Files and folders being translated: one row per job with its progress; jobs live in the database, so
// they are still here, and carry on, after Lantern was closed or killed.
Rectangle {
    id: queue
    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label { text: qsTr("Files"); font.bold: true; color: Theme.text; Layout.fillWidth: true }
            Button { text: qsTr("Add…"); Accessible.name: text; onClicked: fileDialog.open() }
        }
        Label {
            Layout.fillWidth: true
            visible: jobList.count === 0
            text: qsTr("Drop files or folders anywhere on this view. Each becomes a job; the translation is written beside it (name.LANG.ext), marked for review.")
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize - 1
        }
        ListView {
            id: jobList
            objectName: "jobList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 6
            model: TranslateController.jobs
            delegate: Rectangle {
                id: job
                required property var jobId
                required property string name
                required property string state
                required property string stateText
                required property real progress
                required property string output
                required property string detail
                width: jobList.width
                implicitHeight: jobColumn.implicitHeight + 14
                radius: 8
                color: Theme.raised
                border.color: state === "failed" ? Theme.danger : Theme.border
                Accessible.role: Accessible.ListItem
                Accessible.name: name + ", " + stateText
                ColumnLayout {
                    id: jobColumn
                    anchors.fill: parent
                    anchors.margins: 7
                    spacing: 3
                    RowLayout {
                        Layout.fillWidth: true
                        Label { text: job.name; elide: Text.ElideMiddle; Layout.fillWidth: true; color: Theme.text }
                        IconButton {
                            text: job.state === "running" || job.state === "queued" ? "■" : "✕"
                            tip: job.state === "running" || job.state === "queued" ? qsTr("Stop") : qsTr("Remove from the list")
                            onClicked: job.state === "running" ? TranslateController.cancelJob(job.jobId) : TranslateController.removeJob(job.jobId)
                        }
                    }
                    Label { text: job.detail; color: Theme.mutedText; font.pixelSize: Theme.fontSize - 2 }
                    ProgressBar { Layout.fillWidth: true; value: job.progress; visible: job.state === "running" || job.state === "queued" }
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            text: job.stateText
                            wrapMode: Text.Wrap
                            color: job.state === "failed" ? Theme.danger : Theme.mutedText
                            font.pixelSize: Theme.fontSize - 2
                        }
                        Button {
                            Accessible.name: text
                            visible: job.state === "failed" || job.state === "cancelled"
                            flat: true
                            text: qsTr("Retry")
                            onClicked: TranslateController.retryJob(job.jobId)
                        }
                        Button {
                            Accessible.name: text
                            visible: job.state === "done"
                            flat: true
                            text: qsTr("Show")
                            onClicked: TranslateController.openOutput(job.jobId)
                            ToolTip.visible: hovered
                            ToolTip.text: job.output
                        }
                    }
                }
            }
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Files to translate")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Documents and localization files (*.txt *.md *.markdown *.html *.htm *.srt *.vtt *.docx *.odt *.po *.pot *.ts *.xlf *.xliff *.json *.arb *.xml)"),
                      qsTr("All files (*)")]
        onAccepted: TranslateController.addFiles(selectedFiles)
    }
}
