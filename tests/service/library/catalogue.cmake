# The catalogue's loader and fit badges (cataloguetest: strict parsing, the built-in catalogue, planCatalogue on
# the CPU backend) and the models on disk (localmodelstest: scan, last use, delete, import, moving the folder, on
# synthetic GGUF files the test writes).
lantern_add_test(SOURCE cataloguetest.cpp LIBS lantern_service LABELS unit TIMEOUT 120)
lantern_add_test(SOURCE localmodelstest.cpp LIBS lantern_service LABELS unit TIMEOUT 120)
