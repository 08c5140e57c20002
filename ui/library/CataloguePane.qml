import QtQuick
import QtQuick.Controls
import Lantern

// The curated catalogue as cards, two columns when there is room.
Item {
    id: pane

    Label {
        anchors.centerIn: parent
        width: parent.width - 40
        visible: grid.count === 0
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: LibraryController.catalogueError.length > 0 ? Theme.danger : Theme.mutedText
        text: LibraryController.catalogueError.length > 0
              ? qsTr("The catalogue could not be read: %1").arg(LibraryController.catalogueError)
              : qsTr("The catalogue is empty in this build. Search the hub for GGUF models instead.")
    }

    GridView {
        id: grid
        objectName: "catalogueGrid"
        readonly property int columns: width >= 760 ? 2 : 1
        anchors.fill: parent
        clip: true
        cellWidth: Math.floor(width / columns)
        cellHeight: 262
        model: LibraryController.catalogue
        boundsBehavior: Flickable.StopAtBounds
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Model catalogue")
        ScrollBar.vertical: ScrollBar { }
        delegate: CatalogueCard { }
    }
}
