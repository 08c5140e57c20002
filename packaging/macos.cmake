# macOS: DragNDrop .dmg (owned by the macOS packaging work; see CMakeLists.txt).
set(CPACK_GENERATOR "DragNDrop")
