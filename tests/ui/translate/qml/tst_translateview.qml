import QtQuick
import QtTest
import Lantern

Item {
    id: root
    width: 1200
    height: 760

    TranslateView {
        id: view
        anchors.fill: parent
    }

    TestCase {
        name: "TranslateView"
        when: windowShown

        function segmentList() { return findChild(view, "segmentList") }

        function initTestCase() {
            tryCompare(ChatController.models, "state", "ready", 5000)
            TranslateController.sourceLanguage = "en"
            TranslateController.targetLanguage = "de"
        }

        function test_1_placeholderAndCodeSpanSurvive() {
            const source = findChild(view, "sourceEdit")
            source.text = "Delete {count} files from `/tmp`. Then restart the app."
            mouseClick(findChild(view, "translateButton"))
            verify(TranslateController.busy)
            tryCompare(TranslateController.segments, "count", 2, 5000)
            tryVerify(() => !TranslateController.busy, 10000)
            const list = segmentList()
            verify(list.visible)
            const first = list.itemAtIndex(0)
            compare(first.sourceText, "Delete {count} files from `/tmp`.")
            compare(first.targetText, "Lösche {count} Dateien aus `/tmp`.")
            compare(first.status, "translated")
            compare(list.itemAtIndex(1).targetText, "Dann die App neu starten.")
            compare(TranslateController.output, "Lösche {count} Dateien aus `/tmp`. Dann die App neu starten.")
        }

        function test_2_lockedSegmentIsKeptAndEditsAreChecked() {
            const list = segmentList()
            TranslateController.setLocked(1, true)
            compare(list.itemAtIndex(1).locked, true)
            TranslateController.setTarget(0, "Lösche Dateien aus `/tmp`.")  // the placeholder is gone
            tryVerify(() => list.itemAtIndex(0).problems.length > 0, 5000)
            compare(list.itemAtIndex(0).status, "edited")
            // Translating again keeps the locked sentence: only the first goes to the model.
            mouseClick(findChild(view, "translateButton"))
            tryVerify(() => !TranslateController.busy, 10000)
            compare(list.itemAtIndex(1).targetText, "Dann die App neu starten.")
            compare(list.itemAtIndex(1).status, "locked")
            compare(list.itemAtIndex(0).targetText, "Lösche {count} Dateien aus `/tmp`.")
        }

        function test_4_routingTableLoadsThePairsModel() {
            const current = ChatController.models.modelPath
            const routed = current.replace("scripted.gguf", "routed.gguf")
            TranslateController.routes = "fr de /nonexistent.gguf\nen de " + routed + "\n* * default"
            compare(TranslateController.routesError, "")
            findChild(view, "sourceEdit").text = "Delete {count} files from `/tmp`."
            TranslateController.translate("Delete {count} files from `/tmp`.")
            tryCompare(ChatController.models, "modelPath", routed, 5000)
            tryVerify(() => !TranslateController.busy, 10000)
            TranslateController.routes = "en de"  // a rule without a model is refused and not kept
            verify(TranslateController.routesError.length > 0)
            compare(TranslateController.routes, "fr de /nonexistent.gguf\nen de " + routed + "\n* * default")
            TranslateController.routes = ""
        }

        function test_3_glossaryTermIsStored() {
            const before = TranslateController.glossary.length
            TranslateController.addTerm("restart", "neu starten", false)
            compare(TranslateController.glossary.length, before + 1)
            compare(TranslateController.glossary[before].target, "neu starten")
            TranslateController.removeTerm(TranslateController.glossary[before].id)
            compare(TranslateController.glossary.length, before)
        }

        function test_5_memoryGoesOutAndBackAsTmx() {
            // The segments translated above are in the memory; the glossary dialog's export writes them as TMX
            // and its import reads them back.
            const tmx = "file://" + ChatController.models.modelPath.replace(/[^/]*$/, "memory.tmx")
            TranslateController.exportGlossary(tmx)
            verify(TranslateController.glossaryMessage.startsWith("Translation memory saved"), TranslateController.glossaryMessage)
            TranslateController.importGlossary(tmx)
            verify(/^[1-9][0-9]* translation/.test(TranslateController.glossaryMessage), TranslateController.glossaryMessage)
            TranslateController.importGlossary(tmx.replace("memory.tmx", "scripted.gguf"))  // not a glossary
            verify(!TranslateController.glossaryMessage.includes("imported"), TranslateController.glossaryMessage)
        }
    }
}
