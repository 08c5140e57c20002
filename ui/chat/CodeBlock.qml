import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lantern

// A fenced code block: language label and copy button above, the code below. Highlighting arrives
// asynchronously from CodeHighlighter (KDE Syntax Highlighting); until then, and while the block is
// still streaming, the code shows as plain monospace. Without a highlighter the header says so and how to
// get one (CodeHighlighter.notice).
Rectangle {
    id: block

    property var segment: ({})
    readonly property string code: segment.code || ""
    readonly property string language: segment.language || ""
    readonly property string highlighted: segment.closed
        ? (ChatController.highlighter.revision, ChatController.highlighter.available,
           ChatController.highlighter.html(language, code, Theme.dark)) : ""

    implicitHeight: layout.implicitHeight
    radius: 10
    color: Theme.codeBackground
    border.color: Theme.border
    clip: true
    Accessible.role: Accessible.Grouping
    Accessible.name: language.length > 0 ? qsTr("%1 code").arg(language) : qsTr("Code")

    ColumnLayout {
        id: layout
        width: parent.width
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 32
            color: Theme.codeHeader
            radius: 10
            Rectangle { // square off the lower corners of the header
                anchors.bottom: parent.bottom
                width: parent.width
                height: parent.radius
                color: parent.color
            }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 4
                Label {
                    Layout.fillWidth: true
                    text: block.language.length > 0 ? block.language : qsTr("code")
                    color: Theme.mutedText
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontSize - 2
                }
                IconButton {
                    objectName: "highlightNotice"
                    visible: !ChatController.highlighter.available && block.language.length > 0
                    text: qsTr("Highlighting off")
                    tip: ChatController.highlighter.notice
                    onClicked: ToolTip.show(tip, 10000)
                }
                IconButton {
                    objectName: "copyCodeButton"
                    text: copied.running ? qsTr("Copied") : qsTr("Copy")
                    tip: qsTr("Copy code")
                    onClicked: {
                        ChatController.copyText(block.code)
                        copied.restart()
                    }
                    Timer { id: copied; interval: 1500 }
                }
            }
        }

        Flickable {
            id: scroller
            Layout.fillWidth: true
            implicitHeight: codeText.implicitHeight + 24
            contentWidth: codeText.implicitWidth + 24
            contentHeight: height
            flickableDirection: Flickable.HorizontalFlick
            boundsBehavior: Flickable.StopAtBounds
            clip: true
            ScrollBar.horizontal: ScrollBar { policy: scroller.contentWidth > scroller.width ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff }

            TextEdit {
                id: codeText
                x: 12
                y: 12
                readOnly: true
                selectByMouse: true
                activeFocusOnPress: false
                textFormat: block.highlighted.length > 0 ? TextEdit.RichText : TextEdit.PlainText
                text: block.highlighted.length > 0 ? block.highlighted : block.code
                font.family: Theme.monoFamily
                font.pixelSize: Theme.fontSize - 1
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
            }
        }
    }
}
