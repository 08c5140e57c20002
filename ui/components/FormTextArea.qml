import QtQuick
import QtQuick.Controls

// A multi-line text field in which Tab and Shift+Tab move the focus on, as in every other field, instead
// of typing a tab character: otherwise a keyboard user could not leave it.
TextArea {
    Keys.onTabPressed: (event) => {
        const back = (event.modifiers & Qt.ShiftModifier) !== 0
        nextItemInFocusChain(!back).forceActiveFocus(back ? Qt.BacktabFocusReason : Qt.TabFocusReason)
        event.accepted = true
    }
    Keys.onBacktabPressed: (event) => {
        nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
        event.accepted = true
    }
}
