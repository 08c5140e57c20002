pragma Singleton
import QtQuick
import Lantern

// Colours and sizes of the calm Lantern look, for light and dark. Every view reads these.
QtObject {
    readonly property bool dark: AppSettings.dark
    readonly property int fontSize: AppSettings.fontSize

    readonly property color window: dark ? "#16181d" : "#ffffff"
    readonly property color sidebar: dark ? "#1d2027" : "#f4f5f7"
    readonly property color surface: dark ? "#23262e" : "#f7f7f8"
    readonly property color raised: dark ? "#2b2f38" : "#ffffff"
    readonly property color border: dark ? "#343945" : "#e3e5e8"
    readonly property color text: dark ? "#e6e8eb" : "#1f2328"
    readonly property color mutedText: dark ? "#9aa1ad" : "#667085"
    readonly property color accent: dark ? "#e8a33d" : "#c9770c"
    readonly property color accentText: dark ? "#1a1a1a" : "#ffffff"
    readonly property color userBubble: dark ? "#2f3541" : "#eef1f5"
    readonly property color selection: dark ? "#323846" : "#e8ebf0"
    readonly property color codeBackground: dark ? "#0d1117" : "#f6f8fa"
    readonly property color codeHeader: dark ? "#161b22" : "#eaeef2"
    readonly property color link: dark ? "#7cb7ff" : "#0b62c4"
    readonly property color danger: dark ? "#ff7b72" : "#c4321f"
    readonly property color dangerBackground: dark ? "#3a1f1f" : "#fdecea"
    readonly property color warning: dark ? "#e3b341" : "#9a6700"

    readonly property string monoFamily: "DejaVu Sans Mono"
    readonly property int radius: 10
    readonly property int spacing: 12
}
