# Linux: .deb and .tar.gz (filled in by the Linux packaging work).
set(CPACK_GENERATOR "TGZ")
