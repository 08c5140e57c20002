import QtQuick
import QtQuick.Controls
import Lantern

// The download queue: one job at a time, the rest waiting in order; finished ones last.
Item {
    Label {
        anchors.centerIn: parent
        width: parent.width - 40
        visible: list.count === 0
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.mutedText
        text: qsTr("Nothing is downloading. Models you download from the catalogue or the hub appear here; an "
                   + "interrupted download resumes where it stopped.")
    }
    ListView {
        id: list
        objectName: "downloadList"
        anchors.fill: parent
        clip: true
        spacing: 8
        model: LibraryController.downloads
        boundsBehavior: Flickable.StopAtBounds
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Downloads")
        ScrollBar.vertical: ScrollBar { }
        delegate: DownloadRow { }
    }
}
