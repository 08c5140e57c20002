import QtQuick
import QtTest
import Lantern

// The main flows as a user drives them: send and watch the answer stream in and get stored, stop,
// edit (a branch and the switcher), search and jump, delete and undo.
Item {
    id: root
    width: 1100
    height: 720

    Sidebar {
        id: sidebar
        width: 280
        height: root.height
    }
    ChatView {
        id: chat
        x: 280
        width: root.width - 280
        height: root.height
    }

    Component {
        id: codeBlockComponent
        CodeBlock { width: 500 }
    }

    TestCase {
        name: "ChatView"
        when: windowShown

        function composerInput() { return findChild(chat, "composerInput") }
        function messageList() { return findChild(chat, "messageList") }
        function send(text) {
            const input = composerInput()
            input.forceActiveFocus()
            input.text = text
            keyClick(Qt.Key_Return)
        }
        function waitIdle() { tryVerify(() => !ChatController.generating, 10000) }

        function initTestCase() {
            tryCompare(ChatController.models, "state", "ready", 5000)
        }

        function test_1_sendStreamsAndStores() {
            ChatController.newConversation()
            send("Hello from the test")
            compare(composerInput().text, "")  // Enter sent and cleared the draft
            verify(ChatController.generating)
            tryCompare(ChatController.messages, "count", 2)
            const list = messageList()
            // The answer grows while streaming...
            tryVerify(() => list.itemAtIndex(1) && list.itemAtIndex(1).content.length > 0, 5000)
            verify(ChatController.generating)
            waitIdle()
            const answer = list.itemAtIndex(1)
            compare(answer.messageState, "complete")
            verify(answer.content.startsWith("word0 word1 "))
            verify(answer.content.endsWith("word59 "))
            compare(list.itemAtIndex(0).content, "Hello from the test")
            compare(ChatController.currentTitle, "Hello from the test")
            compare(ChatController.conversations.count, 1)
        }

        function test_2_shiftEnterIsANewLine() {
            const input = composerInput()
            input.forceActiveFocus()
            input.text = "line one"
            input.cursorPosition = input.text.length
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            verify(!ChatController.generating)
            compare(input.text, "line one\n")
            input.text = ""
        }

        function test_3_stop() {
            send("Another question")
            tryVerify(() => messageList().itemAtIndex(3) && messageList().itemAtIndex(3).content.length > 0, 5000)
            const stop = findChild(chat, "stopButton")
            verify(stop)
            mouseClick(stop)
            verify(!ChatController.generating)  // immediately
            compare(messageList().itemAtIndex(3).messageState, "cancelled")
            verify(!messageList().itemAtIndex(3).content.endsWith("word59 "))
        }

        function test_4_editMakesABranchWithASwitcher() {
            const list = messageList()
            const question = list.itemAtIndex(2)
            ChatController.editMessage(question.messageId, "An edited question")
            waitIdle()
            const edited = list.itemAtIndex(2)
            compare(edited.content, "An edited question")
            compare(edited.siblingCount, 2)
            compare(edited.siblingIndex, 2)
            ChatController.switchSibling(edited.messageId, -1)
            // The row is replaced; the view creates its new delegate on the next polish.
            tryVerify(() => list.itemAtIndex(2) && list.itemAtIndex(2).content === "Another question", 3000)
            compare(list.itemAtIndex(2).siblingIndex, 1)
            compare(list.itemAtIndex(2).siblingCount, 2)
        }

        function test_5_searchFindsAndJumps() {
            const firstId = ChatController.currentConversationId
            ChatController.newConversation()
            send("Something unrelated")
            waitIdle()
            verify(ChatController.currentConversationId !== firstId)
            const field = findChild(sidebar, "searchField")
            field.text = "edited question"
            const results = findChild(sidebar, "searchList")
            tryVerify(() => results.visible && results.count > 0, 3000)
            waitForRendering(sidebar)
            const hit = results.itemAtIndex(0)
            verify(hit.snippetHtml.indexOf("<b>") >= 0)
            mouseClick(hit)
            compare(ChatController.currentConversationId, firstId)
            // The hit sits on the other branch: that branch is shown.
            tryVerify(() => messageList().itemAtIndex(2) && messageList().itemAtIndex(2).content === "An edited question", 3000)
            field.text = ""
            tryVerify(() => !results.visible, 3000)
        }

        function test_6_deleteAndUndo() {
            const id = ChatController.currentConversationId
            const before = ChatController.conversations.count
            ChatController.deleteConversation(id)
            compare(ChatController.conversations.count, before - 1)
            const undo = findChild(sidebar, "undoButton")
            tryVerify(() => undo.visible, 2000)
            mouseClick(undo)
            compare(ChatController.conversations.count, before)
            compare(ChatController.currentConversationId, id)
        }
    

        function test_7_codeWithoutHighlighterSaysWhy() {
            const highlighter = ChatController.highlighter
            highlighter.setProgram("/nonexistent/kate-syntax-highlighter")
            const block = createTemporaryObject(codeBlockComponent, root,
                { segment: { code: "print(1)", language: "python", closed: true } })
            verify(block)
            const notice = findChild(block, "highlightNotice")
            tryVerify(() => notice.visible, 2000)
            verify(notice.tip.indexOf("libkf5syntaxhighlighting-tools") >= 0)
            compare(notice.Accessible.name, notice.tip)
            compare(findChild(block, "copyCodeButton").visible, true)
            // Installed again: the notice goes and the block is coloured.
            highlighter.setProgram("kate-syntax-highlighter")
            tryVerify(() => !notice.visible, 2000)
            tryVerify(() => block.highlighted.indexOf("<pre>") === 0, 10000)
        }
    
        function test_8_privacyAndWhoAnswered() {
            ChatController.newConversation()
            const privacy = findChild(chat, "privacyButton")
            const policy = findChild(chat, "policyBox")
            const deep = findChild(chat, "deepAnswer")
            compare(ChatController.routing.privacy, "private")  // the default
            compare(privacy.text, "Private — this computer only")
            verify(!policy.visible)
            verify(!deep.visible)
            send("Where does this go?")
            waitIdle()
            const answer = messageList().itemAtIndex(1)
            verify(!answer.remote)
            verify(answer.routeText.indexOf("on this computer") > 0)
            verify(findChild(answer, "routeBadge").visible)
            // Allowing remote goes through the dialog; refusing it leaves the conversation private.
            const dialog = findChild(chat, "privacyDialog")
            mouseClick(privacy)
            tryVerify(() => dialog.opened, 2000)
            dialog.reject()
            tryVerify(() => !dialog.visible, 2000)
            compare(ChatController.routing.privacy, "private")
            mouseClick(privacy)
            tryVerify(() => dialog.opened, 2000)
            dialog.accept()
            tryCompare(ChatController.routing, "privacy", "remote")
            tryVerify(() => !dialog.visible, 2000)
            compare(privacy.text, "May use remote")
            verify(policy.visible)  // no endpoint is set up, so nothing can go anywhere yet
            verify(!ChatController.routing.remoteAvailable)
            verify(!deep.visible)
            wait(300)
            mouseClick(privacy)  // back to private: at once, no question
            compare(ChatController.routing.privacy, "private")
            verify(!policy.visible)
        }
    }
}
